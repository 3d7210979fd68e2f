//===- GeluGradTest.cpp - gelu_grad ---------------------------------------===//
//
// 1. GradReference's GELU' (written with erfc and sech^2, unlike the kernel)
//    against central differences of the double GELU of Reference.h: the
//    truncation error h^2 |GELU'''| / 6 ~ 1e-13 and rounding ~1e-16 / h
//    ~ 1e-10, so 1e-8 is safe.
// 2. The f32 kernel against dy * GELU'(x) in double: erf, exp and tanh are
//    within a couple of ulps and the formulas take ~10 more roundings, each
//    of relative size u = 2^-24 on terms bounded by |dy| (|cdf|, |t| <= 1)
//    and |dy x pdf| (<= 0.25 |dy|): 32 u |dy| (1 + |x|) is a generous bound.
// 3. f64, in-place (dx = dy's buffer) and thread-count independence.
//
//===----------------------------------------------------------------------===//
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "runtime/kernels/cpu/Reference.h"
#include "runtime/kernels/cpu/grad/GradReference.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

constexpr double kU = 1.0 / 16777216.0;

class GeluGradModes : public ::testing::TestWithParam<bool> {};

TEST_P(GeluGradModes, ReferenceMatchesFiniteDifferences) {
  const bool tanhApprox = GetParam();
  for (double x = -6.0; x <= 6.0; x += 0.37) {
    std::vector<double> v = {x};
    double fd = centralDifference(v, 0, 1e-6,
                                  [&] { return ref::gelu(v[0], tanhApprox); });
    ASSERT_NEAR(fd, ref::geluDerivative(x, tanhApprox), 1e-8) << "x = " << x;
  }
}

TEST_P(GeluGradModes, KernelMatchesReference) {
  const bool tanhApprox = GetParam();
  HostTensor x = randomTensor(DType::F32, {3, 1000}, 1, -5.0, 5.0),
             dy = randomTensor(DType::F32, {3, 1000}, 2);
  HostTensor dx(DType::F32, {3, 1000});
  runKernel("gelu_grad",
            {{"approximate", std::string(tanhApprox ? "tanh" : "none")}},
            {&x, &dy}, {&dx}, 2);
  for (int64_t j = 0; j < x.numel(); ++j) {
    double want = dy.f32()[j] * ref::geluDerivative(x.f32()[j], tanhApprox);
    ASSERT_NEAR(dx.f32()[j], want,
                32 * kU * std::fabs(dy.f32()[j]) * (1 + std::fabs(x.f32()[j])))
        << "x = " << x.f32()[j];
  }
}

TEST_P(GeluGradModes, DoublePrecisionKernelMatchesReference) {
  const bool tanhApprox = GetParam();
  HostTensor x(DType::F64, {257}), dy(DType::F64, {257}), dx(DType::F64, {257});
  x.fillUniform(3, -5.0, 5.0), dy.fillUniform(4);
  runKernel("gelu_grad",
            {{"approximate", std::string(tanhApprox ? "tanh" : "none")}},
            {&x, &dy}, {&dx}, 1);
  for (int64_t j = 0; j < x.numel(); ++j)
    ASSERT_NEAR(dx.f64()[j],
                dy.f64()[j] * ref::geluDerivative(x.f64()[j], tanhApprox),
                1e-14);
}

INSTANTIATE_TEST_SUITE_P(Modes, GeluGradModes, ::testing::Bool());

TEST(GeluGrad, InPlaceOverDyAndThreadCountIndependent) {
  HostTensor x = randomTensor(DType::F32, {70000}, 5, -4.0, 4.0);
  HostTensor dy1 = randomTensor(DType::F32, {70000}, 6);
  HostTensor dy3 = randomTensor(DType::F32, {70000}, 6);
  HostTensor out(DType::F32, {70000});
  runKernel("gelu_grad", {}, {&x, &dy1}, {&out}, 1);
  runKernel("gelu_grad", {}, {&x, &dy3}, {&dy3}, 3); // dx written over dy
  expectBitIdentical(dy3, out, "in-place dx on 3 threads");
}

} // namespace

namespace {

/// geluWithGradF32 (the channel MLP's fused pass): y is bitwise geluF32's
/// and dx bitwise geluGradF32's in both forms (the same expressions, t
/// rounded as the forward rounds it), and the two-pass form of the MSE
/// channel MLP (geluSavingF32, geluGradFromSavedF32) equals it bit for bit;
/// dx within KernelMatchesReference's bound of the double derivative.
TEST(GeluWithGrad, MatchesTheSeparateLoops) {
  for (bool tanhApprox : {false, true}) {
    HostTensor x = randomTensor(DType::F32, {4099}, 8, -6.0, 6.0),
               dy = randomTensor(DType::F32, {4099}, 9);
    std::vector<float> y(4099), dx(4099), yRef(4099), dxRef(4099);
    geluWithGradF32(x.f32(), dy.f32(), y.data(), dx.data(), 4099, tanhApprox);
    geluF32(x.f32(), yRef.data(), 4099, tanhApprox);
    geluGradF32(x.f32(), dy.f32(), dxRef.data(), 4099, tanhApprox);
    // The two-pass form (saving Φ or the tanh) must equal the one-pass one.
    std::vector<float> ySaved(4099), saved(4099), dxSaved(4099);
    geluSavingF32(x.f32(), ySaved.data(), saved.data(), 4099, tanhApprox);
    geluGradFromSavedF32(x.f32(), saved.data(), dy.f32(), dxSaved.data(), 4099, tanhApprox);
    for (size_t i = 0; i < y.size(); ++i) {
      ASSERT_EQ(y[i], yRef[i]) << i;
      ASSERT_EQ(ySaved[i], y[i]) << i;
      ASSERT_EQ(dxSaved[i], dx[i]) << i;
      ASSERT_EQ(dx[i], dxRef[i]) << i;
      double v = x.f32()[i], d = dy.f32()[i];
      ASSERT_NEAR(dx[i], d * ref::geluDerivative(v, tanhApprox),
                  32 * kU * std::fabs(d) * (1 + std::fabs(v)))
          << i;
    }
  }
}

} // namespace
