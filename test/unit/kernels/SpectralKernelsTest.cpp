//===- SpectralKernelsTest.cpp - FFTW spectral kernels vs direct DFTs -----===//
//
// Tolerances: float FFTs of n points have relative error ~ eps_f32 * log2(n)
// (~1e-6 for the grids here) against the double-precision direct transforms;
// 2e-5 of the largest reference magnitude leaves an order of magnitude slack.
//
//===----------------------------------------------------------------------===//
#include "KernelHarness.h"
#include "SpectralReference.h"
#include "SpectralTestUtil.h"
#include "runtime/kernels/cpu/Reference.h"
#include "runtime/support/Status.h"
#include "test/unit/ExpectError.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

constexpr double kRelTol = 2e-5;

template <typename T> double maxAbs(const std::vector<T> &v) {
  double m = 0;
  for (const T &x : v)
    m = std::max(m, double(std::abs(x)));
  return m;
}

/// Row r of a float buffer holding rows of `n` values, as doubles.
std::vector<double> realRow(const Buffer &b, int64_t r, int64_t n) {
  return std::vector<double>(b.data.begin() + r * n, b.data.begin() + (r + 1) * n);
}
std::vector<ref::cd> complexRow(Buffer &b, int64_t r, int64_t n) {
  std::vector<ref::cd> out(n);
  for (int64_t i = 0; i < n; ++i)
    out[i] = ref::cd(b.complex()[r * n + i]);
  return out;
}

struct FftCase {
  std::vector<int64_t> grid;
  std::string norm;
};

/// Readable parameter printing in test logs.
void PrintTo(const FftCase &c, std::ostream *os) {
  *os << "grid " << ::testing::PrintToString(c.grid) << ", norm " << c.norm;
}

class RealFftTest : public ::testing::TestWithParam<FftCase> {};

TEST_P(RealFftTest, ForwardMatchesDirectDft) {
  const FftCase &c = GetParam();
  const int64_t rows = 3, n = ref::prod(c.grid), h = ref::prod(ref::halfShape(c.grid));
  Buffer x = Buffer::make(DType::F32, concat({rows}, c.grid));
  Buffer y = Buffer::make(DType::C64, concat({rows}, ref::halfShape(c.grid)));
  fillRandom(x, 1);
  runKernel("rfft", {{"ndims", int64_t(c.grid.size())}, {"norm", c.norm}}, {&x}, {&y});
  double scale = c.norm == "backward" ? 1.0 : c.norm == "ortho" ? 1.0 / std::sqrt(n) : 1.0 / n;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<ref::cd> want = ref::rfftn(realRow(x, r, n), c.grid);
    double tol = kRelTol * maxAbs(want) * scale;
    for (int64_t k = 0; k < h; ++k)
      ASSERT_NEAR(std::abs(ref::cd(y.complex()[r * h + k]) - want[k] * scale), 0.0, tol)
          << "row " << r << " mode " << k;
  }
}

TEST_P(RealFftTest, InverseMatchesNumpySemanticsOnNonHermitianInput) {
  const FftCase &c = GetParam();
  const int64_t rows = 2, n = ref::prod(c.grid), h = ref::prod(ref::halfShape(c.grid));
  Buffer X = Buffer::make(DType::C64, concat({rows}, ref::halfShape(c.grid)));
  Buffer x = Buffer::make(DType::F32, concat({rows}, c.grid));
  fillRandom(X, 2);
  Buffer before = X;
  runKernel("irfft", {{"ndims", int64_t(c.grid.size())}, {"norm", c.norm}}, {&X}, {&x});
  EXPECT_EQ(X.data, before.data) << "irfft must not modify its input";
  double scale = c.norm == "backward" ? 1.0 : c.norm == "ortho" ? std::sqrt(n) : double(n);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> want = ref::irfftn(complexRow(X, r, h), c.grid);
    double tol = kRelTol * maxAbs(want) * scale;
    for (int64_t i = 0; i < n; ++i)
      ASSERT_NEAR(x.data[r * n + i], want[i] * scale, tol) << "row " << r << " point " << i;
  }
}

