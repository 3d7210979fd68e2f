//===- ScalarPdeSamples.h - Poisson, advection–diffusion, Helmholtz data --===//
//
// Samples (source, coefficients, solution) triples of the three scalar PDE
// families of Subramanian et al. (arXiv 2306.00258) on the periodic unit
// square, solved exactly by `PeriodicSolver`:
//
//   Poisson     -0.01 div(K grad u) = f,                 f and u mean-free
//   AD          -(1-lambda) 0.01 div(K grad u) + lambda v.grad u = f,
//                                                        f and u mean-free
//   Helmholtz   -0.01 Lap u - omega u = f,               f keeps its mean
//
// with K = R(-theta) diag(1, e) R(theta), e ~ U(1, 5), theta ~ U(0, 2 pi),
// v = (cos phi, sin phi), phi ~ U(0, 2 pi), lambda solved so that the
// advection/diffusion ratio (AdvectionDiffusionRatio.h) equals a draw from
// U(0.2, 1), and omega a uniform integer in [1, 10]. The source is the sparse
// Gaussian grid of GaussianSource.h, normalised by its maximum.
//
// Helmholtz samples with max|u| > 2, or whose omega resonates with a grid
// mode (|0.01 4 pi^2 |k|^2 - omega| < 1e-8), are redrawn (omega and source)
// from the same per-sample stream, so redraws stay deterministic.
//
// Every sample i draws from SplitMix64(seed, i) in a fixed order (documented
// in docs/data-format.md), so a data set depends only on the seed and, in
// the dataset-quarters sparsity mode, on N.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/GaussianSource.h"
#include "runtime/data/gen/PeriodicSolver.h"
#include "runtime/data/gen/Random.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// The three PDE families.
enum class ScalarPde { Poisson, AdvectionDiffusion, Helmholtz };

/// Command-line name: "poisson", "advdiff" or "helmholtz".
std::string scalarPdeName(ScalarPde pde);

/// How the sparsity vf of a source is chosen.
enum class SparsityMode {
  GridQuarters,   ///< each 6x6 quarter of the bump grid draws its own vf
  DatasetQuarters ///< the reference's: sample quarter q of the data set uses
                  ///< vf_q
};

/// Command-line name: "grid-quarters" or "dataset-quarters".
std::string sparsityModeName(SparsityMode mode);

/// Everything that defines a data set besides seed and sample index.
struct ScalarPdeOptions {
  ScalarPde pde = ScalarPde::Poisson;
  int64_t res = 128; ///< grid points per axis
  SparsityMode sparsity = SparsityMode::GridQuarters;
  int64_t datasetSize = 1;               ///< N (dataset-quarters mode)
  double diffusionScale = 0.01;          ///< the 0.01 in every PDE
  double eigenMin = 1.0, eigenMax = 5.0; ///< range of e
  double ratioMin = 0.2, ratioMax = 1.0; ///< range of the AD ratio
  int omegaMin = 1, omegaMax = 10;       ///< range of omega
  double helmholtzMaxAbs = 2.0;          ///< redraw above this max|u|
  int maxRedraws = 1000;                 ///< then give up (Error)
  GaussianGrid grid;                     ///< source bump grid
};

/// One generated sample, in double precision.
struct ScalarPdeSample {
  std::vector<double> source;   ///< f, R*R row-major
  std::vector<double> solution; ///< u, R*R row-major
  std::vector<double> tensor;   ///< coefficient columns (ScalarPdeLayout.h)
  ScalarOperator op;            ///< the operator L with L u = f
  std::array<double, 4> quarterVf{}; ///< sparsity vf of each bump-grid quarter
  double ratio = 0.0;                ///< AD: advection/diffusion ratio achieved
  int redraws = 0; ///< Helmholtz: rejected draws before this one
};

/// K = R(-theta) diag(1, e) R(theta) as {K11, K22, K12}.
std::array<double, 3> rotatedDiffusionTensor(double e, double theta);

/// Draws samples; owns a `PeriodicSolver`, so use one sampler per thread.
class ScalarPdeSampler {
public:
  /// Validates the options and plans the transforms.
  explicit ScalarPdeSampler(const ScalarPdeOptions &opts);

  /// Sample `index` of the data set generated with `seed`.
  ScalarPdeSample sample(uint64_t seed, uint64_t index);
  /// The solver (for residual checks).
  PeriodicSolver &solver() { return solver_; }
  /// The options in force.
  const ScalarPdeOptions &options() const { return opts_; }

private:
  /// vf of each bump-grid quarter for sample `index` (draws only in grid mode).
  std::array<double, 4> drawQuarterVf(SplitMix64 &rng, uint64_t index) const;
  /// Fills `s.source` (normalised by its max, optionally mean-free) and
  /// `s.quarterVf`.
  void drawSource(SplitMix64 &rng, uint64_t index, bool zeroMean,
                  ScalarPdeSample &s) const;
  /// Draws e then theta and returns K = R(-theta) diag(1, e) R(theta).
  std::array<double, 3> drawDiffusionTensor(SplitMix64 &rng) const;
  /// Draw order: e, theta, source.
  ScalarPdeSample samplePoisson(SplitMix64 &rng, uint64_t index);
  /// Draw order: e, theta, velocity angle, target ratio, source.
  ScalarPdeSample sampleAdvectionDiffusion(SplitMix64 &rng, uint64_t index);
  /// Draw order per attempt: omega, source; attempts repeat on rejection.
  ScalarPdeSample sampleHelmholtz(SplitMix64 &rng, uint64_t index);

  ScalarPdeOptions opts_;
  PeriodicSolver solver_;
};

} // namespace shodh
