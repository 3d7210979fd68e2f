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
  if (!(p.tau > 0.0) || !(p.alpha > 0.0) || !std::isfinite(p.tau) ||
      !std::isfinite(p.alpha))
    throw Error(
        "Gaussian random field: alpha and tau must be positive numbers");
  // The largest modes (|k| = 1) set the field's size: where their standard
  // deviation over- or underflows, every sample would be NaN or zero.
  // (In logarithms: the powers themselves may overflow.)
  double logSigma = p.sigma >= 0.0 ? std::log(p.sigma)
                                   : (p.alpha - 0.5 * p.dims) * std::log(p.tau);
  double logDen = p.tau > 1.0
                      ? 2.0 * std::log(p.tau) +
                            std::log1p(4.0 * M_PI * M_PI / p.tau / p.tau)
                      : std::log(4.0 * M_PI * M_PI + p.tau * p.tau);
  double log10Sd = (logSigma - 0.5 * p.alpha * logDen) / std::log(10.0);
  if (!(log10Sd >= -30.0 && log10Sd <= 30.0))
    throw Error(fmt::format(
        "Gaussian random field: alpha = {} and tau = {} give the |k| = 1 "
        "modes a standard deviation of about 1e{:.0f}, outside what f32 "
        "data can hold (1e-30 to 1e30); lower alpha or bring tau nearer 1",
        p.alpha, p.tau, log10Sd));
}

/// Index (over the leading dims - 1 axes) of the mode -k for the mode at
/// outer index `o`.
int64_t mirrorOuter(int64_t o, int dims, int64_t n) {
  int64_t mirror = 0, stride = 1;
  for (int d = dims - 2; d >= 0; --d, o /= n, stride *= n)
    mirror += ((n - o % n) % n) * stride;
  return mirror;
}

/// The last axis keeps only j = 0..n/2; the planes j = 0 and (n even)
/// j = n/2 hold both k and -k, so for a real field they must be Hermitian
/// there: c(-k) = conj(c(k)), and c(k) real where k = -k. Each pair keeps
/// the draw of its first member; a self-conjugate mode takes its real part
/// scaled by sqrt(2), so every mode keeps E|c_k|^2 = lambda_k. (Independent
/// draws on these planes would leave FFTW's c2r only their Hermitian part:
/// half the power on the kx = 0 and Nyquist planes, an anisotropic field.)
void makeBoundaryPlanesHermitian(std::vector<std::complex<double>> &spec,
                                 int dims, int64_t n) {
  const int64_t half = n / 2 + 1;
  const int64_t outer = static_cast<int64_t>(spec.size()) / half;
  for (int64_t j : {int64_t(0), n / 2}) {
    if (j == n / 2 && n % 2 != 0)
      continue;
    for (int64_t o = 0; o < outer; ++o) {
      int64_t m = mirrorOuter(o, dims, n);
      std::complex<double> &c = spec[o * half + j];
      if (m == o)
        c = {std::sqrt(2.0) * c.real(), 0.0};
      else if (m > o)
        spec[m * half + j] = std::conj(c);
    }
  }
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
  makeBoundaryPlanesHermitian(spec, p.dims, n);
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
