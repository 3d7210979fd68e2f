//===- NormalizerTest.cpp - Per-channel statistics and their application --===//
#include "runtime/train/Normalizer.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace shodh;

namespace {

TEST(NormalizerTest, StatisticsMatchNumpyFormulas) {
  // x has shape (2, 2, 3): channel 0 holds 1…6, channel 1 the constant 7.
  // numpy: x.mean(axis=(0, 2)) = [3.5, 7], x.std(axis=(0, 2)) = [sqrt(35/12),
  // 0].
  FloatArray x{{2, 2, 3}, {1, 2, 3, 7, 7, 7, 4, 5, 6, 7, 7, 7}};
  ChannelStats s = computeChannelStats(x);
  ASSERT_EQ(s.channels(), 2);
  EXPECT_DOUBLE_EQ(s.mean[0], 3.5);
  EXPECT_DOUBLE_EQ(s.std[0], std::sqrt(35.0 / 12.0));
  EXPECT_DOUBLE_EQ(s.mean[1], 7.0);
  EXPECT_DOUBLE_EQ(s.std[1], kStdFloor); // constant channel: the floor
}

TEST(NormalizerTest, StatisticsOverSamplesAndAllSpatialDims) {
  // (3, 1, 2, 2): mean and std over 12 values, as numpy's axis=(0, 2, 3).
  FloatArray x{{3, 1, 2, 2}, {}};
  double sum = 0, sq = 0;
  for (int i = 0; i < 12; ++i) {
    float v = 0.25f * float(i * i) - 3.0f;
    x.values.push_back(v);
    sum += v;
  }
  double mean = sum / 12;
  for (float v : x.values)
    sq += (v - mean) * (v - mean);
  ChannelStats s = computeChannelStats(x);
  EXPECT_DOUBLE_EQ(s.mean[0], mean);
  EXPECT_DOUBLE_EQ(s.std[0], std::sqrt(sq / 12));
}

TEST(NormalizerTest, LargeOffsetsKeepPrecision) {
  // Two-pass double accumulation: a channel 1e6 + {−1, +1} has std exactly 1.
  FloatArray x{{4, 1, 1}, {1e6f - 1, 1e6f + 1, 1e6f - 1, 1e6f + 1}};
  ChannelStats s = computeChannelStats(x);
  EXPECT_DOUBLE_EQ(s.mean[0], 1e6);
  EXPECT_DOUBLE_EQ(s.std[0], 1.0);
}

TEST(NormalizerTest, NormalizeAndDenormalizePerChannel) {
  ChannelStats s{{1.0, -2.0}, {2.0, 0.5}};
  // 2 samples × 2 channels × 2 values.
  std::vector<float> v{3, 5, -2, -1, 1, 1, -3, -2.5f};
  std::vector<float> original = v;
  s.normalize(v.data(), 2, 2);
  EXPECT_EQ(v, (std::vector<float>{1, 2, 0, 2, 0, 0, -2, -1}));
  s.denormalize(v.data(), 2, 2);
  EXPECT_EQ(v, original);
}

TEST(NormalizerTest, IdentityLeavesDataUnchanged) {
  ChannelStats s = ChannelStats::identity(3);
  std::vector<float> v{0.1f, -7.25f, 3e-20f};
  std::vector<float> original = v;
  s.normalize(v.data(), 1, 1);
  EXPECT_EQ(v, original);
}

} // namespace
