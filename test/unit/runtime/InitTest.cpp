//===- InitTest.cpp - Deterministic parameter initialisation --------------===//
//
// The generator is checked against the documented formulas (recomputed here
// from scratch), for reproducibility, ranges and moments. Statistical
// tolerances: with n = 200000 samples the standard error of a sample mean is
// sigma / sqrt(n) = 0.0022 sigma and of a sample std about sigma / sqrt(2n) =
// 0.0016 sigma; we allow 5 standard errors (a false failure has probability
// below 1e-6, and the values are deterministic anyway, so a pass is stable).
//
//===----------------------------------------------------------------------===//
#include "runtime/core/InitRandom.h"
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <vector>

using namespace shodh;

namespace {

constexpr int64_t kSamples = 200000;

/// Sample mean and (population) standard deviation.
std::pair<double, double> moments(const std::vector<float> &v) {
  double s = 0, s2 = 0;
  for (float x : v)
    s += x;
  double mean = s / double(v.size());
  for (float x : v)
    s2 += (x - mean) * (x - mean);
  return {mean, std::sqrt(s2 / double(v.size()))};
}

/// Initialises a float tensor of `n` values.
std::vector<float> initFloats(const InitSpec &spec, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n), -7.0f);
  initializeTensor(spec, DType::F32, n, v.data(), "t");
  return v;
}

TEST(Init, UniformMatchesTheDocumentedFormula) {
  // Independent transcription of docs/runtime.md § Initialisation.
  auto mix = [](uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  uint64_t seed = 1234;
  InitSpec spec{"uniform", -2.0, 3.0, 0, seed};
  std::vector<double> v(100);
  initializeTensor(spec, DType::F64, 100, v.data(), "t");
  for (uint64_t j = 0; j < 100; ++j) {
    double u = double(mix(seed ^ (0x9E3779B97F4A7C15ull * (j + 1))) >> 11) /
               9007199254740992.0;
    EXPECT_EQ(v[j], -2.0 + 5.0 * u) << j;
  }
}

TEST(Init, UniformWithFanDividesBothBounds) {
  // fan = 8 turns U(0, 2) into U(0, 0.25) with the same underlying draws.
  std::vector<double> plain(64), scaled(64);
  initializeTensor({"uniform", 0.0, 2.0, 0, 5}, DType::F64, 64, plain.data(), "t");
  initializeTensor({"uniform", 0.0, 2.0, 8, 5}, DType::F64, 64, scaled.data(), "t");
  for (size_t j = 0; j < plain.size(); ++j) {
    EXPECT_DOUBLE_EQ(scaled[j], plain[j] / 8.0) << j;
    EXPECT_GE(scaled[j], 0.0);
    EXPECT_LT(scaled[j], 0.25);
  }
  EXPECT_THROW(initializeTensor({"uniform", 0.0, 1.0, -1, 5}, DType::F64, 4, plain.data(), "t"),
               Error);
}

TEST(Init, SameSeedSameValuesAndPrefixStable) {
  InitSpec spec{"normal", 0.5, 2.0, 0, 42};
  std::vector<float> a = initFloats(spec, 1000), b = initFloats(spec, 1000);
  EXPECT_EQ(a, b);
  std::vector<float> shorter =
      initFloats(spec, 10); // value j depends on (seed, j) only
  EXPECT_TRUE(std::equal(shorter.begin(), shorter.end(), a.begin()));
  spec.seed = 43;
  EXPECT_NE(initFloats(spec, 1000), a);
}

TEST(Init, ConstantKinds) {
  EXPECT_EQ(initFloats({"zeros"}, 5), std::vector<float>(5, 0.0f));
  EXPECT_EQ(initFloats({""}, 5), std::vector<float>(5, 0.0f));
  EXPECT_EQ(initFloats({"ones"}, 5), std::vector<float>(5, 1.0f));
  EXPECT_EQ(initFloats({"constant", 0.25}, 5), std::vector<float>(5, 0.25f));
  std::vector<int64_t> ints(4, 9);
  initializeTensor({"constant", 3.0}, DType::I64, 4, ints.data(), "step");
  EXPECT_EQ(ints, std::vector<int64_t>(4, 3));
}

TEST(Init, UniformRangeAndMoments) {
  std::vector<float> v = initFloats({"uniform", -1.0, 3.0, 0, 7}, kSamples);
  for (float x : v)
    ASSERT_TRUE(x >= -1.0f && x <= 3.0f) << x;
  auto [mean, sd] = moments(v);
  double sigma = 4.0 / std::sqrt(12.0); // std of U(a, b) = (b - a) / sqrt 12
  EXPECT_NEAR(mean, 1.0, 5 * sigma / std::sqrt(double(kSamples)));
  EXPECT_NEAR(sd, sigma, 5 * sigma / std::sqrt(2.0 * kSamples));
}

TEST(Init, NormalMoments) {
  std::vector<float> v = initFloats({"normal", 0.5, 2.0, 0, 11}, kSamples);
  auto [mean, sd] = moments(v);
  EXPECT_NEAR(mean, 0.5, 5 * 2.0 / std::sqrt(double(kSamples)));
  EXPECT_NEAR(sd, 2.0, 5 * 2.0 / std::sqrt(2.0 * kSamples));
  // Box–Muller with u1 in [0, 1) never produces inf or nan.
  for (float x : v)
    ASSERT_TRUE(std::isfinite(x));
}

TEST(Init, StandardNormalIsBoxMullerOfTwoUniforms) {
  for (uint64_t j : {0ull, 1ull, 99ull}) {
    double u1 = initUniform01(5, 2 * j), u2 = initUniform01(5, 2 * j + 1);
    double z = std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * M_PI * u2);
    EXPECT_DOUBLE_EQ(initStandardNormal(5, j), z);
  }
}

