//===- VecMathTest.cpp - VecMath.h and the vectorised loops against double -===//
//
// Every float in a dense sweep (and a random sample) is compared with the
// double-precision libm value. Bounds: exp within 3e-7 relative (Taylor
// truncation 6e-9 + ~8 roundings of 6e-8 on terms <= 1.5); halfErfc and the
// normal CDF tail within 1e-6 relative for z <= 9 (the fit's 1.2e-7 plus the
// roundings of t, P(t) and the split exponent; without the split the
// rounding of z^2 alone would reach 5e-6 at z = 9); GELU within
// 1e-6 * (1 + |x|) absolute.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/VecMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace shodh;
namespace vm = shodh::vecmath;

namespace {

/// n points evenly spread over [lo, hi] as floats.
std::vector<float> sweep(double lo, double hi, int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = static_cast<float>(lo + (hi - lo) * i / (n - 1));
  return v;
}

TEST(VecMath, ExpRelativeError) {
  for (float x : sweep(-87.0, 88.0, 400001)) {
    double want = std::exp(static_cast<double>(x));
    ASSERT_NEAR(vm::exp(x) / want, 1.0, 3e-7) << "x = " << x;
  }
  EXPECT_EQ(vm::exp(0.0f), 1.0f);
  EXPECT_GT(vm::exp(-1000.0f), 0.0f); // clamped, never 0 / denormal / NaN
  EXPECT_TRUE(std::isfinite(vm::exp(1000.0f)));
  EXPECT_TRUE(std::isnan(vm::exp(std::nanf("")))); // no UB on the way (UBSan)
  EXPECT_TRUE(std::isnan(vm::normalCdf(std::nanf(""))));
}

TEST(VecMath, HalfErfcRelativeError) {
  for (float z : sweep(0.0, 9.0, 300001)) {
    double want = 0.5 * std::erfc(static_cast<double>(z));
    double tol = 1e-6;
    ASSERT_NEAR(vm::halfErfc(z) / want, 1.0, tol) << "z = " << z;
  }
}

TEST(VecMath, NormalCdfPdfAndTanh) {
  for (float x : sweep(-12.0, 12.0, 240001)) {
    double xd = x;
    ASSERT_NEAR(vm::normalCdf(x), 0.5 * std::erfc(-xd / std::sqrt(2.0)),
                1e-7 + 1e-6 * 0.5 * std::erfc(std::fabs(xd) / std::sqrt(2.0)))
        << "x = " << x;
    ASSERT_NEAR(vm::normalPdf(x), std::exp(-0.5 * xd * xd) / std::sqrt(2 * M_PI),
                1e-6 * std::exp(-0.5 * xd * xd))
        << "x = " << x;
    ASSERT_NEAR(vm::tanh(x), std::tanh(xd), 2e-7) << "x = " << x;
  }
}

/// GELU and GELU' of the loops (any instruction-set clone) against double,
/// on lengths that exercise the vector body and the scalar tail.
TEST(VecMath, GeluLoopsMatchDouble) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-10.0f, 10.0f);
  for (int n : {1, 7, 8, 33, 4099}) {
    std::vector<float> x(n), dy(n), y(n), dx(n);
    for (int i = 0; i < n; ++i)
      x[i] = dist(rng), dy[i] = dist(rng);
    for (bool tanhForm : {false, true}) {
      geluF32(x.data(), y.data(), n, tanhForm);
      geluGradF32(x.data(), dy.data(), dx.data(), n, tanhForm);
      for (int i = 0; i < n; ++i) {
        double v = x[i], gelu, slope;
        if (tanhForm) {
          double c = std::sqrt(2.0 / M_PI), t = std::tanh(c * (v + 0.044715 * v * v * v));
          gelu = 0.5 * v * (1 + t);
          slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
        } else {
          double cdf = 0.5 * std::erfc(-v / std::sqrt(2.0));
          gelu = v * cdf;
          slope = cdf + v * std::exp(-0.5 * v * v) / std::sqrt(2 * M_PI);
        }
        ASSERT_NEAR(y[i], gelu, 1e-6 * (1 + std::fabs(v))) << "x = " << v;
        ASSERT_NEAR(dx[i], dy[i] * slope, 2e-6 * std::fabs(dy[i]) * (1 + std::fabs(v)))
            << "x = " << v;
      }
    }
  }
}

TEST(VecMath, GeluInPlace) {
  std::vector<float> x = {-3.0f, -0.5f, 0.0f, 0.5f, 3.0f}, y(5);
  geluF32(x.data(), y.data(), 5, false);
  geluF32(x.data(), x.data(), 5, false);
  EXPECT_EQ(x, y);
}

} // namespace
