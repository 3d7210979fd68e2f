//===- ControlKernelsTest.cpp - pi_update and aux_loss_grad ---------------===//
//
// The PI update law against a tiny independent reference (written from the
// formula in PiController.h, not from the kernel): sign, both clamps,
// conditional integration (anti-windup) and recovery from a clamp, NaN
// measurements; the kernel against the law (bitwise: both compute in double
// and round λ once), in place on its state; aux_loss_grad = c·w; factory
// errors.
//
//===----------------------------------------------------------------------===//
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/control/PiController.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// The reference controller: straight from the documented law.
struct ReferencePi {
  double sp, kp, ki, l0, lo, hi;
  double integral = 0.0, lambda;

  ReferencePi(double sp, double kp, double ki, double l0, double lo, double hi)
      : sp(sp), kp(kp), ki(ki), l0(l0), lo(lo), hi(hi), lambda(l0) {}

  void step(double measured) {
    double e = measured - sp;
    double output = l0 + kp * e + ki * integral;
    bool pushesPastTop = output >= hi && e > 0;
    bool pushesPastBottom = output <= lo && e < 0;
    if (!pushesPastTop && !pushesPastBottom)
      integral += e;
    lambda = std::min(hi, std::max(lo, l0 + kp * e + ki * integral));
  }
};

PiGains gainsOf(const ReferencePi &r) {
  return {r.sp, r.kp, r.ki, r.l0, r.lo, r.hi};
}

TEST(PiController, RaisesLambdaWhileMeasuredExceedsSetpoint) {
  PiGains g{1.0, 0.5, 0.1, 0.2, 0.0, 10.0};
  PiState s{0.2, 0.0};
  s = piControllerStep(g, s, 3.0); // e = 2: 0.2 + 1.0 + 0.2
  EXPECT_DOUBLE_EQ(s.integral, 2.0);
  EXPECT_DOUBLE_EQ(s.lambda, 1.4);
  s = piControllerStep(g, s, 0.5); // e = -0.5: 0.2 - 0.25 + 0.15
  EXPECT_DOUBLE_EQ(s.integral, 1.5);
  EXPECT_DOUBLE_EQ(s.lambda, 0.1);
  // e = -2: the output 0.2 - 1.0 + 0.15 is below the bottom clamp before
  // integrating, so the integral holds and λ is clamped to 0.
  s = piControllerStep(g, s, -1.0);
  EXPECT_DOUBLE_EQ(s.integral, 1.5);
  EXPECT_EQ(s.lambda, 0.0);
}

TEST(PiController, ClampsAndStopsIntegratingPastEitherClamp) {
  ReferencePi ref(0.0, 0.0, 1.0, 0.5, 0.0, 1.0);
  PiState s{0.5, 0.0};
  // Ten large positive errors: λ pinned at 1, the integral stops at the step
  // that would pass the clamp.
  for (int i = 0; i < 10; ++i) {
    ref.step(0.3);
    s = piControllerStep(gainsOf(ref), s, 0.3);
    EXPECT_EQ(s.lambda, ref.lambda) << i;
    EXPECT_EQ(s.integral, ref.integral) << i;
  }
  EXPECT_EQ(s.lambda, 1.0);
  // No windup: one step past the point where λ reaches the clamp at most.
  EXPECT_LE(s.integral, 0.5 + 0.3 + 1e-12);
  // Errors of the other sign bring λ down at once (no stored windup).
  s = piControllerStep(gainsOf(ref), s, -0.2);
  ref.step(-0.2);
  EXPECT_EQ(s.lambda, ref.lambda);
  EXPECT_LT(s.lambda, 1.0);
  // And the bottom clamp behaves the same way.
  for (int i = 0; i < 20; ++i) {
    ref.step(-1.0);
    s = piControllerStep(gainsOf(ref), s, -1.0);
    EXPECT_EQ(s.lambda, ref.lambda) << i;
    EXPECT_EQ(s.integral, ref.integral) << i;
  }
  EXPECT_EQ(s.lambda, 0.0);
  EXPECT_GE(s.integral, -0.5 - 1.0 - 1e-12);
  // λ leaves the bottom clamp with the first positive error.
  s = piControllerStep(gainsOf(ref), s, 0.4);
  EXPECT_GT(s.lambda, 0.0);
}

