//===- GaussianSourceTest.cpp - Geometry and statistics of PDE sources ----===//
#include "runtime/data/gen/GaussianSource.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace shodh;

namespace {

TEST(GaussianSource, CentresAreTwoOver32ApartAroundTheMiddle) {
  GaussianGrid grid;
  // 0.5 + (i - 5.5) * 2/32 is exact in binary floating point.
  EXPECT_EQ(gaussianCentre(grid, 0), 0.15625);
  EXPECT_EQ(gaussianCentre(grid, 5), 0.46875);
  EXPECT_EQ(gaussianCentre(grid, 6), 0.53125);
  EXPECT_EQ(gaussianCentre(grid, 11), 0.84375);
  EXPECT_EQ(gaussianQuarter(grid, 0, 0), 0);
  EXPECT_EQ(gaussianQuarter(grid, 5, 6), 1);
  EXPECT_EQ(gaussianQuarter(grid, 6, 5), 2);
  EXPECT_EQ(gaussianQuarter(grid, 11, 11), 3);
}

// One active bump must equal the analytic periodic Gaussian, here written as
// a sum over the 9 nearest periodic images (an independent way to wrap). The
// images beyond the nearest add < exp(-0.5^2 / (2 sigma^2)) = exp(-128), so
// both agree to round-off; 1e-14 absolute on values <= 0.7.
TEST(GaussianSource, SingleBumpIsThePeriodicGaussian) {
  GaussianGrid grid;
  const int64_t res = 64;
  const int a = 3, b = 11; // row 3 (y = 0.34375), column 11 (x = 0.84375)
  std::vector<double> amplitudes(144, 0.0);
  amplitudes[a * 12 + b] = 0.7;
  std::vector<double> f = evaluateGaussianSum(grid, amplitudes, res);
  double cx = gaussianCentre(grid, b), cy = gaussianCentre(grid, a),
         s2 = grid.sigma * grid.sigma;
  for (int64_t r = 0; r < res; ++r) {
    for (int64_t c = 0; c < res; ++c) {
      double expected = 0.0;
      for (int ix = -1; ix <= 1; ++ix)
        for (int iy = -1; iy <= 1; ++iy) {
          double dx = double(c) / res - cx + ix, dy = double(r) / res - cy + iy;
          expected += 0.7 * std::exp(-(dx * dx + dy * dy) / (2.0 * s2));
        }
      ASSERT_NEAR(f[r * res + c], expected, 1e-14)
          << "at row " << r << ", column " << c;
    }
  }
  // The centre (0.84375, 0.34375) = (54, 22) / 64 is a grid point: the peak.
  EXPECT_EQ(f[22 * res + 54], 0.7);
  EXPECT_EQ(*std::max_element(f.begin(), f.end()), 0.7);
}

TEST(GaussianSource, NormalisedMaximumIsExactlyOne) {
  SplitMix64 rng(3, 0);
  GaussianGrid grid;
  std::vector<double> f = evaluateGaussianSum(
      grid, drawGaussianAmplitudes(rng, grid, {0.2, 0.4, 0.6, 0.8}), 48);
  normaliseByMax(f);
  EXPECT_EQ(*std::max_element(f.begin(), f.end()), 1.0);
  std::vector<double> zero(16, 0.0);
  EXPECT_THROW(normaliseByMax(zero), Error);
}

// Each bump is active with probability 1 - vf. Per quarter, 36 bumps x 2000
// draws = 72000 Bernoulli trials: the standard deviation of the active
// fraction is <= 0.0019, so 0.01 is a > 5 sigma bound. Amplitudes of active
// bumps lie in [1e-3, 1); their mean 0.5005 over >= 14400 draws has a
// standard deviation <= 0.0024: 0.012 is 5 sigma.
TEST(GaussianSource, ActiveFractionIsOneMinusVfPerQuarter) {
  GaussianGrid grid;
  const std::array<double, 4> vf = {0.2, 0.4, 0.6, 0.8};
  std::array<double, 4> active{}, amplitudeSum{};
  const int draws = 2000;
  for (int d = 0; d < draws; ++d) {
    SplitMix64 rng(11, d);
    std::vector<double> p = drawGaussianAmplitudes(rng, grid, vf);
    for (int a = 0; a < 12; ++a)
      for (int b = 0; b < 12; ++b)
        if (double v = p[a * 12 + b]; v != 0.0) {
          ASSERT_GE(v, kMinAmplitude);
          ASSERT_LT(v, kMaxAmplitude);
          active[gaussianQuarter(grid, a, b)] += 1.0;
          amplitudeSum[gaussianQuarter(grid, a, b)] += v;
        }
  }
  for (int q = 0; q < 4; ++q) {
    EXPECT_NEAR(active[q] / (36.0 * draws), 1.0 - vf[q], 0.01)
        << "quarter " << q;
    EXPECT_NEAR(amplitudeSum[q] / active[q], 0.5005, 0.012) << "quarter " << q;
  }
}

TEST(GaussianSource, NoActiveBumpSwitchesOneOn) {
  GaussianGrid grid;
  SplitMix64 rng(5, 9);
  // vf = 1: `uniform() > 1` never holds, so the fallback must fire.
  std::vector<double> p =
      drawGaussianAmplitudes(rng, grid, {1.0, 1.0, 1.0, 1.0});
  EXPECT_EQ(
      std::count_if(p.begin(), p.end(), [](double v) { return v != 0.0; }), 1);
}

} // namespace