/// "16_backward", "7x9_forward": readable test names.
std::string joinDims(const std::vector<int64_t> &v) {
  std::string s;
  for (int64_t d : v)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

std::string fftCaseName(const ::testing::TestParamInfo<FftCase> &info) {
  return joinDims(info.param.grid) + "_" + info.param.norm;
}

INSTANTIATE_TEST_SUITE_P(Grids, RealFftTest,
                         ::testing::Values(FftCase{{16}, "backward"}, FftCase{{15}, "ortho"},
                                           FftCase{{8, 6}, "backward"}, FftCase{{7, 9}, "forward"},
                                           FftCase{{5, 4, 6}, "backward"},
                                           FftCase{{3, 5, 7}, "ortho"}),
                         fftCaseName);

struct TruncCase {
  std::vector<int64_t> grid, modes;
};

void PrintTo(const TruncCase &c, std::ostream *os) {
  *os << "grid " << ::testing::PrintToString(c.grid) << ", modes "
      << ::testing::PrintToString(c.modes);
}

class CornerTest : public ::testing::TestWithParam<TruncCase> {};

TEST_P(CornerTest, TruncateKeepsExactlyTheCornerModes) {
  const TruncCase &c = GetParam();
  std::vector<int64_t> hs = ref::halfShape(c.grid), ts = c.modes;
  for (size_t a = 0; a + 1 < ts.size(); ++a)
    ts[a] *= 2;
  Buffer half = Buffer::make(DType::C64, concat({2, 3}, hs));
  Buffer trunc = Buffer::make(DType::C64, concat({2, 3}, ts));
  fillRandom(half, 3);
  runKernel("spectral_truncate", {{"modes", c.modes}}, {&half}, {&trunc});
  Buffer back = Buffer::make(DType::C64, concat({2, 3}, hs));
  fillRandom(back, 4); // pad must overwrite everything
  runKernel("spectral_pad", {{"modes", c.modes}}, {&trunc}, {&back});
  const int64_t H = ref::prod(hs), T = ref::prod(ts);
  int64_t keptCount = 0;
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t kf = 0; kf < H; ++kf) {
      std::vector<int64_t> k = ref::unflatten(kf, hs);
      if (ref::kept(k, c.grid, c.modes)) {
        ++keptCount;
        EXPECT_EQ(trunc.complex()[r * T + ref::truncPosition(k, c.grid, c.modes)],
                  half.complex()[r * H + kf]);
        EXPECT_EQ(back.complex()[r * H + kf], half.complex()[r * H + kf]);
      } else {
        EXPECT_EQ(back.complex()[r * H + kf], std::complex<float>(0.0f));
      }
    }
  EXPECT_EQ(keptCount, 6 * T) << "every truncated slot maps to exactly one kept mode";
}

INSTANTIATE_TEST_SUITE_P(
    Modes, CornerTest,
    ::testing::Values(TruncCase{{16}, {5}}, TruncCase{{16}, {9}} /* m = N/2+1 on rfft axis */,
                      TruncCase{{8, 8}, {4, 5}} /* both limits */, TruncCase{{9, 7}, {3, 2}},
                      TruncCase{{6, 8, 10}, {3, 2, 6}}, TruncCase{{7, 5, 4}, {1, 2, 3}}),
    [](const ::testing::TestParamInfo<TruncCase> &info) {
      return "grid" + joinDims(info.param.grid) + "_modes" + joinDims(info.param.modes);
    });

TEST(SpectralContract, MatchesLoopNest) {
  const int64_t B = 3, I = 4, O = 5, K1 = 6, K2 = 3, K = K1 * K2;
  Buffer x = Buffer::make(DType::C64, {B, I, K1, K2});
  Buffer w = Buffer::make(DType::C64, {I, O, K1, K2});
  Buffer y = Buffer::make(DType::C64, {B, O, K1, K2});
  fillRandom(x, 5), fillRandom(w, 6);
  runKernel("spectral_contract", {}, {&x, &w}, {&y}, 3);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t k = 0; k < K; ++k) {
        ref::cd acc = 0;
        for (int64_t i = 0; i < I; ++i)
          acc += ref::cd(x.complex()[(b * I + i) * K + k]) * ref::cd(w.complex()[(i * O + o) * K + k]);
        EXPECT_NEAR(std::abs(ref::cd(y.complex()[(b * O + o) * K + k]) - acc), 0.0, 1e-5);
      }
}

