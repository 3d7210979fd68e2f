//===- MultiscaleSamplesTest.cpp - Multi-scale sources and their PDE data -===//
//
// Samples are checked against the PDE with the operator assembled here by
// spectral differentiation (first derivatives, Nyquist zeroed), independent
// of PeriodicSolver::symbol; the two differ only at Nyquist modes, where the
// sources carry nothing (MultiscaleSource removes them): what remains is
// FFT round-off, measured <= 2e-13 relative. The frequency content is checked
// by where the energy of the high-passed source lies on the grid.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/gen/MultiscaleSamples.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

using namespace shodh;

namespace {

/// d u / d x (axis 0) or d u / d y (axis 1), spectrally, Nyquist zeroed.
std::vector<double> derivative(PeriodicSolver &fft,
                               const std::vector<double> &u, int axis) {
  std::vector<std::complex<double>> spec = fft.forward(u);
  for (int64_t row = 0; row < fft.res(); ++row)
    for (int64_t col = 0; col < fft.halfCols(); ++col) {
      Wavevector k = fft.wavevector(row, col);
      bool nyquist = axis == 0 ? k.nyquistX : k.nyquistY;
      double kj = nyquist ? 0.0 : 2 * M_PI * (axis == 0 ? k.kx : k.ky);
      spec[row * fft.halfCols() + col] *= std::complex<double>(0.0, kj);
    }
  return fft.inverse(spec);
}

/// max |L u - f| / max |f| for L u = -div(A grad u) + c u.
double residual(PeriodicSolver &fft, const ScalarPdeSample &s) {
  const ScalarOperator &op = s.op;
  std::vector<double> ux = derivative(fft, s.solution, 0),
                      uy = derivative(fft, s.solution, 1);
  std::vector<double> qx(ux.size()), qy(ux.size());
  for (size_t i = 0; i < ux.size(); ++i) {
    qx[i] = op.a11 * ux[i] + op.a12 * uy[i];
    qy[i] = op.a12 * ux[i] + op.a22 * uy[i];
  }
  std::vector<double> dqx = derivative(fft, qx, 0),
                      dqy = derivative(fft, qy, 1);
  double err = 0.0, scale = 0.0;
  for (size_t i = 0; i < ux.size(); ++i) {
    double lu = -(dqx[i] + dqy[i]) + op.c * s.solution[i];
    err = std::max(err, std::abs(lu - s.source[i]));
    scale = std::max(scale, std::abs(s.source[i]));
  }
  return err / scale;
}

/// `f` with only the modes |k| > cutoff (high) or |k| <= cutoff (low).
std::vector<double> bandPass(PeriodicSolver &fft, const std::vector<double> &f,
                             double cutoff, bool high) {
  std::vector<std::complex<double>> spec = fft.forward(f);
  for (int64_t row = 0; row < fft.res(); ++row)
    for (int64_t col = 0; col < fft.halfCols(); ++col) {
      Wavevector k = fft.wavevector(row, col);
      if ((std::hypot(k.kx, k.ky) > cutoff) != high)
        spec[row * fft.halfCols() + col] = 0.0;
    }
  return fft.inverse(spec);
}

/// Fraction of sum(g^2) on grid points of patches with map value `kind`.
double energyFraction(const std::vector<double> &g,
                      const std::vector<uint8_t> &map, int patches, int64_t res,
                      uint8_t kind) {
  double inside = 0.0, total = 0.0;
  const int64_t size = res / patches;
  for (int64_t r = 0; r < res; ++r)
    for (int64_t c = 0; c < res; ++c) {
      double e = g[r * res + c] * g[r * res + c];
      total += e;
      if (map[(r / size) * patches + c / size] == kind)
        inside += e;
    }
  return inside / total;
}

MultiscaleOptions options(ScalarPde pde, int64_t res, int patches) {
  MultiscaleOptions o;
  o.pde = pde;
  o.res = res;
  o.source.patches = patches;
  return o;
}

TEST(MultiscaleSource, PatchWeightsArePartitionsOfUnity) {
  for (int patches : {1, 2, 4}) {
    const double width = 0.125 / patches;
    std::vector<double> sum(64, 0.0);
    for (int i = 0; i < patches; ++i) {
      std::vector<double> phi = patchWeight(patches, i, width, 64);
      for (int64_t c = 0; c < 64; ++c) {
        sum[c] += phi[c];
        double x = c / 64.0, a = double(i) / patches,
               b = double(i + 1) / patches;
        // Farther than width/2 from both boundaries: exactly 1 or 0.
        double da = std::abs(x - a), db = std::abs(x - b);
        da = std::min(da, 1 - da);
        db = std::min(db, 1 - db);
        if (da > width / 2 && db > width / 2)
          EXPECT_EQ(phi[c], x > a && x < b ? 1.0 : 0.0) << patches << " " << c;
      }
    }
    for (double s : sum)
      EXPECT_NEAR(s, 1.0, 1e-15);
  }
}

TEST(MultiscaleSource, BandLimitedFieldDoesNotDependOnTheGrid) {
  PeriodicSolver coarse(64), fine(128);
  SplitMix64 a(3, 1), b(3, 1);
  std::vector<double> f64 = bandLimitedField(a, 16, 24, coarse);
  std::vector<double> f128 = bandLimitedField(b, 16, 24, fine);
  double err = 0.0;
  for (int64_t r = 0; r < 64; ++r)
    for (int64_t c = 0; c < 64; ++c)
      err =
          std::max(err, std::abs(f64[r * 64 + c] - f128[2 * r * 128 + 2 * c]));
  EXPECT_LT(err, 1e-12);
  // Only the band: nothing left after removing 16 <= |k| <= 24.
  std::vector<double> outside = bandPass(coarse, f64, 24, true);
  std::vector<double> below = bandPass(coarse, f64, 15.9, false);
  for (size_t i = 0; i < f64.size(); ++i) {
    EXPECT_LT(std::abs(outside[i]), 1e-12);
    EXPECT_LT(std::abs(below[i]), 1e-12);
  }
}

TEST(MultiscaleSamples, SolutionsSatisfyThePde) {
  for (ScalarPde pde : {ScalarPde::Poisson, ScalarPde::Helmholtz}) {
    MultiscaleSampler sampler(options(pde, 128, 2));
    for (uint64_t i = 0; i < 4; ++i) {
      MultiscaleSample s = sampler.sample(11, i);
      EXPECT_LT(residual(sampler.solver(), s.pde), 1e-11)
          << scalarPdeName(pde) << " sample " << i;
      if (pde == ScalarPde::Helmholtz) {
        double peak = 0.0;
        for (double v : s.pde.solution)
          peak = std::max(peak, std::abs(v));
        EXPECT_LE(peak, 2.0);
      }
    }
  }
}

TEST(MultiscaleSamples, HighFrequencyEnergyLiesInTheMarkedPatches) {
  // Above |k| = 10 the low band (|k| <= 4) contributes only through the
  // blending weight's transitions (width 1/8 of a patch), so nearly all of
  // the high-passed energy must sit in the marked patches (about half the
  // area), and most of the low-passed (|k| <= 6) energy outside them.
  // Measured minima over these samples: 2 patches 0.972 / 0.959, 4 patches
  // (twice the boundary per area) 0.953 / 0.912.
  for (auto [patches, minHigh, minLow] :
       {std::tuple<int, double, double>{2, 0.95, 0.93}, {4, 0.93, 0.88}}) {
    MultiscaleSampler sampler(options(ScalarPde::Poisson, 128, patches));
    int highPatches = 0;
    for (uint64_t i = 0; i < 8; ++i) {
      MultiscaleSample s = sampler.sample(5, i);
      int high = std::count(s.regionMap.begin(), s.regionMap.end(), 1);
      EXPECT_GT(high, 0);
      EXPECT_LT(high, patches * patches);
      highPatches += high;
      std::vector<double> hp =
          bandPass(sampler.solver(), s.pde.source, 10, true);
      std::vector<double> lp =
          bandPass(sampler.solver(), s.pde.source, 6, false);
      EXPECT_GT(energyFraction(hp, s.regionMap, patches, 128, 1), minHigh)
          << patches << " patches, sample " << i;
      EXPECT_GT(energyFraction(lp, s.regionMap, patches, 128, 0), minLow)
          << patches << " patches, sample " << i;
    }
    EXPECT_GT(highPatches, 0);
  }
}

TEST(MultiscaleSamples, DeterministicAndSeedDependent) {
  MultiscaleSampler a(options(ScalarPde::Helmholtz, 64, 2)),
      b(options(ScalarPde::Helmholtz, 64, 2));
  MultiscaleSample s1 = a.sample(4, 2), s2 = b.sample(4, 2),
                   s3 = a.sample(5, 2);
  EXPECT_EQ(s1.pde.source, s2.pde.source);
  EXPECT_EQ(s1.pde.solution, s2.pde.solution);
  EXPECT_EQ(s1.regionMap, s2.regionMap);
  EXPECT_NE(s1.pde.source, s3.pde.source);
}

TEST(MultiscaleSamples, ErrorsNameTheFlag) {
  auto message = [](MultiscaleOptions o) {
    try {
      MultiscaleSampler s(o);
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(options(ScalarPde::Poisson, 48, 2)),
            "--res must be above 48 to resolve the high-frequency band "
            "|k| <= 24 (got 48)");
  EXPECT_EQ(message(options(ScalarPde::Poisson, 64, 3)),
            "--patches must be in [1, 64] and divide --res (64) (got 3)");
  EXPECT_EQ(message(options(ScalarPde::AdvectionDiffusion, 64, 2)),
            "--pde must be poisson or helmholtz (got advdiff)");
}

} // namespace
