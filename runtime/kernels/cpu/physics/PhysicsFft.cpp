//===- PhysicsFft.cpp - Batched real FFTs in f32 and f64 (FFTW) -----------===//
#include "runtime/kernels/cpu/physics/PhysicsFft.h"
#include "runtime/support/Status.h"

#include <fftw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <mutex>

namespace shodh {
namespace {

/// FFTW's API for one precision.
template <typename T> struct Fftw;

template <> struct Fftw<float> {
  using Complex = fftwf_complex;
  using Plan = fftwf_plan;
  static Plan r2c(int rank, const int *n, int count, float *in, Complex *out,
                  int idist, int odist) {
    return fftwf_plan_many_dft_r2c(rank, n, count, in, nullptr, 1, idist, out,
                                   nullptr, 1, odist, FFTW_ESTIMATE);
  }
  static Plan c2r(int rank, const int *n, int count, Complex *in, float *out,
                  int idist, int odist) {
    return fftwf_plan_many_dft_c2r(rank, n, count, in, nullptr, 1, idist, out,
                                   nullptr, 1, odist, FFTW_ESTIMATE);
  }
  static void executeR2c(Plan p, float *r, Complex *h) {
    fftwf_execute_dft_r2c(p, r, h);
  }
  static void executeC2r(Plan p, Complex *h, float *r) {
    fftwf_execute_dft_c2r(p, h, r);
  }
  static void destroy(Plan p) { fftwf_destroy_plan(p); }
  static int alignment(void *p) {
    return fftwf_alignment_of(static_cast<float *>(p));
  }
};

template <> struct Fftw<double> {
  using Complex = fftw_complex;
  using Plan = fftw_plan;
  static Plan r2c(int rank, const int *n, int count, double *in, Complex *out,
                  int idist, int odist) {
    return fftw_plan_many_dft_r2c(rank, n, count, in, nullptr, 1, idist, out,
                                  nullptr, 1, odist, FFTW_ESTIMATE);
  }
  static Plan c2r(int rank, const int *n, int count, Complex *in, double *out,
                  int idist, int odist) {
    return fftw_plan_many_dft_c2r(rank, n, count, in, nullptr, 1, idist, out,
                                  nullptr, 1, odist, FFTW_ESTIMATE);
  }
  static void executeR2c(Plan p, double *r, Complex *h) {
    fftw_execute_dft_r2c(p, r, h);
  }
  static void executeC2r(Plan p, Complex *h, double *r) {
    fftw_execute_dft_c2r(p, h, r);
  }
  static void destroy(Plan p) { fftw_destroy_plan(p); }
  static int alignment(void *p) {
    return fftw_alignment_of(static_cast<double *>(p));
  }
};

} // namespace

template <typename T>
FieldFft<T>::FieldFft(const std::vector<int64_t> &grid, int64_t rows,
                      FftDirection dir, T *real, std::complex<T> *half,
                      std::string where)
    : rows_(rows), dir_(dir), where_(std::move(where)) {
  using F = Fftw<T>;
  for (int64_t n : grid)
    realSize_ *= n;
  halfSize_ = realSize_ / grid.back() * (grid.back() / 2 + 1);
  if (realSize_ > INT32_MAX)
    throw Error(fmt::format("{}: FFT of {} points per grid is too large for "
                            "FFTW's int sizes",
                            where_, realSize_));
  std::vector<int> n(grid.begin(), grid.end());
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  for (int64_t r = 0; r < rows; ++r) {
    T *re = real + r * realSize_;
    auto *h = reinterpret_cast<typename F::Complex *>(half + r * halfSize_);
    int ra = F::alignment(re), ha = F::alignment(h);
    if (planFor(ra, ha))
      continue;
    typename F::Plan p = dir == FftDirection::Forward
                             ? F::r2c(int(n.size()), n.data(), 1, re, h,
                                      int(realSize_), int(halfSize_))
                             : F::c2r(int(n.size()), n.data(), 1, h, re,
                                      int(halfSize_), int(realSize_));
    if (!p)
      throw Error(fmt::format("{}: FFTW could not plan a transform of {} "
                              "points",
                              where_, realSize_));
    plans_.push_back({p, ra, ha});
  }
}

template <typename T> FieldFft<T>::~FieldFft() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  for (AlignedPlan &p : plans_)
    Fftw<T>::destroy(static_cast<typename Fftw<T>::Plan>(p.plan));
}

template <typename T>
void *FieldFft<T>::planFor(int realAlign, int halfAlign) const {
  for (const AlignedPlan &p : plans_)
    if (p.realAlign == realAlign && p.halfAlign == halfAlign)
      return p.plan;
  return nullptr;
}

template <typename T>
void FieldFft<T>::executeRow(int64_t r, T *real, std::complex<T> *half) const {
  using F = Fftw<T>;
  T *re = real + r * realSize_;
  auto *h = reinterpret_cast<typename F::Complex *>(half + r * halfSize_);
  void *plan = planFor(F::alignment(re), F::alignment(h));
  if (!plan)
    throw Error(fmt::format("{}: tensor alignment changed since prepare "
                            "(FFTW plans need the planned alignment)",
                            where_));
  auto p = static_cast<typename F::Plan>(plan);
  if (dir_ == FftDirection::Forward)
    F::executeR2c(p, re, h);
  else
    F::executeC2r(p, h, re);
}

template class FieldFft<float>;
template class FieldFft<double>;

} // namespace shodh
