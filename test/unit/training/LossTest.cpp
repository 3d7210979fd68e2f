//===- LossTest.cpp - mse_loss, rel_l2_loss and their gradients -----------===//
//
// Loss values against the double formulas of GradReference.h (the kernels
// sum in double and round once: within u |loss| plus the final division's
// rounding, 4 u |loss| allowed); the reference gradients against central
// differences of the reference losses (smooth away from p = t; truncation
// ~h^2, rounding ~1e-16/h: 1e-6 relative); the f32 gradients against the
// reference gradients (one rounding of a double value: u |g| each, 2 u
// allowed). Guards, the optional dloss, in-place use and thread-count
// independence are checked too.
//
//===----------------------------------------------------------------------===//
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/grad/GradReference.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

constexpr double kU = 1.0 / 16777216.0;

/// Runs a loss kernel and returns the scalar.
float runLoss(const char *name, const HostTensor &p, const HostTensor &t,
              int threads, std::vector<int64_t> lossShape = {}) {
  HostTensor loss(DType::F32, std::move(lossShape));
  runKernel(name, {}, {&p, &t}, {&loss}, threads);
  return loss.f32()[0];
}

TEST(MseLoss, ValueMatchesFormula) {
  HostTensor p = randomTensor(DType::F32, {4, 3, 50}, 1),
             t = randomTensor(DType::F32, {4, 3, 50}, 2);
  double want = ref::mseLoss(p.f32(), t.f32(), p.numel());
  EXPECT_NEAR(runLoss("mse_loss", p, t, 2), want, 4 * kU * want);
  EXPECT_NEAR(runLoss("mse_loss", p, t, 2, {1}), want, 4 * kU * want);
}

TEST(MseLoss, GradientMatchesFiniteDifferencesAndKernel) {
  HostTensor p = randomTensor(DType::F32, {3, 7}, 3),
             t = randomTensor(DType::F32, {3, 7}, 4);
  std::vector<double> pv = realsOf(p), tv = realsOf(t);
  std::vector<double> g = ref::mseLossGrad(pv.data(), tv.data(), p.numel());
  expectMatchesFiniteDifferences(
      pv, g, [&] { return ref::mseLoss(pv.data(), tv.data(), p.numel()); },
      "dp");
  HostTensor dp(DType::F32, {3, 7}), dloss(DType::F32, {1});
  dloss.f32()[0] = 0.5f;
  runKernel("mse_loss_grad", {}, {&p, &t, &dloss}, {&dp}, 2);
  for (int64_t j = 0; j < p.numel(); ++j)
    ASSERT_NEAR(dp.f32()[j], 0.5 * g[j], 2 * kU * std::fabs(0.5 * g[j]));
}

/// mean(x^2) in double, written here (the penalty of shodh.mean_square).
double meanSquare(const std::vector<double> &x) {
  double s = 0.0;
  for (double v : x)
    s += v * v;
  return s / double(x.size());
}

TEST(MeanSquare, ValueMatchesFormula) {
  HostTensor x = randomTensor(DType::F32, {4, 1, 9, 11}, 21);
  HostTensor loss(DType::F32, {1});
  runKernel("mean_square", {}, {&x}, {&loss}, 2);
  double want = meanSquare(realsOf(x));
  EXPECT_NEAR(loss.f32()[0], want, 4 * kU * want);
}

TEST(MeanSquare, GradientMatchesFiniteDifferencesTimesDloss) {
  HostTensor x = randomTensor(DType::F32, {3, 2, 5}, 22);
  std::vector<double> xv = realsOf(x), g(xv.size());
  for (size_t i = 0; i < xv.size(); ++i)
    g[i] = 2.0 * xv[i] / double(xv.size());
  expectMatchesFiniteDifferences(
      xv, g, [&] { return meanSquare(xv); }, "dx");
  HostTensor dx(DType::F32, {3, 2, 5}), dloss(DType::F32, {1});
  dloss.f32()[0] = -0.75f;
  runKernel("mean_square_grad", {}, {&x, &dloss}, {&dx}, 2);
  for (int64_t j = 0; j < x.numel(); ++j)
    ASSERT_NEAR(dx.f32()[j], -0.75 * g[j], 2 * kU * std::fabs(0.75 * g[j]));
}

