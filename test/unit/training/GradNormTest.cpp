//===- GradNormTest.cpp - grad_global_norm and clip_by_norm ---------------===//
//
// The norm is summed in double and rounded once: within u |norm| of the
// double reference (2 u allowed). Clipping is compared bitwise with the
// documented f32 coefficient, and the coefficient itself with
// max_norm / (norm + 1e-6) to a few ulps; in place, complex gradients and
// thread counts 1/2/3 are covered.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/optim/GradNorm.h"
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/optim/OptimReference.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

constexpr double kU = 1.0 / 16777216.0;

/// Reals of a tensor as floats.
std::vector<float> floats(const HostTensor &t) {
  return std::vector<float>(t.f32(), t.f32() + realCount(t));
}

TEST(GradGlobalNorm, MatchesDoubleReferenceForAnyThreadCount) {
  HostTensor a = randomTensor(DType::F32, {3, 20000}, 1),
             b = randomTensor(DType::C64, {4, 5, 6}, 2),
             c = randomTensor(DType::F32, {1}, 3);
  double want = ref::globalNorm({floats(a), floats(b), floats(c)});
  float first = 0.0f;
  for (int threads : {1, 2, 3}) {
    HostTensor norm(DType::F32, {1});
    runKernel("grad_global_norm", {}, {&a, &b, &c}, {&norm}, threads);
    EXPECT_NEAR(norm.f32()[0], want, 2 * kU * want);
    if (threads == 1)
      first = norm.f32()[0];
    EXPECT_EQ(norm.f32()[0], first) << threads << " threads";
  }
}

TEST(ClipByNorm, ScalesOnlyAboveTheLimitInPlace) {
  for (float normValue : {10.0f, 0.5f}) {
    HostTensor g = randomTensor(DType::C64, {7, 3}, 4), norm(DType::F32, {1});
    std::vector<float> before = floats(g);
    norm.f32()[0] = normValue;
    runKernel("clip_by_norm", {{"max_norm", 1.0}}, {&g, &norm}, {&g}, 2);
    float c = clipCoefficient(normValue, 1.0);
    EXPECT_NEAR(c, std::min(1.0, 1.0 / (normValue + 1e-6)), 4 * kU);
    for (size_t j = 0; j < before.size(); ++j) {
      ASSERT_EQ(g.f32()[j], before[j] * c);
    }
    if (normValue < 1.0f) {
      EXPECT_EQ(c, 1.0f);
    }
  }
}

TEST(ClipByNorm, NanNormPropagatesLikeTorchClamp) {
  EXPECT_TRUE(std::isnan(clipCoefficient(std::nanf(""), 1.0)));
}

TEST(ClipByNorm, ClippedGradientsHaveTheMaximumNorm) {
  HostTensor a = randomTensor(DType::F32, {50}, 5),
             b = randomTensor(DType::C64, {20}, 6);
  HostTensor norm(DType::F32, {1}), after(DType::F32, {1});
  runKernel("grad_global_norm", {}, {&a, &b}, {&norm}, 1);
  for (HostTensor *g : {&a, &b})
    runKernel("clip_by_norm", {{"max_norm", 0.25}}, {g, &norm}, {g}, 1);
  runKernel("grad_global_norm", {}, {&a, &b}, {&after}, 1);
  EXPECT_NEAR(after.f32()[0], 0.25, 1e-5); // 0.25 * norm / (norm + 1e-6)
}

TEST(StepIncrement, AddsOneInPlace) {
  HostTensor step(DType::I64, {1});
  auto *v = reinterpret_cast<int64_t *>(step.storage.data());
  *v = 41;
  runKernel("step_increment", {}, {&step}, {&step}, 1);
  EXPECT_EQ(*v, 42);
}

} // namespace
