//===- ScalarPdeSamples.cpp - Poisson, advection–diffusion, Helmholtz data ===//
#include "runtime/data/gen/ScalarPdeSamples.h"
#include "runtime/data/gen/AdvectionDiffusionRatio.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// Checks the ranges that the sampler relies on.
void checkOptions(const ScalarPdeOptions &o) {
  if (o.res < 8 || o.res > 4096)
    throw Error(fmt::format(
        "scalar PDE data: res must be in [8, 4096] (got {})", o.res));
  if (o.datasetSize < 1)
    throw Error("scalar PDE data: the data set size must be positive");
  if (o.grid.count < 2 || o.grid.count % 2 != 0)
    throw Error(fmt::format(
        "scalar PDE data: the bump grid needs an even count (got {})",
        o.grid.count));
  if (!(o.eigenMin > 0.0) || o.eigenMax < o.eigenMin || !(o.ratioMin > 0.0) ||
      o.ratioMax < o.ratioMin || o.omegaMin < 1 || o.omegaMax < o.omegaMin)
    throw Error("scalar PDE data: empty or non-positive coefficient range");
}

/// Largest |value| of a field.
double maxAbs(const std::vector<double> &field) {
  double m = 0.0;
  for (double v : field)
    m = std::max(m, std::abs(v));
  return m;
}

} // namespace

std::string scalarPdeName(ScalarPde pde) {
  switch (pde) {
  case ScalarPde::Poisson:
    return "poisson";
  case ScalarPde::AdvectionDiffusion:
    return "advdiff";
  case ScalarPde::Helmholtz:
    return "helmholtz";
  }
  return "?";
}

std::string sparsityModeName(SparsityMode mode) {
  return mode == SparsityMode::GridQuarters ? "grid-quarters"
                                            : "dataset-quarters";
}

std::array<double, 3> rotatedDiffusionTensor(double e, double theta) {
  // R(-theta) diag(1, e) R(theta) with R(t) = [[cos t, -sin t], [sin t, cos
  // t]].
  double c = std::cos(theta), s = std::sin(theta);
  return {c * c + e * s * s, s * s + e * c * c, (e - 1.0) * s * c};
}

ScalarPdeSampler::ScalarPdeSampler(const ScalarPdeOptions &opts)
    : opts_((checkOptions(opts), opts)), solver_(opts.res) {}

std::array<double, 4> ScalarPdeSampler::drawQuarterVf(SplitMix64 &rng,
                                                      uint64_t index) const {
  std::array<double, 4> vf;
  if (opts_.sparsity == SparsityMode::DatasetQuarters) {
    // The reference gives N/4 samples each to vf = 0.2, 0.4, 0.6 and the
    // rest to 0.8, in order of the sample index.
    uint64_t quarter = static_cast<uint64_t>(opts_.datasetSize / 4);
    uint64_t level = quarter == 0 ? 3 : std::min<uint64_t>(3, index / quarter);
    vf.fill(kSparsityLevels[level]);
    return vf;
  }
  for (double &v : vf)
    v = kSparsityLevels[std::min<size_t>(
        3, static_cast<size_t>(rng.uniform() * 4.0))];
  return vf;
}

void ScalarPdeSampler::drawSource(SplitMix64 &rng, uint64_t index,
                                  bool zeroMean, ScalarPdeSample &s) const {
  s.quarterVf = drawQuarterVf(rng, index);
  std::vector<double> amplitudes =
      drawGaussianAmplitudes(rng, opts_.grid, s.quarterVf);
  s.source = evaluateGaussianSum(opts_.grid, amplitudes, opts_.res);
  normaliseByMax(s.source);
  if (zeroMean)
    removeMean(s.source);
}

std::array<double, 3>
ScalarPdeSampler::drawDiffusionTensor(SplitMix64 &rng) const {
  double e = rng.uniform(opts_.eigenMin, opts_.eigenMax);
  double theta = rng.uniform(0.0, 2.0 * M_PI);
  return rotatedDiffusionTensor(e, theta);
}

