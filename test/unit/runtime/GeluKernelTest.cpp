//===- GeluKernelTest.cpp - GELU against its formula in double ------------===//
//
// Tolerance: the kernel evaluates the formula in the tensor's precision
// (unit roundoff u). Rounding x / sqrt 2 (or the tanh argument, of size at
// most |x| (1 + 0.045 x^2)) perturbs erf/tanh by at most a few u times that
// argument (their slopes are <= 1.13), the library erf/tanh add a few ulp,
// and the final products two more roundings; all scaled by 0.5 |x|. The
// bound 8 u (1 + |x|)^4 over-covers these first-order terms for |x| <= 6 yet
// is ~1e-5 at |x| = 1 in f32, far below any formula mistake (e.g. using the
// tanh form for "none" differs by up to 5e-4).
//
//===----------------------------------------------------------------------===//
#include "CpuKernelHarness.h"
#include "runtime/kernels/cpu/Reference.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Runs gelu on `n` values in [-6, 6] of `dtype` and checks every output.
void checkGelu(DType dtype, const char *mode, int64_t n, int threads) {
  HostTensor x(dtype, {n}), y(dtype, {n});
  x.fillUniform(17, -6.0, 6.0);
  std::vector<NamedAttr> attrs;
  if (mode)
    attrs.push_back({"approximate", std::string(mode)});
  runKernel("gelu", attrs, {&x}, {&y}, threads);
  bool tanh = mode && std::string(mode) == "tanh";
  double u = dtype == DType::F32 ? std::ldexp(1.0, -24) : std::ldexp(1.0, -53);
  for (int64_t i = 0; i < n; ++i) {
    double xi = dtype == DType::F32 ? x.f32()[i] : x.f64()[i];
    double yi = dtype == DType::F32 ? y.f32()[i] : y.f64()[i];
    double tol = 8 * u * std::pow(1 + std::abs(xi), 4);
    ASSERT_NEAR(yi, reference::gelu(xi, tanh), tol) << "x = " << xi;
  }
}

TEST(GeluKernel, ExactIsTheDefault) {
  checkGelu(DType::F32, nullptr, 1000, 1);
  checkGelu(DType::F32, "none", 100003, 3);
  checkGelu(DType::F64, "none", 5000, 2);
}

TEST(GeluKernel, TanhApproximation) {
  checkGelu(DType::F32, "tanh", 100003, 2);
  checkGelu(DType::F64, "tanh", 5000, 1);
}

TEST(GeluKernel, KnownValues) {
  HostTensor x(DType::F64, {3}), y(DType::F64, {3});
  x.f64()[0] = 0.0, x.f64()[1] = 1.0, x.f64()[2] = -1.0;
  runKernel("gelu", {}, {&x}, {&y}, 1);
  EXPECT_EQ(y.f64()[0], 0.0);
  EXPECT_NEAR(y.f64()[1], 0.8413447460685429, 1e-15); // Phi(1)
  EXPECT_NEAR(y.f64()[2], -0.15865525393145707, 1e-15);
}

TEST(GeluKernel, RejectsBadCalls) {
  TensorDesc x = symbolic("x", {Dim::named("B"), Dim::fixed(4)});
  TensorDesc y = x;
  y.name = "y";
  expectErrorContaining(
      [&] {
        createKernel("gelu", {{"approximate", std::string("erf")}}, {x}, {y});
      },
      "program 'test', call 0 (gelu): attribute 'approximate' must be \"none\" "
      "or \"tanh\", got \"erf\"");
  expectErrorContaining(
      [&] {
        createKernel("gelu", {{"approximate", int64_t(1)}}, {x}, {y});
      },
      "attribute 'approximate' must be a string, got an integer");
  TensorDesc bad = y;
  bad.shape[1] = Dim::fixed(5);
  expectErrorContaining([&] { createKernel("gelu", {}, {x}, {bad}); },
                        "output dim 1 is 5 but x dim 1 is 4");
  bad = y;
  bad.dtype = DType::F64;
  expectErrorContaining([&] { createKernel("gelu", {}, {x}, {bad}); },
                        "output 'y' has dtype f64 but x has f32");
  TensorDesc ints = x;
  ints.dtype = DType::I32;
  expectErrorContaining([&] { createKernel("gelu", {}, {ints}, {y}); },
                        "x 'x' has dtype i32; supported: f32, f64");
}

} // namespace
