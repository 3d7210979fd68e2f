//===- LerayProjectTest.cpp - The div_free_project kernel -----------------===//
//
// Against a naive-DFT projection (f64 and f32, 2D and 3D, even and odd
// sizes, non-2*pi boxes), and the properties the gradient rule relies on:
// idempotence P(P u) = P u, self-adjointness <P u, v> = <u, P v>, the mean
// flow kept, and a spectral divergence at round-off.
//
//===----------------------------------------------------------------------===//
#include "test/unit/physics/PhysicsReference.h"
#include "test/unit/physics/PhysicsTestUtil.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Runs div_free_project on u [B, d, grid].
std::vector<double> project(const std::vector<double> &u, int64_t batch,
                            const Grid &g, DType dtype = DType::F64,
                            int threads = 2) {
  std::vector<int64_t> shape = fieldShape(batch, g.dims(), g.n);
  return applyKernel("div_free_project", physicsAttrs(g.lengths), u, shape,
                     shape, dtype, threads);
}

/// Largest |a - b| relative to max |b|.
double relError(const std::vector<double> &a, const std::vector<double> &b) {
  double err = 0;
  for (size_t i = 0; i < a.size(); ++i)
    err = std::max(err, std::abs(a[i] - b[i]));
  return err / maxAbs(b);
}

/// The grids of the reference comparisons: even (Nyquist) and odd sizes.
std::vector<Grid> smallGrids() {
  return {Grid{{6, 8}, {2 * M_PI, 2 * M_PI}}, Grid{{5, 6}, {1.0, 3.0}},
          Grid{{4, 6, 5}, {2 * M_PI, 2 * M_PI, 2 * M_PI}},
          Grid{{3, 4, 6}, {1.0, 2.0, 0.5}}};
}

} // namespace

// f64 against the naive DFT: both are exact up to rounding (~1e-15 per
// operation over sums of <= 150 terms), so 1e-12 has a wide margin.
TEST(LerayProject, MatchesNaiveDftF64) {
  for (const Grid &g : smallGrids()) {
    std::vector<double> u = randomValues(2 * g.dims() * g.points(), 7);
    std::vector<double> ref = naiveLerayProject(u, 2, g);
    EXPECT_LT(relError(project(u, 2, g), ref), 1e-12) << g.dims() << "D";
  }
}

// f32: rounding of float FFTs of <= 150 points, a few 1e-7; margin 20x.
TEST(LerayProject, MatchesNaiveDftF32) {
  for (const Grid &g : smallGrids()) {
    std::vector<double> u = randomValues(g.dims() * g.points(), 8);
    std::vector<double> ref = naiveLerayProject(u, 1, g);
    EXPECT_LT(relError(project(u, 1, g, DType::F32), ref), 5e-6);
  }
}

TEST(LerayProject, IsIdempotentAndSelfAdjoint) {
  for (const Grid &g :
       {Grid{{16, 12, 10}, {2 * M_PI, 1.0, 2.0}}, Grid{{32, 17}, {1.0, 1.0}}}) {
    int64_t n = 2 * g.dims() * g.points();
    std::vector<double> u = randomValues(n, 1), v = randomValues(n, 2);
    std::vector<double> pu = project(u, 2, g), pv = project(v, 2, g);
    EXPECT_LT(relError(project(pu, 2, g), pu), 1e-13);
    double lhs = dot(pu, v), rhs = dot(u, pv);
    EXPECT_NEAR(lhs, rhs, 1e-12 * std::sqrt(dot(u, u) * dot(v, v)));
  }
}

TEST(LerayProject, KeepsTheMeanFlow) {
  Grid g{{8, 6, 4}, {1.0, 1.0, 1.0}};
  int64_t n = g.points();
  std::vector<double> u = randomValues(3 * n, 3);
  for (int c = 0; c < 3; ++c) // a net flow of (1, -2, 0.5)
    for (int64_t p = 0; p < n; ++p)
      u[c * n + p] += std::array<double, 3>{1.0, -2.0, 0.5}[c];
  std::vector<double> pu = project(u, 1, g);
  for (int c = 0; c < 3; ++c) {
    double before = 0, after = 0;
    for (int64_t p = 0; p < n; ++p)
      before += u[c * n + p], after += pu[c * n + p];
    EXPECT_NEAR(after / n, before / n, 1e-14);
  }
}

// A gradient field is removed entirely; a divergence-free one is kept.
TEST(LerayProject, RemovesGradientsKeepsSolenoidalFields) {
  Grid g{{16, 16}, {2 * M_PI, 2 * M_PI}};
  int64_t n = g.points();
  std::vector<double> grad(2 * n), sol(2 * n);
  for (int64_t p = 0; p < n; ++p) {
    double x = g.index(p)[0] * 2 * M_PI / 16, y = g.index(p)[1] * 2 * M_PI / 16;
    grad[p] = std::cos(x) * std::sin(2 * y),
    grad[n + p] = 2 * std::sin(x) * std::cos(2 * y);
    sol[p] = 3 * std::sin(x) * std::cos(3 * y),
    sol[n + p] = -std::cos(x) * std::sin(3 * y);
  }
  EXPECT_LT(maxAbs(project(grad, 1, g)), 1e-14);
  EXPECT_LT(relError(project(sol, 1, g), sol), 1e-14);
}

// 32^3, f64: the projected field's spectral divergence is at round-off.
TEST(LerayProject, SpectralDivergenceAtRoundOff32) {
  Grid g{{32, 32, 32}, {2 * M_PI, 2 * M_PI, 2 * M_PI}};
  std::vector<double> u = smoothRandomField(1, 3, g, 6, 11);
  EXPECT_GT(spectralDivergenceRatio(u, 1, g), 1e-2);
  EXPECT_LT(spectralDivergenceRatio(project(u, 1, g), 1, g), 1e-14);
}

// The result does not depend on the thread count (bitwise).
TEST(LerayProject, ThreadCountDoesNotChangeBits) {
  Grid g{{12, 10, 8}, {1.0, 1.0, 1.0}};
  std::vector<double> u = randomValues(2 * 3 * g.points(), 4);
  EXPECT_EQ(project(u, 2, g, DType::F64, 1), project(u, 2, g, DType::F64, 3));
  EXPECT_EQ(project(u, 2, g, DType::F32, 1), project(u, 2, g, DType::F32, 3));
}
