//===- FftPlan.cpp - Batched real FFTs over trailing axes (FFTW, float) ---===//
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/support/Status.h"

#include <fftw3.h>
#include <fmt/format.h>

#include <atomic>
#include <climits>
#include <cmath>
#include <cstdint>

namespace shodh {

std::mutex &fftwPlannerMutex() {
  static std::mutex m;
  return m;
}

namespace {
std::atomic<FftPlanning> planningMode{FftPlanning::Estimate};
std::atomic<LastAxisTransform> lastAxisMode{LastAxisTransform::Auto};
} // namespace

void setLastAxisTransform(LastAxisTransform mode) { lastAxisMode = mode; }
LastAxisTransform lastAxisTransform() { return lastAxisMode; }

void setFftPlanning(FftPlanning mode) { planningMode = mode; }
FftPlanning fftPlanning() { return planningMode; }

unsigned fftwPlannerFlags() {
  return planningMode == FftPlanning::Measure ? FFTW_MEASURE : FFTW_ESTIMATE;
}

std::string exportFftWisdom() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  char *text = fftwf_export_wisdom_to_string();
  if (!text)
    return "";
  std::string out(text);
  fftwf_free(text);
  return out;
}

bool importFftWisdom(const std::string &text) {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  return fftwf_import_wisdom_from_string(text.c_str()) != 0;
}

bool fftScale(const std::string &norm, int64_t n, FftDirection dir, float &scale) {
  bool fwd = dir == FftDirection::Forward;
  if (norm == "backward")
    scale = fwd ? 1.0f : static_cast<float>(1.0 / double(n));
  else if (norm == "forward")
    scale = fwd ? static_cast<float>(1.0 / double(n)) : 1.0f;
  else if (norm == "ortho")
    scale = static_cast<float>(1.0 / std::sqrt(double(n)));
  else
    return false;
  return true;
}

RealFft::RealFft(const std::vector<int64_t> &grid, int64_t rows, FftDirection dir, float *real,
                 cfloat *half, int chunks)
    : dir_(dir), real_(real), half_(half) {
  SpectralGeometry g{grid, grid};
  realSize_ = 1;
  for (int64_t n : grid)
    realSize_ *= n;
  halfSize_ = g.halfSize();
  if (rows == 0)
    return;
  if (realSize_ > INT32_MAX || halfSize_ > INT32_MAX || rows > INT32_MAX)
    throw Error(fmt::format("FFT of {} points per grid is too large for FFTW's int sizes",
                            realSize_));
  std::vector<int> n(grid.begin(), grid.end());
  int parts = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(chunks, rows)));
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  for (int c = 0; c < parts; ++c) {
    int64_t first = rows * c / parts, count = rows * (c + 1) / parts - first;
    float *r = real + first * realSize_;
    fftwf_complex *h = reinterpret_cast<fftwf_complex *>(half + first * halfSize_);
    fftwf_plan p =
        dir == FftDirection::Forward
            ? fftwf_plan_many_dft_r2c(int(n.size()), n.data(), int(count), r, nullptr, 1,
                                      int(realSize_), h, nullptr, 1, int(halfSize_), FFTW_ESTIMATE)
            : fftwf_plan_many_dft_c2r(int(n.size()), n.data(), int(count), h, nullptr, 1,
                                      int(halfSize_), r, nullptr, 1, int(realSize_), FFTW_ESTIMATE);
    if (!p)
      throw Error(fmt::format("FFTW could not plan a transform of {} rows", count));
    plans_.push_back({p, first});
  }
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  for (Chunk &c : plans_)
    fftwf_destroy_plan(static_cast<fftwf_plan>(c.plan));
}

void RealFft::executeChunk(int c) const {
  const Chunk &ch = plans_[c];
  fftwf_plan p = static_cast<fftwf_plan>(ch.plan);
  fftwf_complex *h = reinterpret_cast<fftwf_complex *>(half_ + ch.first * halfSize_);
  if (dir_ == FftDirection::Forward)
    fftwf_execute_dft_r2c(p, real_ + ch.first * realSize_, h);
  else
    fftwf_execute_dft_c2r(p, h, real_ + ch.first * realSize_);
}

} // namespace shodh