ScalarPdeSample ScalarPdeSampler::sample(uint64_t seed, uint64_t index) {
  SplitMix64 rng(seed, index);
  switch (opts_.pde) {
  case ScalarPde::Poisson:
    return samplePoisson(rng, index);
  case ScalarPde::AdvectionDiffusion:
    return sampleAdvectionDiffusion(rng, index);
  case ScalarPde::Helmholtz:
    return sampleHelmholtz(rng, index);
  }
  throw Error("scalar PDE data: unknown PDE");
}

ScalarPdeSample ScalarPdeSampler::samplePoisson(SplitMix64 &rng,
                                                uint64_t index) {
  std::array<double, 3> k = drawDiffusionTensor(rng);
  ScalarPdeSample s;
  drawSource(rng, index, /*zeroMean=*/true, s);
  double d = opts_.diffusionScale;
  s.op.a11 = d * k[0];
  s.op.a22 = d * k[1];
  s.op.a12 = d * k[2];
  s.solution = solver_.solve(s.source, s.op);
  removeMean(s.solution);
  s.tensor = {s.op.a11, s.op.a22, s.op.a12};
  return s;
}

ScalarPdeSample ScalarPdeSampler::sampleAdvectionDiffusion(SplitMix64 &rng,
                                                           uint64_t index) {
  std::array<double, 3> k = drawDiffusionTensor(rng);
  double phi = rng.uniform(0.0, 2.0 * M_PI);
  double target = rng.uniform(opts_.ratioMin, opts_.ratioMax);
  ScalarPdeSample s;
  drawSource(rng, index, /*zeroMean=*/true, s);
  double d = opts_.diffusionScale;
  ScalarOperator unit{d * k[0],      d * k[1],      d * k[2],
                      std::cos(phi), std::sin(phi), 0.0};
  AdvectionDiffusionModes modes = AdvectionDiffusionModes::collect(
      solver_, solver_.forward(s.source), unit);
  double lambda = lambdaForRatio(modes, target);
  s.op = {(1.0 - lambda) * unit.a11, (1.0 - lambda) * unit.a22,
          (1.0 - lambda) * unit.a12, lambda * unit.bx,
          lambda * unit.by,          0.0};
  s.solution = solver_.solve(s.source, s.op);
  removeMean(s.solution);
  s.ratio = modes.ratioAt(lambda / (1.0 - lambda));
  s.tensor = {s.op.a11, s.op.a22, s.op.a12, s.op.bx, s.op.by};
  return s;
}

ScalarPdeSample ScalarPdeSampler::sampleHelmholtz(SplitMix64 &rng,
                                                  uint64_t index) {
  const int omegaCount = opts_.omegaMax - opts_.omegaMin + 1;
  for (int redraws = 0; redraws <= opts_.maxRedraws; ++redraws) {
    int omega =
        opts_.omegaMin +
        std::min(omegaCount - 1, static_cast<int>(rng.uniform() * omegaCount));
    ScalarPdeSample s;
    drawSource(rng, index, /*zeroMean=*/false, s);
    double d = opts_.diffusionScale;
    s.op = {d, d, 0.0, 0.0, 0.0, -static_cast<double>(omega)};
    if (solver_.smallestSymbol(s.op) < PeriodicSolver::kSingular)
      continue; // resonance: u is undefined, draw again
    s.solution = solver_.solve(s.source, s.op);
    if (maxAbs(s.solution) > opts_.helmholtzMaxAbs)
      continue;
    s.tensor = {d, static_cast<double>(omega)};
    s.redraws = redraws;
    return s;
  }
  throw Error(
      fmt::format("helmholtz: sample {} still has max|u| > {} after {} redraws",
                  index, opts_.helmholtzMaxAbs, opts_.maxRedraws));
}

} // namespace shodh
