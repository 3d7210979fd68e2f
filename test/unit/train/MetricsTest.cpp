//===- MetricsTest.cpp - Relative L2 and MSE ------------------------------===//
#include "runtime/train/Metrics.h"
#include "runtime/train/MetricsLog.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace shodh;

namespace {

TEST(MetricsTest, RelativeL2IsTheMeanOverSamples) {
  // Sample 0: p = (3, 4), t = (0, 0): ‖p−t‖ = 5 (target zero: absolute).
  // Sample 1: p = (1, 1), t = (1, 2): ‖p−t‖/‖t‖ = 1/√5.
  float p[] = {3, 4, 1, 1}, t[] = {0, 0, 1, 2};
  ErrorMetrics m;
  m.addBatch(p, t, 2, 2);
  EXPECT_EQ(m.samples(), 2);
  EXPECT_DOUBLE_EQ(m.relL2(), (5.0 + 1.0 / std::sqrt(5.0)) / 2);
  EXPECT_DOUBLE_EQ(m.mse(), (9.0 + 16.0 + 0.0 + 1.0) / 4);
}

TEST(MetricsTest, MergeAddsSums) {
  float p[] = {2, 0}, t[] = {1, 1};
  ErrorMetrics a, b;
  a.addSample(p, t, 1);
  b.addSample(p + 1, t + 1, 1);
  a.merge(b);
  EXPECT_DOUBLE_EQ(a.relL2(), 1.0);
  EXPECT_DOUBLE_EQ(a.mse(), 1.0);
  EXPECT_EQ(ErrorMetrics().relL2(), 0.0);
}

TEST(MetricsTest, SampleSumsEqualTheSampleAssembledFromPieces) {
  // One sample in two pieces (a rollout's steps): the sums of squares of
  // both give the same figures as the whole sample at once.
  float p[] = {1, 2, 3, 5}, t[] = {1, 1, 2, 2};
  ErrorMetrics whole, pieces;
  whole.addSample(p, t, 4);
  SquaredSums sums;
  sums.add(p, t, 2); // the sample in two pieces
  sums.add(p + 2, t + 2, 2);
  EXPECT_DOUBLE_EQ(sums.error, 0.0 + 1.0 + 1.0 + 9.0);
  EXPECT_DOUBLE_EQ(sums.target, 1.0 + 1.0 + 4.0 + 4.0);
  pieces.addSampleSums(sums, 4);
  EXPECT_EQ(pieces.samples(), 1);
  EXPECT_DOUBLE_EQ(pieces.relL2(), whole.relL2());
  EXPECT_DOUBLE_EQ(pieces.mse(), whole.mse());
  EXPECT_DOUBLE_EQ(pieces.relL2(), std::sqrt(11.0 / 10.0));
  ErrorMetrics zero;
  zero.addSampleSums(SquaredSums{4.0, 0.0}, 2); // target zero: absolute
  EXPECT_DOUBLE_EQ(zero.relL2(), 2.0);
}

TEST(MetricsLogTest, RecordsAreJsonWithNullForMissingAndNonFinite) {
  MetricsRecord r{12, 1, 0.5, NAN, 1e-3, std::nullopt, 2.5e-5, 0.0625, 1.25};
  EXPECT_EQ(
      toJson(r),
      "{\"step\": 12, \"epoch\": 1, \"loss\": 0.5, \"loss_avg\": null, \"lr\": "
      "0.001, \"val_rel_l2\": null, \"val_mse\": 2.5e-05, \"seconds\": 1.250, "
      "\"val_seconds\": 0.062}");
}

TEST(MetricsLogTest, AuxTermsAndControllerWeightsComeBeforeSeconds) {
  MetricsRecord r{
      3, 0, 0.5, 0.5, 1e-3, std::nullopt, std::nullopt, std::nullopt, 0.5};
  r.terms = {{"aux.balance", 0.25}, {"pi.balance", NAN}};
  EXPECT_EQ(toJson(r),
            "{\"step\": 3, \"epoch\": 0, \"loss\": 0.5, \"loss_avg\": 0.5, "
            "\"lr\": 0.001, \"val_rel_l2\": null, \"val_mse\": null, "
            "\"aux.balance\": 0.25, \"pi.balance\": null, \"seconds\": 0.500, "
            "\"val_seconds\": null}");
}

} // namespace
