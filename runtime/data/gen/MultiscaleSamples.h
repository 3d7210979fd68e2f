//===- MultiscaleSamples.h - Poisson/Helmholtz with multi-scale sources ---===//
//
// The multi-scale data set of M²M: the Poisson and Helmholtz problems of
// ScalarPdeSamples.h (same coefficients, same exact periodic solve, same
// Helmholtz redraw rule) with the source of MultiscaleSource.h instead of
// the Gaussian-bump grid:
//
//   poisson     -0.01 div(K grad u) = f,  K = R(-theta) diag(1, e) R(theta),
//               e ~ U(1, 5), theta ~ U(0, 2 pi); f and u mean-free
//   helmholtz   -0.01 Lap u - omega u = f, omega uniform integer in [1, 10];
//               redrawn (omega and source) when max|u| > 2 or omega
//               resonates with a grid mode
//
// Sample i draws from SplitMix64(seed, i): Poisson e, theta, source;
// Helmholtz omega, source (repeated on each redraw). The source draws its
// region map, then f_low, then f_high.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/MultiscaleSource.h"
#include "runtime/data/gen/ScalarPdeSamples.h"

#include <cstdint>
#include <vector>

namespace shodh {

/// Everything that defines a multi-scale data set besides the seed.
struct MultiscaleOptions {
  ScalarPde pde = ScalarPde::Poisson;    ///< Poisson or Helmholtz
  int64_t res = 128;                     ///< grid points per axis
  MultiscaleSourceParams source;         ///< patches and bands
  double diffusionScale = 0.01;          ///< the 0.01 in both PDEs
  double eigenMin = 1.0, eigenMax = 5.0; ///< range of e (Poisson)
  int omegaMin = 1, omegaMax = 10;       ///< range of omega (Helmholtz)
  double helmholtzMaxAbs = 2.0;          ///< redraw above this max|u|
  int maxRedraws = 1000;                 ///< then give up (Error)
};

/// One sample: the PDE data and where the source is high-frequency.
struct MultiscaleSample {
  ScalarPdeSample pde;            ///< source, solution, tensor, operator
  std::vector<uint8_t> regionMap; ///< P*P, 1 = high-frequency patch
  std::vector<double> highWeight; ///< smooth high-frequency indicator m
};

/// Draws samples; owns a `PeriodicSolver`, so use one sampler per thread.
class MultiscaleSampler {
public:
  /// Validates the options (throws `Error` naming the flag) and plans.
  explicit MultiscaleSampler(const MultiscaleOptions &opts);

  /// Sample `index` of the data set generated with `seed`.
  MultiscaleSample sample(uint64_t seed, uint64_t index);
  /// The solver (for residual checks).
  PeriodicSolver &solver() { return solver_; }
  /// The options in force.
  const MultiscaleOptions &options() const { return opts_; }

private:
  /// Draw order: e, theta, source.
  MultiscaleSample samplePoisson(SplitMix64 &rng);
  /// Draw order per attempt: omega, source.
  MultiscaleSample sampleHelmholtz(SplitMix64 &rng, uint64_t index);

  MultiscaleOptions opts_;
  PeriodicSolver solver_;
};

} // namespace shodh
