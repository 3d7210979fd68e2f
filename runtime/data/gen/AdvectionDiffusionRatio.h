//===- AdvectionDiffusionRatio.h - lambda for advection–diffusion -------===//
//
// The advection–diffusion data set of Subramanian et al. solves
//
//   -(1 - lambda) * 0.01 * div(K grad u) + lambda * v . grad u = f
//
// and picks lambda so that the advection/diffusion ratio of the solution,
//
//   ratio = || lambda v . grad u ||_2 / || (1 - lambda) 0.01 div(K grad u) ||_2
//
// (grid 2-norms, as the reference generator measures it after solving), hits
// a target drawn from U(0.2, 1). The reference looks lambda up in a table of
// population-mean ratios; here lambda is solved for per sample, so every
// sample's ratio equals its target.
//
// In Fourier space, with alpha_k = 2 pi v.k, delta_k = 0.01 4 pi^2 k^T K k
// (Nyquist treatment as in PeriodicSolver) and t = lambda / (1 - lambda):
//
//   ratio(t)^2 = sum_k w_k |f_k|^2 t^2 alpha_k^2 / (delta_k^2 + t^2 alpha_k^2)
//              / sum_k w_k |f_k|^2 delta_k^2   / (delta_k^2 + t^2 alpha_k^2),
//
// (Parseval; w_k the half-spectrum weights), strictly increasing in t from 0.
// lambda follows by bisection on log t.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/PeriodicSolver.h"

#include <complex>
#include <vector>

namespace shodh {

/// The per-mode quantities that `ratio(t)` needs, for one source and (K, v).
struct AdvectionDiffusionModes {
  std::vector<double> energy;    ///< w_k |f_k|^2
  std::vector<double> advection; ///< alpha_k^2
  std::vector<double> diffusion; ///< delta_k^2

  /// Collects the modes k != 0 with f_k != 0. `diffusion` carries 0.01 K in
  /// its a11/a22/a12 and the unit velocity in bx/by; its c is ignored.
  static AdvectionDiffusionModes
  collect(const PeriodicSolver &solver,
          const std::vector<std::complex<double>> &spectrum,
          const ScalarOperator &diffusion);

  /// The advection/diffusion ratio at t = lambda / (1 - lambda).
  double ratioAt(double t) const;
};

/// lambda in (0, 1) whose ratio equals `target` (> 0); throws `Error` if the
/// source has no energy on modes that advection moves.
double lambdaForRatio(const AdvectionDiffusionModes &modes, double target);

} // namespace shodh
