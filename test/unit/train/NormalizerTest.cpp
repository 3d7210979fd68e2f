//===- NormalizerTest.cpp - Per-channel statistics and their application --===//
#include "runtime/train/Normalizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

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

// The float32 rounding floor against a measurement: values 300 + 0.01 z
// rounded to float32 differ from their doubles by an RMS of 8.8e-4 of the
// spread, as the formula says; a note names such a channel, and not one
// with a spread of 1.
TEST(NormalizerTest, Float32RoundingFloorMatchesAMeasurement) {
  for (auto [mean, spread] : {std::pair{300.0, 0.01}, std::pair{101325.0, 1.0},
                              std::pair{-5.0, 1e-4}, std::pair{3e-3, 1e-6}}) {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> z(0.0, 1.0);
    double sq = 0, dev = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      double x = mean + spread * z(rng);
      sq += (double(float(x)) - x) * (double(float(x)) - x);
      dev += (x - mean) * (x - mean);
    }
    double measured = std::sqrt(sq / n) / std::sqrt(dev / n);
    EXPECT_NEAR(f32RoundingRelativeToStd(mean, spread), measured,
                0.1 * measured)
        << "mean " << mean << " spread " << spread;
  }
  ChannelStats s{{300.0, 300.0, 0.0}, {0.01, 1.0, 1e-3}};
  std::vector<std::string> notes = precisionNotes(s, "inputs");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("'inputs' channel 0 (mean 300, std 0.01: 0.00088 of "
                          "the std)"),
            std::string::npos)
      << notes[0];
  EXPECT_EQ(notes[0].find("channel 1"), std::string::npos) << notes[0];
  EXPECT_TRUE(precisionNotes(ChannelStats::identity(3), "targets").empty());
}

} // namespace