TEST(MeanSquare, ThreadCountIndependentAndShapesChecked) {
  HostTensor x = randomTensor(DType::F32, {7, 3, 4001}, 23);
  HostTensor one(DType::F32, {1}), four(DType::F32, {1});
  runKernel("mean_square", {}, {&x}, {&one}, 1);
  runKernel("mean_square", {}, {&x}, {&four}, 4);
  EXPECT_EQ(one.f32()[0], four.f32()[0]);
  HostTensor wrong(DType::F32, {2});
  EXPECT_THROW(runKernel("mean_square", {}, {&x}, {&wrong}, 1), Error);
  HostTensor dx(DType::F32, {7, 3, 4000}), dloss(DType::F32, {1});
  EXPECT_THROW(runKernel("mean_square_grad", {}, {&x, &dloss}, {&dx}, 1),
               Error);
}

TEST(RelL2Loss, ValueMatchesFormulaIncludingTheZeroTargetGuard) {
  HostTensor p = randomTensor(DType::F32, {3, 2, 40}, 5),
             t = randomTensor(DType::F32, {3, 2, 40}, 6);
  std::fill(t.f32() + 80, t.f32() + 160, 0.0f); // sample 1: ||t|| = 0 -> 1
  double want = ref::relL2Loss(p.f32(), t.f32(), 3, 80);
  double byHand = 0.0;
  for (int b = 0; b < 3; ++b) {
    double d = 0, n = 0;
    for (int j = b * 80; j < (b + 1) * 80; ++j)
      d += std::pow(double(p.f32()[j]) - t.f32()[j], 2),
          n += std::pow(double(t.f32()[j]), 2);
    byHand += std::sqrt(d) / (b == 1 ? 1.0 : std::sqrt(n));
  }
  EXPECT_NEAR(want, byHand / 3, 1e-12);
  EXPECT_NEAR(runLoss("rel_l2_loss", p, t, 3, {1}), want, 4 * kU * want);
}

TEST(RelL2Loss, GradientMatchesFiniteDifferencesAndKernel) {
  HostTensor p = randomTensor(DType::F32, {3, 2, 5}, 7),
             t = randomTensor(DType::F32, {3, 2, 5}, 8);
  std::vector<double> pv = realsOf(p), tv = realsOf(t);
  std::vector<double> g = ref::relL2LossGrad(pv.data(), tv.data(), 3, 10);
  expectMatchesFiniteDifferences(
      pv, g, [&] { return ref::relL2Loss(pv.data(), tv.data(), 3, 10); }, "dp");
  HostTensor dp(DType::F32, {3, 2, 5});
  runKernel("rel_l2_loss_grad", {}, {&p, &t}, {&dp}, 2);
  for (int64_t j = 0; j < p.numel(); ++j)
    ASSERT_NEAR(dp.f32()[j], g[j], 2 * kU * std::fabs(g[j]) + 1e-30);
}

TEST(RelL2Loss, ExactSampleHasZeroGradient) {
  HostTensor p = randomTensor(DType::F32, {2, 6}, 9), t(DType::F32, {2, 6});
  std::copy(p.f32(), p.f32() + 12, t.f32());
  t.f32()[7] += 1.0f; // sample 1 differs, sample 0 is exact
  HostTensor dp(DType::F32, {2, 6});
  runKernel("rel_l2_loss_grad", {}, {&p, &t}, {&dp}, 1);
  for (int j = 0; j < 6; ++j)
    EXPECT_EQ(dp.f32()[j], 0.0f);
  EXPECT_NE(dp.f32()[7], 0.0f);
}

TEST(Losses, GradientsInPlaceAndThreadCountIndependent) {
  // 2 samples of 40000 elements: several reduction blocks per sample.
  HostTensor t = randomTensor(DType::F32, {2, 40000}, 10);
  for (const char *name : {"mse_loss_grad", "rel_l2_loss_grad"}) {
    HostTensor p1 = randomTensor(DType::F32, {2, 40000}, 11),
               out(DType::F32, {2, 40000});
    runKernel(name, {}, {&p1, &t}, {&out}, 1);
    for (int threads : {2, 3}) {
      HostTensor p = randomTensor(DType::F32, {2, 40000}, 11);
      runKernel(name, {}, {&p, &t}, {&p}, threads); // dp over p
      expectBitIdentical(p, out, name);
    }
  }
  HostTensor p = randomTensor(DType::F32, {2, 40000}, 12);
  for (const char *name : {"mse_loss", "rel_l2_loss"}) {
    float one = runLoss(name, p, t, 1);
    EXPECT_EQ(one, runLoss(name, p, t, 2)) << name;
    EXPECT_EQ(one, runLoss(name, p, t, 3)) << name;
  }
}

} // namespace