/// spectral_conv must equal irfft(pad(contract(truncate(rfft(x))))) computed in double.
void checkSpectralConv(const std::vector<int64_t> &grid, const std::vector<int64_t> &modes,
                       int threads) {
  const int64_t B = 2, I = 3, O = 2, n = ref::prod(grid);
  std::vector<int64_t> hs = ref::halfShape(grid), ts = modes;
  for (size_t a = 0; a + 1 < ts.size(); ++a)
    ts[a] *= 2;
  const int64_t H = ref::prod(hs), T = ref::prod(ts);
  Buffer x = Buffer::make(DType::F32, concat({B, I}, grid));
  Buffer w = Buffer::make(DType::C64, concat({I, O}, ts));
  Buffer y = Buffer::make(DType::F32, concat({B, O}, grid));
  fillRandom(x, 7), fillRandom(w, 8);
  runKernel("spectral_conv", {{"modes", modes}}, {&x, &w}, {&y}, threads);
  for (int64_t b = 0; b < B; ++b) {
    std::vector<std::vector<ref::cd>> xf;
    for (int64_t i = 0; i < I; ++i)
      xf.push_back(ref::rfftn(realRow(x, b * I + i, n), grid));
    for (int64_t o = 0; o < O; ++o) {
      std::vector<ref::cd> spec(H, 0.0);
      for (int64_t kf = 0; kf < H; ++kf) {
        std::vector<int64_t> k = ref::unflatten(kf, hs);
        if (!ref::kept(k, grid, modes))
          continue;
        int64_t t = ref::truncPosition(k, grid, modes);
        for (int64_t i = 0; i < I; ++i)
          spec[kf] += xf[i][kf] * ref::cd(w.complex()[(i * O + o) * T + t]);
      }
      std::vector<double> want = ref::irfftn(spec, grid);
      double tol = kRelTol * std::max(1.0, maxAbs(want));
      for (int64_t p = 0; p < n; ++p)
        ASSERT_NEAR(y.data[(b * O + o) * n + p], want[p], tol) << "b " << b << " o " << o;
    }
  }
}

TEST(SpectralConv, MatchesComposedReference1D) { checkSpectralConv({16}, {5}, 2); }
TEST(SpectralConv, MatchesComposedReference2DEvenAtLimits) { checkSpectralConv({8, 8}, {4, 5}, 2); }
TEST(SpectralConv, MatchesComposedReference2DOdd) { checkSpectralConv({9, 7}, {3, 3}, 3); }
TEST(SpectralConv, MatchesComposedReference3D) { checkSpectralConv({6, 4, 5}, {2, 2, 2}, 1); }

TEST(SpectralConv, DeterministicForAThreadCount) {
  Buffer x = Buffer::make(DType::F32, {4, 3, 16, 16});
  Buffer w = Buffer::make(DType::C64, {3, 3, 8, 4});
  fillRandom(x, 9), fillRandom(w, 10);
  Buffer y1 = Buffer::make(DType::F32, {4, 3, 16, 16}), y2 = y1;
  runKernel("spectral_conv", {{"modes", std::vector<int64_t>{4, 4}}}, {&x, &w}, {&y1}, 2);
  runKernel("spectral_conv", {{"modes", std::vector<int64_t>{4, 4}}}, {&x, &w}, {&y2}, 2);
  EXPECT_EQ(y1.data, y2.data);
}

/// spectral_conv with an addend and an activation (spectral_conv_add) must
/// equal act(spectral_conv(x, w) + a), the activation evaluated in double
/// (exact: x Φ(x) with std::erf; tanh: PyTorch's formula; `activated`). Grids cover the
/// last axis by direct DFT (m <= 16) and by FFTW, 1-D lines in one and in
/// several 256-line blocks.
void checkSpectralConvAdd(const std::vector<int64_t> &grid, const std::vector<int64_t> &modes,
                          const std::string &activation, int threads, int64_t B = 2) {
  const int64_t I = 3, O = 4;
  const std::vector<int64_t> ts = truncatedExtents(modes);
  Buffer x = Buffer::make(DType::F32, concat({B, I}, grid));
  Buffer w = Buffer::make(DType::C64, concat({I, O}, ts));
  Buffer a = Buffer::make(DType::F32, concat({B, O}, grid));
  Buffer conv = Buffer::make(DType::F32, concat({B, O}, grid)), y = conv;
  fillRandom(x, 17), fillRandom(w, 18), fillRandom(a, 19);
  runKernel("spectral_conv", {{"modes", modes}}, {&x, &w}, {&conv}, threads);
  runKernel("spectral_conv",
            {{"modes", modes}, {"addend", int64_t(1)}, {"activation", activation}},
            {&x, &w, &a}, {&y}, threads);
  for (size_t i = 0; i < y.data.size(); ++i) {
    double want = activated(activation, double(conv.data[i]) + double(a.data[i]));
    ASSERT_NEAR(y.data[i], want, 1e-5 * std::max(1.0, std::abs(want))) << "element " << i;
  }
}

