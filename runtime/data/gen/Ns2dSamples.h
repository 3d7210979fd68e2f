//===- Ns2dSamples.h - FNO-style 2D Navier–Stokes trajectories ------------===//
//
// Draws the trajectories of FNO's 2D Navier–Stokes data (Li et al.), used by
// M²M as well: vorticity on the periodic unit square with viscosity nu,
//
//   initial   w0 ~ Gaussian random field, alpha = 2.5, tau = 7,
//             sigma = tau^(alpha - 1) (GaussianRandomField.h; the variance of
//             FNO's GaussianRF), drawn on a max(256, solveRes)^2 grid and
//             spectrally resampled to the solve grid, so the initial field
//             of a seed does not depend on --solve-res;
//   forcing   f = 0.1 (sin 2 pi (x + y) + cos 2 pi (x + y));
//   solve     Ns2dSolver (CN + AB2, 2/3 dealiasing, dt <= 1e-4, CFL 0.25) on
//             a solveRes^2 grid;
//   records   snapshots at t = j * recordEvery, j = 1..steps (FNO's `u`; the
//             initial field, FNO's `a`, is returned separately), moved to the
//             output grid by spectral truncation (SpectralResample.h) or by
//             taking every (solveRes/res)-th grid point (FNO's `[::4, ::4]`,
//             which aliases the unresolved modes).
//
// Sample i uses SplitMix64(seed, i) for its initial field only; everything
// else is deterministic, so a file depends on the seed but not on the thread
// count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/NavierStokes2d.h"
#include "runtime/data/gen/PeriodicSolver.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shodh {

/// How snapshots move from the solve grid to the output grid.
enum class Ns2dSubsampling { Spectral, Points };

/// Command-line name: "spectral" or "points".
std::string ns2dSubsamplingName(Ns2dSubsampling mode);

/// Everything that defines a Navier–Stokes data set besides the seed.
struct Ns2dOptions {
  double nu = 1e-3;         ///< viscosity
  int64_t res = 64;         ///< output grid points per axis
  int64_t solveRes = 0;     ///< solve grid; 0 = defaultNs2dSolveRes(nu, res)
  int64_t steps = 20;       ///< recorded snapshots T
  double recordEvery = 1.0; ///< time between snapshots
  double dtMax = 1e-4;      ///< largest time step
  double cfl = 0.25;        ///< CFL number of the adaptive step
  double forcingAmplitude = 0.1; ///< f = A (sin + cos)(2 pi (x + y)); 0: none
  double alpha = 2.5, tau = 7.0; ///< initial-field GRF parameters
  Ns2dSubsampling subsampling = Ns2dSubsampling::Spectral;
};

/// The solve grid used when none is given: the smallest res * 2^k that is at
/// least 64 for nu >= 1e-3, at least 256 below.
int64_t defaultNs2dSolveRes(double nu, int64_t res);

/// Checks `o` (solveRes already resolved) and throws `Error` naming the
/// command-line flag at fault.
void checkNs2dOptions(const Ns2dOptions &o);

/// One trajectory on the output grid, in double precision.
struct Ns2dSample {
  std::vector<double> initial;   ///< w at t = 0, res*res
  std::vector<double> snapshots; ///< steps * res*res, t = recordEvery..
  Ns2dStepStats stats;           ///< time steps of the solve
};

/// Draws trajectories; owns a solver, so use one sampler per thread.
class Ns2dSampler {
public:
  /// Resolves the default solve grid, validates and plans.
  explicit Ns2dSampler(Ns2dOptions opts);

  /// Trajectory `index` of the data set generated with `seed`;
  /// `onSnapshot` (if set) is called after each recorded snapshot.
  Ns2dSample sample(uint64_t seed, uint64_t index,
                    const std::function<void()> &onSnapshot = {});
  /// The initial vorticity of trajectory `index` on the solve grid.
  std::vector<double> initialVorticity(uint64_t seed, uint64_t index) const;
  /// The forcing on an n x n grid.
  std::vector<double> forcing(int64_t n) const;
  /// The options in force (solveRes resolved).
  const Ns2dOptions &options() const { return opts_; }

private:
  /// The solver's state on the output grid.
  std::vector<double> outputField();

  Ns2dOptions opts_;
  Ns2dSolver solver_;
  PeriodicSolver output_; ///< transforms of the output grid
};

} // namespace shodh
