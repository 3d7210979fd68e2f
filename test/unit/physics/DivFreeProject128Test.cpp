//===- DivFreeProject128Test.cpp - The 128^3 divergence measurement -------===//
//
// A smooth random velocity on a 128^3 periodic grid (random Fourier
// coefficients on |m_i| <= 16) is projected in f64 and f32; the test prints
// and bounds the projected field's spectral divergence
// max |k . u_hat| / (k_max max |u_hat|) and, for comparison, its
// second-order finite-difference divergence max |div u| dx / max |u|; and,
// the Helmholtz-style alternative, the fd2 divergence of the fd2 curl of a
// random smooth vector potential. Takes a few seconds; the default tests use
// 32^3 (LerayProjectTest.cpp).
//
//===----------------------------------------------------------------------===//
#include "test/unit/physics/PhysicsReference.h"
#include "test/unit/physics/PhysicsTestUtil.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

using namespace shodh;
using namespace shodh::testing;

TEST(DivFreeProject128, SpectralDivergenceF64AndF32) {
  Grid g{{128, 128, 128}, {2 * M_PI, 2 * M_PI, 2 * M_PI}};
  std::vector<double> u = smoothRandomField(1, 3, g, 16, 2024);
  std::vector<int64_t> shape = fieldShape(1, 3, g.n);
  double before = spectralDivergenceRatio(u, 1, g);
  auto start = std::chrono::steady_clock::now();
  std::vector<double> p64 = applyKernel(
      "div_free_project", physicsAttrs(g.lengths), u, shape, shape, DType::F64);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  double spec64 = spectralDivergenceRatio(p64, 1, g);
  double fd64 = fdDivergenceRatio(p64, 1, g);
  std::vector<double> p32 = applyKernel(
      "div_free_project", physicsAttrs(g.lengths), u, shape, shape, DType::F32);
  double spec32 = spectralDivergenceRatio(p32, 1, g);
  std::printf("128^3 spectral divergence max|k.u|/(k_max max|u|): input %.3g, "
              "projected f64 %.3g, f32 %.3g\n",
              before, spec64, spec32);
  std::printf("128^3 fd2 divergence max|div u| dx / max|u| of the f64 "
              "projection: %.3g (input %.3g)\n",
              fd64, fdDivergenceRatio(u, 1, g));
  std::printf("128^3 f64 div_free_project call (plan + run, 2 threads, with "
              "copies): %.0f ms\n",
              ms);
  EXPECT_GT(before, 1e-2);
  EXPECT_LT(spec64, 1e-13); // target; measured values are printed above
  EXPECT_LT(spec32, 1e-5);  // float rounding ~1e-7, margin 100x
}

TEST(DivFreeProject128, Fd2CurlIsDiscretelyDivergenceFree) {
  Grid g{{128, 128, 128}, {2 * M_PI, 2 * M_PI, 2 * M_PI}};
  std::vector<double> a = smoothRandomField(1, 3, g, 16, 7);
  std::vector<int64_t> shape = fieldShape(1, 3, g.n);
  std::vector<double> u = applyKernel("curl", physicsAttrs(g.lengths, "fd2"), a,
                                      shape, shape, DType::F64);
  double fd = fdDivergenceRatio(u, 1, g);
  std::printf("128^3 fd2 divergence max|div u| dx / max|u| of u = fd2 curl A "
              "(f64): %.3g\n",
              fd);
  EXPECT_LT(fd, 1e-14); // round-off of sums of a few terms
}
