//===- GaussianRandomFieldTest.cpp - Statistics of the GRF generator ------===//
#include "runtime/data/gen/GaussianRandomField.h"
#include "runtime/support/Status.h"

#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numeric>

using namespace shodh;

namespace {

TEST(GaussianRandomField, DeterministicPerSeedAndIndex) {
  GrfParams p{2, 16};
  EXPECT_EQ(sampleGaussianRandomField(p, 7, 3), sampleGaussianRandomField(p, 7, 3));
  EXPECT_NE(sampleGaussianRandomField(p, 7, 3), sampleGaussianRandomField(p, 7, 4));
  EXPECT_NE(sampleGaussianRandomField(p, 8, 3), sampleGaussianRandomField(p, 7, 3));
}

TEST(GaussianRandomField, MeanIsZeroToRoundOff) {
  for (int dims = 1; dims <= 3; ++dims) {
    GrfParams p{dims, 12};
    std::vector<double> f = sampleGaussianRandomField(p, 1, 0);
    ASSERT_EQ(f.size(), static_cast<size_t>(std::pow(12, dims)));
    double mean = std::accumulate(f.begin(), f.end(), 0.0) / f.size();
    double maxAbs = 0.0;
    for (double v : f)
      maxAbs = std::max(maxAbs, std::abs(v));
    EXPECT_GT(maxAbs, 0.0);
    EXPECT_LT(std::abs(mean), 1e-12 * maxAbs) << "k = 0 mode must be zero, dims " << dims;
  }
}

// The empirical power of interior modes must match lambda_k. With S samples
// the mean of |F_k|^2 / lambda_k (an exponential variable) has relative
// standard deviation 1/sqrt(S) = 5% for S = 400; 25% is a 5-sigma bound.
TEST(GaussianRandomField, ModePowerMatchesCovariance) {
  GrfParams p{2, 16};
  const int n = 16, half = n / 2 + 1, samples = 400;
  const std::vector<std::vector<int64_t>> modes = {{1, 1}, {0, 3}, {2, 5}, {-3, 2}};
  std::vector<double> power(modes.size(), 0.0);
  std::vector<std::complex<double>> spec(n * half);
  for (int s = 0; s < samples; ++s) {
    std::vector<double> f = sampleGaussianRandomField(p, 42, s);
    fftw_plan plan = fftw_plan_dft_r2c_2d(n, n, f.data(),
                                          reinterpret_cast<fftw_complex *>(spec.data()),
                                          FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);
    for (size_t m = 0; m < modes.size(); ++m) {
      int64_t row = (modes[m][0] + n) % n, col = modes[m][1];
      power[m] += std::norm(spec[row * half + col]) / (double(n) * n * n * n);
    }
  }
  for (size_t m = 0; m < modes.size(); ++m) {
    double ratio = power[m] / samples / grfModeVariance(p, modes[m]);
    EXPECT_NEAR(ratio, 1.0, 0.25) << "mode (" << modes[m][0] << ", " << modes[m][1] << ")";
  }
}

TEST(GaussianRandomField, RejectsBadParameters) {
  EXPECT_THROW(sampleGaussianRandomField(GrfParams{4, 8}, 0, 0), Error);
  EXPECT_THROW(sampleGaussianRandomField(GrfParams{2, 1}, 0, 0), Error);
  GrfParams p{2, 8};
  p.tau = 0.0;
  EXPECT_THROW(sampleGaussianRandomField(p, 0, 0), Error);
}

} // namespace
