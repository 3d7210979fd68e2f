//===- ScalarPdeSamplesTest.cpp - Residuals and statistics of PDE samples -===//
//
// Generated samples are checked against the PDE with an operator assembled
// independently of PeriodicSolver::symbol: first derivatives by spectral
// differentiation (Nyquist zeroed), then L u = -(d_x(A11 u_x + A12 u_y) +
// d_y(A12 u_x + A22 u_y)) + b.grad u + c u in real space. The two differ only
// at Nyquist modes, where the R = 128 Gaussian sources (sigma = 1/32) carry
// ~exp(-2 pi^2 sigma^2 64^2) = exp(-79) of their energy, far below round-off.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/gen/ScalarPdeSamples.h"
#include "runtime/data/gen/ScalarPdeLayout.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

using namespace shodh;

namespace {

/// d u / d x (axis 0) or d u / d y (axis 1), spectrally.
std::vector<double> derivative(PeriodicSolver &solver,
                               const std::vector<double> &u, int axis) {
  std::vector<std::complex<double>> spec = solver.forward(u);
  for (int64_t row = 0; row < solver.res(); ++row)
    for (int64_t col = 0; col < solver.halfCols(); ++col) {
      Wavevector k = solver.wavevector(row, col);
      bool nyquist = axis == 0 ? k.nyquistX : k.nyquistY;
      double kj = axis == 0 ? k.kx : k.ky;
      spec[row * solver.halfCols() + col] *= nyquist ? 0.0 : 2.0 * M_PI * kj;
      spec[row * solver.halfCols() + col] *= std::complex<double>(0.0, 1.0);
    }
  return solver.inverse(spec);
}

/// Diffusion part -div(A grad u) and advection part b.grad u of L u.
void operatorParts(PeriodicSolver &solver, const ScalarOperator &op,
                   const std::vector<double> &u, std::vector<double> &diffusion,
                   std::vector<double> &advection) {
  std::vector<double> ux = derivative(solver, u, 0),
                      uy = derivative(solver, u, 1);
  std::vector<double> qx(u.size()), qy(u.size());
  advection.resize(u.size());
  for (size_t i = 0; i < u.size(); ++i) {
    qx[i] = op.a11 * ux[i] + op.a12 * uy[i];
    qy[i] = op.a12 * ux[i] + op.a22 * uy[i];
    advection[i] = op.bx * ux[i] + op.by * uy[i];
  }
  std::vector<double> dqx = derivative(solver, qx, 0),
                      dqy = derivative(solver, qy, 1);
  diffusion.resize(u.size());
  for (size_t i = 0; i < u.size(); ++i)
    diffusion[i] = -(dqx[i] + dqy[i]);
}

/// max |L u - f| / max |f| with the independently assembled L.
double residual(PeriodicSolver &solver, const ScalarPdeSample &s) {
  std::vector<double> diffusion, advection;
  operatorParts(solver, s.op, s.solution, diffusion, advection);
  double err = 0.0, scale = 0.0;
  for (size_t i = 0; i < s.source.size(); ++i) {
    double lu = diffusion[i] + advection[i] + s.op.c * s.solution[i];
    err = std::max(err, std::abs(lu - s.source[i]));
    scale = std::max(scale, std::abs(s.source[i]));
  }
  return err / scale;
}

/// Euclidean norm.
double norm2(const std::vector<double> &v) {
  return std::sqrt(std::inner_product(v.begin(), v.end(), v.begin(), 0.0));
}

/// Options for `pde` on an R x R grid.
ScalarPdeOptions options(ScalarPde pde, int64_t res) {
  ScalarPdeOptions o;
  o.pde = pde;
  o.res = res;
  return o;
}

// Round-off of the solve and of the four transforms of the check, amplified
// by the largest symbol (~0.05 * 4 pi^2 * 2 * 64^2 ~ 1.6e4 times max|u|),
// stays near 1e-12 of max|f| = O(1): 1e-10 is a safe bound that any wrong
// coefficient (errors O(1)) would exceed by orders of magnitude.
TEST(ScalarPdeSamples, GeneratedSamplesSatisfyThePde) {
  for (ScalarPde pde : {ScalarPde::Poisson, ScalarPde::AdvectionDiffusion,
                        ScalarPde::Helmholtz}) {
    ScalarPdeSampler sampler(options(pde, 128));
    for (uint64_t i = 0; i < 3; ++i) {
      ScalarPdeSample s = sampler.sample(21, i);
      EXPECT_LT(residual(sampler.solver(), s), 1e-10)
          << scalarPdeName(pde) << " sample " << i;
    }
  }
}

TEST(ScalarPdeSamples, PoissonSourceAndSolutionAreMeanFree) {
  ScalarPdeSampler sampler(options(ScalarPde::Poisson, 64));
  for (uint64_t i = 0; i < 4; ++i) {
    ScalarPdeSample s = sampler.sample(2, i);
    double n = double(s.solution.size());
    double umax = *std::max_element(s.solution.begin(), s.solution.end());
    EXPECT_LT(
        std::abs(std::accumulate(s.solution.begin(), s.solution.end(), 0.0) /
                 n),
        1e-15 * umax);
    EXPECT_LT(
        std::abs(std::accumulate(s.source.begin(), s.source.end(), 0.0) / n),
        1e-15);
    ASSERT_EQ(s.tensor.size(), 3u);
    // tensor = 0.01 K: trace 0.01 (1 + e) in [0.02, 0.06], det 1e-4 e.
    double tr = s.tensor[0] + s.tensor[1];
    double det = s.tensor[0] * s.tensor[1] - s.tensor[2] * s.tensor[2];
    EXPECT_NEAR(det, 1e-4 * (tr / 0.01 - 1.0), 1e-15);
    EXPECT_GE(tr, 0.02 - 1e-15);
    EXPECT_LE(tr, 0.06 + 1e-15);
  }
}

// The ratio ||lambda v.grad u|| / ||(1-lambda) 0.01 div(K grad u)|| measured
// on the solution in real space must equal the one the sampler solved for
// (bisection to 1e-14 in log t; the two norms agree to ~1e-15): 1e-12.
TEST(ScalarPdeSamples, AdvectionDiffusionHitsItsRatio) {
  ScalarPdeSampler sampler(options(ScalarPde::AdvectionDiffusion, 64));
  for (uint64_t i = 0; i < 6; ++i) {
    ScalarPdeSample s = sampler.sample(4, i);
    std::vector<double> diffusion, advection;
    operatorParts(sampler.solver(), s.op, s.solution, diffusion, advection);
    EXPECT_NEAR(norm2(advection) / norm2(diffusion), s.ratio, 1e-12 * s.ratio);
    EXPECT_GE(s.ratio, 0.2);
    EXPECT_LE(s.ratio, 1.0);
    double lambda = std::hypot(s.op.bx, s.op.by); // |v| = 1
    EXPECT_GT(lambda, 0.0);
    EXPECT_LT(lambda, 1.0);
    ASSERT_EQ(s.tensor.size(), 5u);
    EXPECT_EQ(s.tensor[3], s.op.bx);
  }
}

TEST(ScalarPdeSamples, HelmholtzSolutionsAreBounded) {
  ScalarPdeSampler sampler(options(ScalarPde::Helmholtz, 64));
  for (uint64_t i = 0; i < 64; ++i) {
    ScalarPdeSample s = sampler.sample(8, i);
    double umax = 0.0;
    for (double v : s.solution)
      umax = std::max(umax, std::abs(v));
    EXPECT_LE(umax, 2.0) << "sample " << i;
    EXPECT_EQ(*std::max_element(s.source.begin(), s.source.end()), 1.0);
    double omega = s.tensor[1];
    EXPECT_EQ(omega, std::round(omega));
    EXPECT_GE(omega, 1.0);
    EXPECT_LE(omega, 10.0);
    EXPECT_EQ(s.tensor[0], 0.01);
  }
}

// With a tight bound most draws are rejected; the accepted ones respect it,
// and the redraws continue the same per-sample stream: deterministic.
TEST(ScalarPdeSamples, HelmholtzRedrawsAreDeterministic) {
  ScalarPdeOptions o = options(ScalarPde::Helmholtz, 32);
  o.helmholtzMaxAbs = 0.4;
  ScalarPdeSampler a(o), b(o);
  int redraws = 0;
  for (uint64_t i = 0; i < 16; ++i) {
    ScalarPdeSample s = a.sample(5, i), t = b.sample(5, i);
    for (double v : s.solution)
      ASSERT_LE(std::abs(v), 0.4);
    EXPECT_EQ(s.redraws, t.redraws);
    EXPECT_EQ(s.solution, t.solution);
    redraws += s.redraws;
  }
  EXPECT_GT(redraws, 0);
  o.helmholtzMaxAbs = 1e-6;
  o.maxRedraws = 3;
  EXPECT_THROW(ScalarPdeSampler(o).sample(5, 0), Error);
}

TEST(ScalarPdeSamples, DeterministicPerSeedAndIndex) {
  for (ScalarPde pde : {ScalarPde::Poisson, ScalarPde::AdvectionDiffusion,
                        ScalarPde::Helmholtz}) {
    ScalarPdeSampler a(options(pde, 32)), b(options(pde, 32));
    ScalarPdeSample s = a.sample(7, 3);
    EXPECT_EQ(s.source, b.sample(7, 3).source);
    EXPECT_EQ(s.solution, b.sample(7, 3).solution);
    EXPECT_EQ(s.tensor, b.sample(7, 3).tensor);
    EXPECT_NE(s.solution, a.sample(8, 3).solution) << scalarPdeName(pde);
    EXPECT_NE(s.solution, a.sample(7, 4).solution) << scalarPdeName(pde);
  }
}

// Grid quarters draw vf uniformly from {0.2, 0.4, 0.6, 0.8}: over 400
// samples each level's frequency per quarter has standard deviation 0.022;
// 0.1 is a 4.6 sigma bound.
TEST(ScalarPdeSamples, GridQuartersDrawEachSparsityLevel) {
  ScalarPdeSampler sampler(options(ScalarPde::Poisson, 8));
  std::array<std::map<double, int>, 4> counts;
  for (uint64_t i = 0; i < 400; ++i) {
    ScalarPdeSample s = sampler.sample(13, i);
    for (int q = 0; q < 4; ++q)
      ++counts[q][s.quarterVf[q]];
  }
  for (int q = 0; q < 4; ++q) {
    ASSERT_EQ(counts[q].size(), 4u);
    for (double vf : kSparsityLevels)
      EXPECT_NEAR(counts[q][vf] / 400.0, 0.25, 0.1)
          << "quarter " << q << " vf " << vf;
  }
}

TEST(ScalarPdeSamples, DatasetQuartersFollowTheSampleIndex) {
  ScalarPdeOptions o = options(ScalarPde::Poisson, 8);
  o.sparsity = SparsityMode::DatasetQuarters;
  o.datasetSize = 10; // N/4 = 2 samples each for 0.2, 0.4, 0.6; 4 for 0.8
  ScalarPdeSampler sampler(o);
  const double expected[10] = {0.2, 0.2, 0.4, 0.4, 0.6,
                               0.6, 0.8, 0.8, 0.8, 0.8};
  for (uint64_t i = 0; i < 10; ++i)
    for (double vf : sampler.sample(1, i).quarterVf)
      EXPECT_EQ(vf, expected[i]) << "sample " << i;
  o.datasetSize = 3; // N/4 = 0: all samples go to the last level
  EXPECT_EQ(ScalarPdeSampler(o).sample(1, 0).quarterVf[0], 0.8);
}

TEST(ScalarPdeSamples, DiffusionTensorHasEigenvaluesOneAndE) {
  double e = 3.2, theta = 1.1;
  std::array<double, 3> k = rotatedDiffusionTensor(e, theta);
  EXPECT_NEAR(k[0] + k[1], 1.0 + e, 1e-14);
  EXPECT_NEAR(k[0] * k[1] - k[2] * k[2], e, 1e-14);
  // Eigenvalue 1 belongs to R(-theta) e_1 = (cos theta, -sin theta).
  double vx = std::cos(theta), vy = -std::sin(theta);
  EXPECT_NEAR(k[0] * vx + k[2] * vy, vx, 1e-14);
  EXPECT_NEAR(k[2] * vx + k[1] * vy, vy, 1e-14);
}

TEST(ScalarPdeSamples, RejectsBadOptions) {
  EXPECT_THROW(ScalarPdeSampler(options(ScalarPde::Poisson, 4)), Error);
  ScalarPdeOptions o = options(ScalarPde::Helmholtz, 16);
  o.omegaMin = 0;
  EXPECT_THROW(ScalarPdeSampler{o}, Error);
}

TEST(ScalarPdeLayout, ChannelsAndMixedLayout) {
  using V = std::vector<std::string>;
  EXPECT_EQ(inputChannelNames(ScalarPde::Poisson, false),
            (V{"source", "K11", "K22", "K12"}));
  EXPECT_EQ(inputChannelNames(ScalarPde::AdvectionDiffusion, false).size(), 6u);
  EXPECT_EQ(inputChannelNames(ScalarPde::Helmholtz, false),
            (V{"source", "helm_diff", "omega"}));
  V mixed = {"source", "K11", "K22", "K12", "vx", "vy", "helm_diff", "omega"};
  for (ScalarPde pde : {ScalarPde::Poisson, ScalarPde::AdvectionDiffusion,
                        ScalarPde::Helmholtz})
    EXPECT_EQ(inputChannelNames(pde, true), mixed);
  using D = std::vector<double>;
  EXPECT_EQ(inputCoefficientValues(ScalarPde::Poisson, {1, 2, 3}, true),
            (D{1, 2, 3, 0, 0, 0, 0}));
  EXPECT_EQ(inputCoefficientValues(ScalarPde::AdvectionDiffusion,
                                   {1, 2, 3, 4, 5}, true),
            (D{1, 2, 3, 4, 5, 0, 0}));
  EXPECT_EQ(inputCoefficientValues(ScalarPde::Helmholtz, {0.01, 7}, true),
            (D{0, 0, 0, 0, 0, 0.01, 7}));
  EXPECT_EQ(inputCoefficientValues(ScalarPde::Helmholtz, {0.01, 7}, false),
            (D{0.01, 7}));
  EXPECT_THROW(inputCoefficientValues(ScalarPde::Poisson, {1, 2}, false),
               Error);
}

} // namespace
