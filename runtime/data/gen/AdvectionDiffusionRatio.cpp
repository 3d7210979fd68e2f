//===- AdvectionDiffusionRatio.cpp - lambda for advection–diffusion -----===//
#include "runtime/data/gen/AdvectionDiffusionRatio.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cmath>

namespace shodh {

AdvectionDiffusionModes AdvectionDiffusionModes::collect(
    const PeriodicSolver &solver,
    const std::vector<std::complex<double>> &spectrum,
    const ScalarOperator &diffusion) {
  ScalarOperator diffusionOnly = diffusion, advectionOnly;
  diffusionOnly.bx = diffusionOnly.by = diffusionOnly.c = 0.0;
  advectionOnly.bx = diffusion.bx;
  advectionOnly.by = diffusion.by;
  AdvectionDiffusionModes modes;
  const int64_t half = solver.halfCols();
  for (int64_t row = 0; row < solver.res(); ++row) {
    for (int64_t col = 0; col < half; ++col) {
      double energy =
          solver.parsevalWeight(col) * std::norm(spectrum[row * half + col]);
      if ((row == 0 && col == 0) || energy == 0.0)
        continue;
      double delta = solver.symbol(diffusionOnly, row, col).real();
      double alpha = solver.symbol(advectionOnly, row, col).imag();
      modes.energy.push_back(energy);
      modes.diffusion.push_back(delta * delta);
      modes.advection.push_back(alpha * alpha);
    }
  }
  return modes;
}

double AdvectionDiffusionModes::ratioAt(double t) const {
  double num = 0.0, den = 0.0, t2 = t * t;
  for (size_t i = 0; i < energy.size(); ++i) {
    double scale = energy[i] / (diffusion[i] + t2 * advection[i]);
    num += scale * t2 * advection[i];
    den += scale * diffusion[i];
  }
  return den > 0.0 ? std::sqrt(num / den) : INFINITY;
}

double lambdaForRatio(const AdvectionDiffusionModes &modes, double target) {
  if (!(target > 0.0))
    throw Error(fmt::format(
        "advection-diffusion: target ratio must be positive (got {})", target));
  // ratio(t) increases strictly from 0: bisect on log t over t in [e^-40,
  // e^40].
  double lo = -40.0, hi = 40.0;
  if (modes.ratioAt(std::exp(hi)) < target)
    throw Error(fmt::format(
        "advection-diffusion: ratio {} is out of reach: the source has "
        "almost no energy on modes that the velocity advects",
        target));
  for (int iter = 0; iter < 64 && hi - lo > 1e-14; ++iter) {
    double mid = 0.5 * (lo + hi);
    (modes.ratioAt(std::exp(mid)) < target ? lo : hi) = mid;
  }
  double t = std::exp(0.5 * (lo + hi));
  return t / (1.0 + t);
}

} // namespace shodh
