//===- SpectralEnergyTest.cpp - The spectral_energy router features -------===//
//
// spectral_energy against a naive reference that takes the full complex DFT
// of every channel (no half spectrum, no doubling) and bins |X|² of every
// non-DC mode by |k| / |k|_max, on 2-D and 3-D patches with even and odd
// sizes; plus exact cases (a constant patch, a single Fourier mode). The
// kernel and the reference both work in double; 1e-6 covers f32 output.
//
//===----------------------------------------------------------------------===//
#include "test/unit/moe/RoutingTestUtil.h"

#include <cmath>
#include <complex>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Signed frequency of bin u of n points.
int64_t freq(int64_t u, int64_t n) { return u <= n / 2 ? u : u - n; }

/// Band fractions of one token's channels (c, d, h, w) by the full DFT.
std::vector<double> referenceBands(const float *x, int64_t c, int64_t d,
                                   int64_t h, int64_t w, int64_t bands) {
  std::vector<double> energy(size_t(bands), 0.0);
  double kmax = std::sqrt(
      double((d / 2) * (d / 2) + (h / 2) * (h / 2) + (w / 2) * (w / 2)));
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t kz = 0; kz < d; ++kz)
      for (int64_t ky = 0; ky < h; ++ky)
        for (int64_t kx = 0; kx < w; ++kx) {
          std::complex<double> acc = 0.0;
          for (int64_t z = 0; z < d; ++z)
            for (int64_t y = 0; y < h; ++y)
              for (int64_t xx = 0; xx < w; ++xx) {
                double phase = -2.0 * M_PI *
                               (double(kz * z) / d + double(ky * y) / h +
                                double(kx * xx) / w);
                acc += double(x[((ch * d + z) * h + y) * w + xx]) *
                       std::polar(1.0, phase);
              }
          double k = std::sqrt(double(freq(kz, d) * freq(kz, d) +
                                      freq(ky, h) * freq(ky, h) +
                                      freq(kx, w) * freq(kx, w)));
          if (k == 0.0)
            continue;
          int64_t band = int64_t(std::ceil(k / kmax * double(bands))) - 1;
          energy[size_t(std::clamp<int64_t>(band, 0, bands - 1))] +=
              std::norm(acc);
        }
  double total = 0.0;
  for (double e : energy)
    total += e;
  for (double &e : energy)
    e = total > 0.0 ? e / total : 0.0;
  return energy;
}

/// Runs spectral_energy on `patches` (B, T, C, [d,] h, w).
HostTensor energy(const HostTensor &patches, int64_t bands, int threads = 2) {
  HostTensor out = zerosF32({patches.shape[0], patches.shape[1], bands});
  call("spectral_energy", {{"bands", bands}}, {&patches}, {&out}, threads);
  return out;
}

TEST(SpectralEnergyKernel, MatchesTheFullDftIn2d) {
  HostTensor p = f32Tensor({2, 3, 2, 4, 6}, 1);
  HostTensor out = energy(p, 3);
  for (int64_t t = 0; t < 6; ++t) {
    std::vector<double> want = referenceBands(p.f32() + t * 48, 2, 1, 4, 6, 3);
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_NEAR(out.f32()[t * 3 + j], want[size_t(j)], 1e-6) << t << " " << j;
  }
}

TEST(SpectralEnergyKernel, MatchesTheFullDftIn3dWithOddSizes) {
  HostTensor p = f32Tensor({1, 2, 1, 3, 4, 5}, 2);
  HostTensor out = energy(p, 4, 1), again = energy(p, 4, 3);
  for (int64_t t = 0; t < 2; ++t) {
    std::vector<double> want = referenceBands(p.f32() + t * 60, 1, 3, 4, 5, 4);
    double sum = 0.0;
    for (int64_t j = 0; j < 4; ++j) {
      EXPECT_NEAR(out.f32()[t * 4 + j], want[size_t(j)], 1e-6);
      EXPECT_EQ(out.f32()[t * 4 + j], again.f32()[t * 4 + j]);
      sum += out.f32()[t * 4 + j];
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
}

TEST(SpectralEnergyKernel, ConstantPatchHasNoFeatures) {
  HostTensor p = zerosF32({1, 1, 2, 8, 8});
  std::fill(p.f32(), p.f32() + p.numel(), 3.7f);
  HostTensor out = energy(p, 4);
  for (int j = 0; j < 4; ++j)
    EXPECT_EQ(out.f32()[j], 0.0f);
}

TEST(SpectralEnergyKernel, SingleModeFallsInItsBand) {
  // cos(2π·2y/8) + 5: |k| = 2, |k|_max = √32, ρ = 0.354 -> band 1 of 4;
  // cos(2π·4x/8): |k| = 4 (Nyquist, weight 1), ρ = 0.707 -> band 2 of 4.
  HostTensor p = zerosF32({1, 2, 1, 8, 8});
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) {
      p.f32()[y * 8 + x] = float(std::cos(2 * M_PI * 2 * y / 8) + 5.0);
      p.f32()[64 + y * 8 + x] = float(std::cos(2 * M_PI * 4 * x / 8));
    }
  HostTensor out = energy(p, 4);
  std::vector<float> want = {0, 1, 0, 0, 0, 0, 1, 0};
  for (int j = 0; j < 8; ++j)
    EXPECT_NEAR(out.f32()[j], want[size_t(j)], 1e-6) << j;
}

TEST(SpectralEnergyKernel, RejectsBadCalls) {
  HostTensor p = f32Tensor({1, 1, 1, 4, 4});
  expectErrorContaining([&] { energy(p, 0); },
                        "attribute 'bands' must be at least 1, got 0");
  HostTensor out = zerosF32({1, 1, 3});
  expectErrorContaining(
      [&] {
        call("spectral_energy", {{"bands", int64_t(4)}}, {&p}, {&out});
      },
      "output dim 2 is 3 but bands is 4");
  HostTensor flat = f32Tensor({1, 1, 4, 4});
  HostTensor out4 = zerosF32({1, 1, 4});
  expectErrorContaining(
      [&] {
        call("spectral_energy", {{"bands", int64_t(4)}}, {&flat}, {&out4});
      },
      "patches must have rank >= 5, got 4");
}

} // namespace
