//===- VelocityDivergenceTest.cpp - Divergence figures of velocities ------===//
//
// VelocityDivergence (shodh-run eval --divergence) against analytic fields
// whose figures are known in closed form, against the physics tests'
// independent references (PhysicsReference.h: FFTW f64 spectrum and direct
// central differences, rescaled to the figures' normalisation), on a
// Leray-projected field (round-off), for every pool size, and its errors.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/physics/VelocityDivergence.h"
#include "runtime/core/ThreadPool.h"
#include "test/unit/ExpectError.h"
#include "test/unit/physics/PhysicsReference.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Sample [d, grid] with component c = f(c, x) at x in the unit box.
template <typename Fn>
std::vector<float> sampleOf(const std::vector<int64_t> &grid, Fn f) {
  Grid g{grid, std::vector<double>(grid.size(), 1.0)};
  const int d = g.dims();
  std::vector<float> u(size_t(d * g.points()));
  for (int c = 0; c < d; ++c)
    for (int64_t p = 0; p < g.points(); ++p) {
      std::array<int64_t, 3> i = g.index(p);
      std::array<double, 3> x{};
      for (int a = 0; a < d; ++a)
        x[a] = double(i[a]) / double(grid[a]);
      u[c * g.points() + p] = float(f(c, x));
    }
  return u;
}

/// The figure of `u` on `grid`.
double figure(const std::vector<int64_t> &grid, bool spectral,
              const std::vector<float> &u, ThreadPool *pool = nullptr) {
  return VelocityDivergence(grid, spectral, "test").measure(u.data(), pool);
}

const double kTwoPi = 2.0 * M_PI;

} // namespace

// u = (sin 2 pi y, 0, cos 2 pi x): no component varies along its own axis,
// so both figures vanish (up to the f32 rounding of the field: 0 here).
TEST(VelocityDivergence, DivergenceFreeFieldGivesZero) {
  std::vector<int64_t> grid{16, 16, 16};
  auto u = sampleOf(grid, [](int c, std::array<double, 3> x) {
    return c == 0   ? std::sin(kTwoPi * x[1])
           : c == 2 ? std::cos(kTwoPi * x[0])
                    : 0.0;
  });
  EXPECT_LT(figure(grid, true, u), 1e-12);
  EXPECT_LT(figure(grid, false, u), 1e-12);
}

// u_0 = sin(2 pi m x_0): u_hat sits at k_0 = +-m, so the spectral figure is
// m / k_max = 2 / 7 on 16 points; fd2: div u dx = sin(2 pi m / N) cos(.),
// maxima of sin and cos both 1 on the grid: sin(pi / 4). Tolerance: the
// field is rounded to f32 (relative 6e-8).
TEST(VelocityDivergence, AnalyticFiguresIn3d) {
  std::vector<int64_t> grid{16, 8, 4};
  auto u = sampleOf(grid, [](int c, std::array<double, 3> x) {
    return c == 0 ? std::sin(kTwoPi * 2 * x[0]) : 0.0;
  });
  EXPECT_NEAR(figure(grid, true, u), 2.0 / 7.0, 1e-6);
  EXPECT_NEAR(figure(grid, false, u), std::sin(M_PI / 4), 1e-6);
}

// 2D, a non-square grid: k_max comes from the first axis (8 points: 3);
// the y-derivative of u_1 = cos(2 pi 3 y) on 16 points has k = 3, so the
// spectral figure is 3 / 3 = 1. fd2 with dx = 1/8 against dy = 1/16:
// |div u| dx = (1/8) * sin(2 pi 3 / 16) / (1/16) * max|sin| (= 1 at some
// point: 3 pi j / 8 = 3 pi / 2 at j = 4), i.e. 2 sin(2 pi 3 / 16).
TEST(VelocityDivergence, AnalyticFiguresIn2dNonSquare) {
  std::vector<int64_t> grid{8, 16};
  auto u = sampleOf(grid, [](int c, std::array<double, 3> x) {
    return c == 1 ? std::cos(kTwoPi * 3 * x[1]) : 0.0;
  });
  EXPECT_NEAR(figure(grid, true, u), 1.0, 1e-6);
  EXPECT_NEAR(figure(grid, false, u), 2.0 * std::sin(kTwoPi * 3 / 16), 1e-6);
}