TEST(SpectralConvAdd, GeluMatchesComposition2DDirectDft) {
  checkSpectralConvAdd({16, 16}, {4, 5}, "gelu", 2);
}
TEST(SpectralConvAdd, GeluMatchesComposition2DFftw) {
  checkSpectralConvAdd({40, 40}, {4, 17}, "gelu", 3);
}
TEST(SpectralConvAdd, TanhGeluMatchesComposition1D) {
  checkSpectralConvAdd({300}, {7}, "gelu_tanh", 2);
}
TEST(SpectralConvAdd, OneDimensionalEpilogueBeyondTheFirstBlock) {
  // 70 x 4 = 280 lines: two 256-line blocks, the second's epilogue at an
  // offset, on 1 and 3 threads.
  checkSpectralConvAdd({24}, {5}, "gelu", 1, 70);
  checkSpectralConvAdd({24}, {5}, "gelu", 3, 70);
}
TEST(SpectralConvAdd, AddendAloneMatchesComposition3D) {
  checkSpectralConvAdd({6, 4, 5}, {2, 2, 2}, "none", 1);
}

TEST(SpectralConvAdd, BadAddendAndActivationAreNamed) {
  Buffer x = Buffer::make(DType::F32, {1, 2, 8, 8});
  Buffer w = Buffer::make(DType::C64, {2, 3, 4, 2});
  Buffer y = Buffer::make(DType::F32, {1, 3, 8, 8});
  Buffer a = Buffer::make(DType::F32, {1, 2, 8, 8});
  const std::vector<int64_t> modes{2, 2};
  expectError([&] {
    runKernel("spectral_conv", {{"modes", modes}, {"addend", int64_t(1)}}, {&x, &w, &a}, {&y});
  }, "the addend must have the output's shape [1, 3, 8, 8], got [1, 2, 8, 8]");
  expectError([&] {
    runKernel("spectral_conv", {{"modes", modes}, {"activation", std::string("relu")}},
              {&x, &w}, {&y});
  }, "attribute 'activation' must be none, gelu or gelu_tanh, got 'relu'");
  expectError([&] {
    runKernel("spectral_conv", {{"modes", modes}, {"addend", int64_t(1)}}, {&x, &w}, {&y});
  }, "expected 3 inputs and 1 outputs, got 2 and 1");
}

TEST(SpectralErrors, ModesBeyondTheGridAreRejected) {
  Buffer x = Buffer::make(DType::F32, {1, 1, 8, 8});
  Buffer w = Buffer::make(DType::C64, {1, 1, 10, 3});
  Buffer y = Buffer::make(DType::F32, {1, 1, 8, 8});
  expectError([&] { runKernel("spectral_conv", {{"modes", std::vector<int64_t>{5, 3}}}, {&x, &w}, {&y}); },
              "modes[0] = 5 must be in [1, N/2 = 4] so that 2m <= N (N = 8)");
  Buffer w2 = Buffer::make(DType::C64, {1, 1, 4, 6});
  expectError([&] { runKernel("spectral_conv", {{"modes", std::vector<int64_t>{2, 6}}}, {&x, &w2}, {&y}); },
              "modes[1] = 6 must be in [1, N/2+1 = 5] on the rfft axis (N = 8)");
}

TEST(SpectralErrors, BadAttributesAndShapesAreNamed) {
  Buffer x = Buffer::make(DType::F32, {2, 8});
  Buffer y = Buffer::make(DType::C64, {2, 5});
  expectError([&] { runKernel("rfft", {{"norm", std::string("backward")}}, {&x}, {&y}); },
              "missing integer attribute 'ndims'");
  expectError([&] { runKernel("rfft", {{"ndims", int64_t(1)}, {"norm", std::string("unit")}}, {&x}, {&y}); },
              "unknown norm 'unit'");
  Buffer wrong = Buffer::make(DType::C64, {2, 4});
  expectError([&] { runKernel("rfft", {{"ndims", int64_t(1)}}, {&x}, {&wrong}); },
              "spectrum shape does not match grid");
  Buffer xi = Buffer::make(DType::F32, {1, 2, 8});
  Buffer wi = Buffer::make(DType::C64, {3, 1, 3});
  Buffer yi = Buffer::make(DType::F32, {1, 1, 8});
  expectError([&] { runKernel("spectral_conv", {{"modes", std::vector<int64_t>{3}}}, {&xi, &wi}, {&yi}); },
              "weight must be [I = 2, O, 3] for modes 3");
}

} // namespace