TEST(Init, FanInUniformBound) {
  std::vector<float> v = initFloats({"fan_in_uniform", 0, 0, 16, 3}, kSamples);
  float lo = 0, hi = 0;
  for (float x : v)
    lo = std::min(lo, x), hi = std::max(hi, x);
  EXPECT_GE(lo, -0.25f);
  EXPECT_LE(hi, 0.25f);
  EXPECT_LT(lo, -0.2499f); // the bound 1/sqrt(16) is approached on both sides
  EXPECT_GT(hi, 0.2499f);
  EXPECT_THROW(initFloats({"fan_in_uniform", 0, 0, 0, 3}, 4), Error);
}

TEST(Init, ComplexFillsRealAndImaginaryPartsIndependently) {
  InitSpec spec{"uniform", 0.0, 1.0, 0, 9};
  std::vector<std::complex<float>> c(50);
  initializeTensor(spec, DType::C64, 50, c.data(), "w");
  std::vector<float> flat = initFloats(spec, 100); // the same 100 reals
  for (int j = 0; j < 50; ++j) {
    EXPECT_EQ(c[j].real(), flat[2 * j]);
    EXPECT_EQ(c[j].imag(), flat[2 * j + 1]);
  }
}

TEST(Init, Errors) {
  std::vector<float> v(4);
  EXPECT_THROW(initializeTensor({"xavier"}, DType::F32, 4, v.data(), "w"),
               Error);
  EXPECT_THROW(
      initializeTensor({"uniform", 2.0, 1.0}, DType::F32, 4, v.data(), "w"),
      Error);
  EXPECT_THROW(
      initializeTensor({"normal", 0.0, -1.0}, DType::F32, 4, v.data(), "w"),
      Error);
  std::vector<int32_t> ints(4);
  EXPECT_THROW(
      initializeTensor({"normal", 0.0, 1.0}, DType::I32, 4, ints.data(), "i"),
      Error);
  EXPECT_THROW(
      initializeTensor({"constant", 0.5}, DType::I32, 4, ints.data(), "i"),
      Error);
  try {
    initializeTensor({"xavier"}, DType::F32, 4, v.data(), "w");
  } catch (const Error &e) {
    EXPECT_NE(
        std::string(e.what()).find("tensor 'w': unknown init kind 'xavier'"),
        std::string::npos);
  }
}

} // namespace
