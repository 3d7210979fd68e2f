//===- MultiscaleSamples.cpp - Poisson/Helmholtz with multi-scale sources -===//
#include "runtime/data/gen/MultiscaleSamples.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace shodh {
namespace {

/// Checks the options the sampler relies on.
const MultiscaleOptions &checked(const MultiscaleOptions &o) {
  if (o.pde != ScalarPde::Poisson && o.pde != ScalarPde::Helmholtz)
    throw Error(fmt::format("--pde must be poisson or helmholtz (got {})",
                            scalarPdeName(o.pde)));
  if (o.res < 8 || o.res > 4096)
    throw Error(fmt::format("--res must be in [8, 4096] (got {})", o.res));
  checkMultiscaleSourceParams(o.source, o.res);
  if (!(o.eigenMin > 0.0) || o.eigenMax < o.eigenMin || o.omegaMin < 1 ||
      o.omegaMax < o.omegaMin)
    throw Error("multiscale data: empty or non-positive coefficient range");
  return o;
}

/// Moves a drawn source into `s`.
void takeSource(MultiscaleSource &&src, MultiscaleSample &s) {
  s.pde.source = std::move(src.field);
  s.regionMap = std::move(src.regionMap);
  s.highWeight = std::move(src.highWeight);
}

} // namespace

MultiscaleSampler::MultiscaleSampler(const MultiscaleOptions &opts)
    : opts_(checked(opts)), solver_(opts.res) {}

MultiscaleSample MultiscaleSampler::sample(uint64_t seed, uint64_t index) {
  SplitMix64 rng(seed, index);
  return opts_.pde == ScalarPde::Poisson ? samplePoisson(rng)
                                         : sampleHelmholtz(rng, index);
}

MultiscaleSample MultiscaleSampler::samplePoisson(SplitMix64 &rng) {
  double e = rng.uniform(opts_.eigenMin, opts_.eigenMax);
  double theta = rng.uniform(0.0, 2.0 * M_PI);
  std::array<double, 3> k = rotatedDiffusionTensor(e, theta);
  MultiscaleSample s;
  takeSource(drawMultiscaleSource(rng, opts_.source, solver_), s);
  removeMean(s.pde.source);
  double d = opts_.diffusionScale;
  s.pde.op.a11 = d * k[0];
  s.pde.op.a22 = d * k[1];
  s.pde.op.a12 = d * k[2];
  s.pde.solution = solver_.solve(s.pde.source, s.pde.op);
  removeMean(s.pde.solution);
  s.pde.tensor = {s.pde.op.a11, s.pde.op.a22, s.pde.op.a12};
  return s;
}

MultiscaleSample MultiscaleSampler::sampleHelmholtz(SplitMix64 &rng,
                                                    uint64_t index) {
  const int omegaCount = opts_.omegaMax - opts_.omegaMin + 1;
  for (int redraws = 0; redraws <= opts_.maxRedraws; ++redraws) {
    int omega =
        opts_.omegaMin +
        std::min(omegaCount - 1, static_cast<int>(rng.uniform() * omegaCount));
    MultiscaleSample s;
    takeSource(drawMultiscaleSource(rng, opts_.source, solver_), s);
    double d = opts_.diffusionScale;
    s.pde.op = {d, d, 0.0, 0.0, 0.0, -static_cast<double>(omega)};
    if (solver_.smallestSymbol(s.pde.op) < PeriodicSolver::kSingular)
      continue; // resonance: u is undefined, draw again
    s.pde.solution = solver_.solve(s.pde.source, s.pde.op);
    double peak = 0.0;
    for (double v : s.pde.solution)
      peak = std::max(peak, std::abs(v));
    if (peak > opts_.helmholtzMaxAbs)
      continue;
    s.pde.tensor = {d, static_cast<double>(omega)};
    s.pde.redraws = redraws;
    return s;
  }
  throw Error(fmt::format(
      "multiscale helmholtz: sample {} still has max|u| > {} after {} redraws",
      index, opts_.helmholtzMaxAbs, opts_.maxRedraws));
}

} // namespace shodh
