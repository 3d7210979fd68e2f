//===- VecMathTest.cpp - VecMath.h and the vectorised loops against double -===//
//
// Every float in a dense sweep (and a random sample) is compared with the
// double-precision libm value. Bounds: exp within 3e-7 relative (Taylor
// truncation 6e-9 + ~8 roundings of 6e-8 on terms <= 1.5); the normal CDF
// within 3e-7 absolute (the rational fit's 1e-8 plus the float roundings of
// its two polynomials, on values up to 1); the density within
// 4e-7 + 6e-8 x^2 relative (exp's bound plus the rounding of x^2 in the
// exponent); GELU within 1e-6 * (1 + |x|) absolute.
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
  EXPECT_TRUE(std::isnan(vm::normalPdf(std::nanf("")))); // no UB (UBSan)
  // Beyond |x| = 13.2 the density's exponent is clamped: tiny, never
  // negative, NaN or infinite, for any input including the infinities.
  for (float x : {14.0f, -14.0f, 1e3f, -1e30f, INFINITY, -INFINITY}) {
    float pdf = vm::normalPdf(x);
    EXPECT_TRUE(pdf > 0.0f && pdf < 1e-37f) << "x = " << x << ": " << pdf;
  }
}

TEST(VecMath, NormalCdfPdfAndTanh) {
  for (float x : sweep(-12.0, 12.0, 240001)) {
    double xd = x;
    float cdf = vm::normalCdf(x);
    ASSERT_NEAR(cdf, 0.5 * std::erfc(-xd / std::sqrt(2.0)), 3e-7) << "x = " << x;
    ASSERT_TRUE(cdf >= 0.0f && cdf <= 1.0f) << "x = " << x; // GELU keeps x's sign
    double pdf = std::exp(-0.5 * xd * xd) / std::sqrt(2 * M_PI);
    ASSERT_NEAR(vm::normalPdf(x), pdf, (3e-7 + 1e-7 * xd * xd) * pdf)
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