// A smooth random 3D field against the references: spectral reference is
// normalised by the largest |k| (sqrt(3) (N/2 - 1) with lengths 2 pi, the
// Nyquist k being 0), ours by N/2 - 1; fd2 identical on a cubic grid.
// Both sides compute in f64 from the same f32 values: 1e-12 relative.
TEST(VelocityDivergence, MatchesReferencesOnRandomField) {
  Grid g{{12, 12, 12}, {kTwoPi, kTwoPi, kTwoPi}};
  std::vector<double> ud = smoothRandomField(1, 3, g, 4, 7);
  std::vector<float> u(ud.begin(), ud.end());
  std::vector<double> rounded(u.begin(), u.end());
  double kMaxRef = std::sqrt(3.0) * 5.0;
  double spectral = spectralDivergenceRatio(rounded, 1, g) * kMaxRef / 5.0;
  Grid unit{g.n, {1.0, 1.0, 1.0}};
  double fd2 = fdDivergenceRatio(rounded, 1, unit);
  EXPECT_GT(spectral, 0.1);
  EXPECT_NEAR(figure(g.n, true, u), spectral, 1e-12 * spectral);
  EXPECT_NEAR(figure(g.n, false, u), fd2, 1e-12 * fd2);
}

// The projected field (naive DFT Leray projection in f64, rounded to f32):
// the spectral figure is the f32 rounding's divergence, far below 1e-5,
// while the unprojected field's is O(0.1).
TEST(VelocityDivergence, ProjectedFieldIsAtRoundOff) {
  Grid g{{8, 8, 8}, {kTwoPi, kTwoPi, kTwoPi}};
  std::vector<double> ud = smoothRandomField(1, 3, g, 3, 11);
  std::vector<double> pd = naiveLerayProject(ud, 1, g);
  std::vector<float> u(ud.begin(), ud.end()), p(pd.begin(), pd.end());
  EXPECT_GT(figure(g.n, true, u), 0.05);
  EXPECT_LT(figure(g.n, true, p), 1e-6);
}

// The figure does not depend on the pool (max is order-free; each FFT row
// is planned alike), and a meter measures sample after sample.
TEST(VelocityDivergence, SameForEveryPoolSize) {
  Grid g{{16, 16, 8}, {kTwoPi, kTwoPi, kTwoPi}};
  std::vector<double> ud = smoothRandomField(2, 3, g, 5, 3);
  std::vector<float> u(ud.begin(), ud.end());
  for (bool spectral : {true, false}) {
    VelocityDivergence meter(g.n, spectral, "test");
    double first = meter.measure(u.data());
    double second = meter.measure(u.data() + meter.sampleSize());
    ThreadPool pool(3);
    VelocityDivergence pooled(g.n, spectral, "test");
    EXPECT_EQ(pooled.measure(u.data(), &pool), first);
    EXPECT_EQ(pooled.measure(u.data() + meter.sampleSize(), &pool), second);
    EXPECT_NE(first, second);
  }
}

TEST(VelocityDivergence, ZeroFieldGivesZero) {
  std::vector<float> u(3 * 4 * 4 * 4, 0.0f);
  EXPECT_EQ(figure({4, 4, 4}, true, u), 0.0);
  EXPECT_EQ(figure({4, 4, 4}, false, u), 0.0);
}

TEST(VelocityDivergence, Errors) {
  expectError([] { VelocityDivergence({8}, true, "--divergence spectral"); },
              "--divergence spectral: a velocity has 2 or 3 spatial axes, "
              "got 1");
  expectError(
      [] {
        VelocityDivergence({2, 8}, true, "where");
      },
      "where: the spectral divergence needs at least 4 points along "
      "the first spatial axis (k_max = N/2 - 1), got 2");
  VelocityDivergence({2, 8}, false, "fd2 has no such limit");
}