TEST(PiController, MatchesReferenceOnAPseudoRandomSequence) {
  ReferencePi ref(0.7, 0.3, 0.05, 0.1, 0.01, 0.5);
  PiState s{0.1, 0.0};
  uint64_t x = 12345;
  for (int i = 0; i < 500; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    double measured = double(x >> 11) / double(1ull << 53) * 2.0;
    ref.step(measured);
    s = piControllerStep(gainsOf(ref), s, measured);
    ASSERT_EQ(s.lambda, ref.lambda) << i;
    ASSERT_EQ(s.integral, ref.integral) << i;
    ASSERT_GE(s.lambda, 0.01);
    ASSERT_LE(s.lambda, 0.5);
  }
}

TEST(PiController, NanMeasurementLeavesTheStateAlone) {
  PiGains g{0.0, 1.0, 1.0, 0.5, 0.0, 1.0};
  PiState s = piControllerStep(g, {0.25, 0.125}, std::nan(""));
  EXPECT_EQ(s.lambda, 0.25);
  EXPECT_EQ(s.integral, 0.125);
}

/// The attributes of a pi_update call.
std::vector<NamedAttr> piAttrs(const PiGains &g) {
  return {{"setpoint", g.setpoint},
          {"kp", g.kp},
          {"ki", g.ki},
          {"lambda0", g.lambda0},
          {"lambda_min", g.lambdaMin},
          {"lambda_max", g.lambdaMax}};
}

TEST(PiUpdateKernel, ReturnsTheOldLambdaAndUpdatesTheStateInPlace) {
  PiGains g{1.0, 0.5, 0.25, 0.3, 0.0, 2.0};
  HostTensor lambda(DType::F32, {1}), integral(DType::F64, {1}),
      measured(DType::F32, {1}), used(DType::F32, {1});
  lambda.f32()[0] = 0.3f;
  integral.f64()[0] = 0.0;
  PiState want{0.3f, 0.0};
  for (float m : {2.5f, 1.75f, 0.0f, 4.0f}) {
    measured.f32()[0] = m;
    float before = lambda.f32()[0];
    runKernel("pi_update", piAttrs(g), {&lambda, &integral, &measured},
              {&used, &lambda, &integral}, 1);
    want = piControllerStep(g, {double(before), want.integral}, m);
    EXPECT_EQ(used.f32()[0], before);
    EXPECT_EQ(lambda.f32()[0], float(want.lambda));
    EXPECT_EQ(integral.f64()[0], want.integral);
  }
}

TEST(PiUpdateKernel, RejectsBadOperandsAndAttributes) {
  auto t = [](DType dtype) { return symbolic("t", {Dim::fixed(1)}, dtype); };
  PiGains g{0.0, 1.0, 0.0, 0.5, 0.0, 1.0};
  std::vector<TensorDesc> ins{t(DType::F32), t(DType::F64), t(DType::F32)},
      outs{t(DType::F32), t(DType::F32), t(DType::F64)};
  EXPECT_NO_THROW(createKernel("pi_update", piAttrs(g), ins, outs));
  expectErrorContaining(
      [&] {
        createKernel("pi_update", piAttrs(g),
                     {t(DType::F32), t(DType::F32), t(DType::F32)}, outs);
      },
      "integral");
  PiGains bad = g;
  bad.ki = -1.0;
  expectErrorContaining(
      [&] { createKernel("pi_update", piAttrs(bad), ins, outs); },
      "kp and ki must be >= 0");
  bad = g;
  bad.lambdaMin = 2.0;
  expectErrorContaining(
      [&] { createKernel("pi_update", piAttrs(bad), ins, outs); },
      "lambda_min (2) must be <= lambda_max (1)");
  std::vector<NamedAttr> missing = piAttrs(g);
  missing.pop_back();
  expectErrorContaining([&] { createKernel("pi_update", missing, ins, outs); },
                        "lambda_max");
}

TEST(AuxLossGradKernel, IsCoefficientTimesWeight) {
  HostTensor w(DType::F32, {1}), out(DType::F32, {1});
  w.f32()[0] = 0.375f;
  runKernel("aux_loss_grad", {{"coefficient", -2.0}}, {&w}, {&out}, 1);
  EXPECT_EQ(out.f32()[0], -0.75f);
  runKernel("aux_loss_grad", {{"coefficient", 0.1}}, {}, {&out}, 1);
  EXPECT_EQ(out.f32()[0], 0.1f);
  expectErrorContaining(
      [&] {
        createKernel("aux_loss_grad", {{"coefficient", 1.0}},
                     {symbolic("w", {Dim::fixed(2)}, DType::F32)},
                     {symbolic("o", {Dim::fixed(1)}, DType::F32)});
      },
      "weight must have shape [1]");
}

} // namespace
