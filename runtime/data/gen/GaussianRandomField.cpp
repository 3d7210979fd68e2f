//===- GaussianRandomField.cpp - Periodic Gaussian random fields ----------===//
#include "runtime/data/gen/GaussianRandomField.h"
#include "runtime/data/gen/FftwPlanner.h"
#include "runtime/data/gen/Random.h"
#include "runtime/support/Status.h"

#include <fftw3.h>
#include <fmt/format.h>

#include <cmath>
#include <complex>
#include <mutex>

namespace shodh {
namespace {

/// Signed integer wavenumber of index i on an axis of n points.
int64_t wavenumber(int64_t i, int64_t n) { return i <= n / 2 ? i : i - n; }

void checkParams(const GrfParams &p) {
  if (p.dims < 1 || p.dims > 3)
    throw Error(fmt::format("Gaussian random field: dims must be 1, 2 or 3 (got {})", p.dims));
  if (p.res < 2 || p.res > 4096)
    throw Error(fmt::format("Gaussian random field: res must be in [2, 4096] (got {})", p.res));
  if (!(p.tau > 0.0) || !(p.alpha > 0.0))
    throw Error("Gaussian random field: alpha and tau must be positive");
}

} // namespace

double grfModeVariance(const GrfParams &p, const std::vector<int64_t> &k) {
  double k2 = 0.0;
  for (int64_t ki : k)
    k2 += static_cast<double>(ki * ki);
  if (k2 == 0.0)
    return 0.0;
  double sigma = p.sigma >= 0.0 ? p.sigma : std::pow(p.tau, p.alpha - 0.5 * p.dims);
  double amp = sigma * std::pow(4.0 * M_PI * M_PI * k2 + p.tau * p.tau, -0.5 * p.alpha);
  return amp * amp;
}

std::vector<double> sampleGaussianRandomField(const GrfParams &p, uint64_t seed, uint64_t index) {
  checkParams(p);
  const int64_t n = p.res, half = n / 2 + 1;
  int64_t outer = 1;
  for (int d = 1; d < p.dims; ++d)
    outer *= n;
  std::vector<std::complex<double>> spec(static_cast<size_t>(outer * half));
  SplitMix64 rng(seed, index);
  std::vector<int64_t> k(p.dims);
  for (int64_t o = 0; o < outer; ++o) {
    int64_t rest = o;
    for (int d = p.dims - 2; d >= 0; --d, rest /= n)
      k[d] = wavenumber(rest % n, n);
    for (int64_t j = 0; j < half; ++j) {
      k[p.dims - 1] = j;
      // Half the variance in each of the real and imaginary parts.
      double s = std::sqrt(0.5 * grfModeVariance(p, k));
      double re = rng.normal(), im = rng.normal();
      spec[o * half + j] = {s * re, s * im};
    }
  }
  std::vector<double> field(static_cast<size_t>(outer * n));
  std::vector<int> dims(p.dims, static_cast<int>(n));
  fftw_plan plan;
  {
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    plan = fftw_plan_dft_c2r(p.dims, dims.data(), reinterpret_cast<fftw_complex *>(spec.data()),
                             field.data(), FFTW_ESTIMATE);
  }
  fftw_execute(plan);
  {
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    fftw_destroy_plan(plan);
  }
  return field;
}

} // namespace shodh
