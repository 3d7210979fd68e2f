//===- Ns2dSamples.cpp - FNO-style 2D Navier–Stokes trajectories ----------===//
#include "runtime/data/gen/Ns2dSamples.h"
#include "runtime/data/gen/GaussianRandomField.h"
#include "runtime/data/gen/SpectralResample.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// The grid the initial fields are drawn on (FNO's 256, or the solve grid).
constexpr int64_t kInitialDrawRes = 256;

/// Resolves solveRes = 0 to the default.
Ns2dOptions resolve(Ns2dOptions o) {
  if (o.solveRes == 0)
    o.solveRes = defaultNs2dSolveRes(o.nu, o.res);
  checkNs2dOptions(o);
  return o;
}

/// Solver parameters of `o`.
Ns2dParams solverParams(const Ns2dOptions &o) {
  Ns2dParams p;
  p.res = o.solveRes;
  p.nu = o.nu;
  p.dtMax = o.dtMax;
  p.cfl = o.cfl;
  return p;
}

} // namespace

std::string ns2dSubsamplingName(Ns2dSubsampling mode) {
  return mode == Ns2dSubsampling::Spectral ? "spectral" : "points";
}

int64_t defaultNs2dSolveRes(double nu, int64_t res) {
  // nu = 1e-3 on 64^2 agrees with 128^2 to f32 round-off (1e-7) at t = 10.
  const int64_t atLeast = nu >= 1e-3 ? 64 : 256;
  int64_t solve = std::max<int64_t>(res, 2);
  while (solve < atLeast)
    solve *= 2;
  return solve;
}

void checkNs2dOptions(const Ns2dOptions &o) {
  if (!(o.nu > 0.0) || !(o.nu <= 1.0))
    throw Error(fmt::format("--nu must be in (0, 1] (got {})", o.nu));
  if (o.res < 8 || o.res > 4096 || o.res % 2 != 0)
    throw Error(
        fmt::format("--res must be even and in [8, 4096] (got {})", o.res));
  if (o.solveRes < o.res || o.solveRes > 4096 || o.solveRes % 2 != 0)
    throw Error(fmt::format("--solve-res must be even, at least --res ({}) "
                            "and at most 4096 (got {})",
                            o.res, o.solveRes));
  if (o.subsampling == Ns2dSubsampling::Points && o.solveRes % o.res != 0)
    throw Error(fmt::format("--subsample points needs --solve-res ({}) to be "
                            "a multiple of --res ({})",
                            o.solveRes, o.res));
  if (o.steps < 1)
    throw Error(fmt::format("--steps must be positive (got {})", o.steps));
  if (!(o.recordEvery > 0.0) || !std::isfinite(o.recordEvery))
    throw Error(
        fmt::format("--record-every must be positive (got {})", o.recordEvery));
  if (!(o.dtMax > 0.0) || !(o.dtMax <= o.recordEvery))
    throw Error(fmt::format("--dt-max must be in (0, --record-every] (got {})",
                            o.dtMax));
  if (!(o.cfl > 0.0) || !(o.cfl <= 1.0))
    throw Error(fmt::format("--cfl must be in (0, 1] (got {})", o.cfl));
  if (!std::isfinite(o.forcingAmplitude))
    throw Error("--forcing must be finite");
}

Ns2dSampler::Ns2dSampler(Ns2dOptions opts)
    : opts_(resolve(std::move(opts))), solver_(solverParams(opts_)),
      output_(opts_.res) {
  solver_.setForcing(forcing(opts_.solveRes));
}

std::vector<double> Ns2dSampler::forcing(int64_t n) const {
  std::vector<double> f(static_cast<size_t>(n * n));
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c) {
      double phase = 2.0 * M_PI * static_cast<double>(c + r) /
                     static_cast<double>(n); // 2 pi (x + y)
      f[r * n + c] =
          opts_.forcingAmplitude * (std::sin(phase) + std::cos(phase));
    }
  return f;
}

std::vector<double> Ns2dSampler::initialVorticity(uint64_t seed,
                                                  uint64_t index) const {
  GrfParams grf;
  grf.dims = 2;
  grf.res = std::max(kInitialDrawRes, opts_.solveRes);
  grf.alpha = opts_.alpha;
  grf.tau = opts_.tau;
  // FNO's GaussianRF: sigma = tau^(alpha - d/2) with d = 2 (the default).
  std::vector<double> w0 = sampleGaussianRandomField(grf, seed, index);
  return resampleField(w0, grf.res, opts_.solveRes);
}

std::vector<double> Ns2dSampler::outputField() {
  const int64_t n = opts_.solveRes, m = opts_.res;
  if (n == m)
    return solver_.vorticity();
  if (opts_.subsampling == Ns2dSubsampling::Spectral)
    return output_.inverse(resampleSpectrum(solver_.spectrum(), n, m));
  std::vector<double> fine = solver_.vorticity(), out(m * m);
  const int64_t stride = n / m;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < m; ++c)
      out[r * m + c] = fine[(r * stride) * n + c * stride];
  return out;
}

Ns2dSample Ns2dSampler::sample(uint64_t seed, uint64_t index,
                               const std::function<void()> &onSnapshot) {
  solver_.setVorticity(initialVorticity(seed, index));
  Ns2dSample s;
  s.initial = outputField();
  const size_t cells = static_cast<size_t>(opts_.res * opts_.res);
  s.snapshots.reserve(cells * static_cast<size_t>(opts_.steps));
  for (int64_t j = 1; j <= opts_.steps; ++j) {
    try {
      solver_.advanceTo(static_cast<double>(j) * opts_.recordEvery);
    } catch (const Error &e) {
      throw Error(fmt::format("ns2d sample {}: {} (lower --dt-max or --cfl, "
                              "or raise --solve-res)",
                              index, e.what()));
    }
    std::vector<double> w = outputField();
    s.snapshots.insert(s.snapshots.end(), w.begin(), w.end());
    if (onSnapshot)
      onSnapshot();
  }
  s.stats = solver_.stepStats();
  return s;
}

} // namespace shodh
