//===- FourierLayerTest.cpp - The fused Fourier layer ---------------------===//
//
// spectral_conv with `skip` (fourier_layer / fourier_layer_save): against
// the composition evaluated in double (1e-5 relative), bit for bit across
// thread counts (the grouped and whole-batch forms, SpectralConv.cpp), the
// saved spectrum, the activated and derivative outputs, and the errors.
//
//===----------------------------------------------------------------------===//
#include "KernelHarness.h"
#include "SpectralReference.h"
#include "SpectralTestUtil.h"
#include "runtime/kernels/cpu/ElementwiseMath.h"
#include "test/unit/ExpectError.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

/// A layer's operands, random from `seed`: x [B, I, grid], w [I, O,
/// truncated modes], the skip weight [O, I] and bias [O].
struct LayerOperands {
  Buffer x, w, sw, sb;
  LayerOperands(int64_t B, int64_t I, int64_t O,
                const std::vector<int64_t> &grid,
                const std::vector<int64_t> &modes, uint32_t seed)
      : x(Buffer::make(DType::F32, concat({B, I}, grid))),
        w(Buffer::make(DType::C64, concat({I, O}, truncatedExtents(modes)))),
        sw(Buffer::make(DType::F32, {O, I})),
        sb(Buffer::make(DType::F32, {O})) {
    fillRandom(x, seed), fillRandom(w, seed + 1), fillRandom(sw, seed + 2),
        fillRandom(sb, seed + 3);
  }
};

/// spectral_conv with a skip product (fourier_layer) must equal
/// act(spectral_conv(x, w) + W x + b) with the skip in double.
void checkFourierLayer(const std::vector<int64_t> &grid,
                       const std::vector<int64_t> &modes,
                       const std::string &activation, bool bias, int threads,
                       int64_t B = 3, int64_t O = 4) {
  const int64_t I = 3, n = ref::prod(grid);
  const std::vector<int64_t> ts = truncatedExtents(modes);
  LayerOperands ops(B, I, O, grid, modes, 21);
  Buffer &x = ops.x, &w = ops.w, &sw = ops.sw, &sb = ops.sb;
  Buffer conv = Buffer::make(DType::F32, concat({B, O}, grid)), y = conv;
  runKernel("spectral_conv", {{"modes", modes}}, {&x, &w}, {&conv}, threads);
  std::vector<Buffer *> ins{&x, &w, &sw};
  if (bias)
    ins.push_back(&sb);
  runKernel(
      "spectral_conv",
      {{"modes", modes}, {"skip", int64_t(1)}, {"activation", activation}}, ins,
      {&y}, threads);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t p = 0; p < n; ++p) {
        double v = conv.data[(b * O + o) * n + p] + (bias ? sb.data[o] : 0.0);
        for (int64_t i = 0; i < I; ++i)
          v += double(sw.data[o * I + i]) * x.data[(b * I + i) * n + p];
        double want = activated(activation, v);
        ASSERT_NEAR(y.data[(b * O + o) * n + p], want,
                    1e-5 * std::max(1.0, std::abs(want)))
            << "b " << b << " o " << o << " point " << p;
      }
}

TEST(FourierLayer, GeluMatchesComposition2DDirectDft) {
  checkFourierLayer({16, 16}, {4, 5}, "gelu", true, 2);
}
TEST(FourierLayer, OneKeptLastModeHasNoOddBins) {
  checkFourierLayer({8, 8}, {2, 1}, "gelu", true, 3);
}
TEST(FourierLayer, NoBiasMatchesComposition2DFftw) {
  checkFourierLayer({40, 40}, {4, 17}, "gelu", false, 2);
}
TEST(FourierLayer, TanhGeluMatchesComposition1D) {
  checkFourierLayer({300}, {7}, "gelu_tanh", true, 2);
}
TEST(FourierLayer, OneDimensionalEpilogueBeyondTheFirstBlock) {
  // 300 lines per batch element: the second 256-line block's epilogue at an
  // offset inside y_b (whole batch elements per thread, 2 on 2 threads).
  checkFourierLayer({16}, {5}, "gelu", true, 2, 2, 300);
}
TEST(FourierLayer, StreamedSkipMatchesComposition) {
  // 128^2 grids, 32 column blocks per element: with GELU each block is
  // activated in the grouped form's scratch and copied out with streaming
  // stores, without it the skip product streams it out.
  checkFourierLayer({128, 128}, {4, 5}, "gelu", true, 1, 2, 16);
  checkFourierLayer({128, 128}, {4, 5}, "none", true, 1, 2, 16);
}
TEST(FourierLayer, LargeGridsRunTheWholeBatchForm) {
  // 17 x 256^2 floats per element pass the grouped form's 4 MiB of
  // per-thread scratch: the stages run over the whole batch.
  checkFourierLayer({256, 256}, {4, 5}, "gelu", true, 2, 2, 17);
}
TEST(FourierLayer, FewerBatchElementsThanThreads) {
  checkFourierLayer({16, 16}, {4, 5}, "gelu", true, 3, 1);
}
TEST(FourierLayer, NoActivationMatchesComposition3D) {
  checkFourierLayer({6, 4, 5}, {2, 2, 2}, "none", true, 1);
}

/// The fused layer on 1 to 4 threads gives the same bits (2-D and 1-D
/// grids): with B = 4 that
/// is the grouped form with pairs (1 and 2 threads) and single elements (4)
/// and the whole-batch form (3 threads); few channels (the skip product
/// through cblas) and many (SmallGemm's AVX-512 kernel), with GELU (the
/// result activated in a scratch and copied out) and without (streamed out
/// by the skip product), saving the spectrum or not.
void checkThreadCounts(int64_t I, int64_t O, const std::string &act, bool save,
                       const std::vector<int64_t> &grid = {16, 16},
                       const std::vector<int64_t> &modes = {4, 4}) {
  SCOPED_TRACE(std::to_string(I) + " -> " + std::to_string(O) + " channels, " +
               act + (save ? ", saving the spectrum" : "") + ", " +
               std::to_string(grid.size()) + "-D");
  const int64_t B = 4;
  const std::vector<int64_t> ts = truncatedExtents(modes);
  LayerOperands ops(B, I, O, grid, modes, 25);
  Buffer &x = ops.x, &w = ops.w, &sw = ops.sw, &sb = ops.sb;
  std::vector<NamedAttr> attrs = {
      {"modes", modes}, {"skip", int64_t(1)}, {"activation", act}};
  if (save)
    attrs.push_back({"save_spectrum", int64_t(1)});
  Buffer first, firstSpectrum;
  for (int threads : {1, 2, 3, 4}) {
    Buffer y = Buffer::make(DType::F32, concat({B, O}, grid)),
           spectrum = Buffer::make(DType::C64, concat({B, I}, ts));
    std::vector<Buffer *> outs = {&y};
    if (save)
      outs.push_back(&spectrum);
    runKernel("spectral_conv", attrs, {&x, &w, &sw, &sb}, outs, threads);
    if (threads == 1) {
      first = y, firstSpectrum = spectrum;
      continue;
    }
    EXPECT_EQ(y.data, first.data) << threads << " threads";
    EXPECT_EQ(spectrum.data, firstSpectrum.data) << threads << " threads";
  }
}

TEST(FourierLayer, ThreadCountDoesNotChangeResults) {
  for (const char *act : {"gelu", "none"})
    for (bool save : {false, true}) {
      checkThreadCounts(3, 4, act, save);
      checkThreadCounts(16, 8, act, save);
      // 1-D: 300-point lines, the direct DFT's sgemm blocks of lines.
      checkThreadCounts(16, 8, act, save, {300}, {7});
    }
}

/// fourier_layer_save's kernel form (skip and save_spectrum together): y is
/// the skip-only layer's bit for bit, the spectrum spectral_conv's saved one.
void checkLayerSavesSpectrum(const std::vector<int64_t> &grid,
                             const std::vector<int64_t> &modes, int64_t B,
                             int threads) {
  const int64_t I = 3, O = 4;
  const std::vector<int64_t> ts = truncatedExtents(modes);
  LayerOperands ops(B, I, O, grid, modes, 31);
  Buffer &x = ops.x, &w = ops.w, &sw = ops.sw, &sb = ops.sb;
  Buffer y = Buffer::make(DType::F32, concat({B, O}, grid)), ys = y, conv = y;
  Buffer spectrum = Buffer::make(DType::C64, concat({B, I}, ts)),
         want = spectrum;
  std::vector<NamedAttr> attrs = {{"modes", modes}, {"skip", int64_t(1)}};
  runKernel("spectral_conv", attrs, {&x, &w, &sw, &sb}, {&y}, threads);
  attrs.push_back({"save_spectrum", int64_t(1)});
  runKernel("spectral_conv", attrs, {&x, &w, &sw, &sb}, {&ys, &spectrum},
            threads);
  runKernel("spectral_conv", {{"modes", modes}, {"save_spectrum", int64_t(1)}},
            {&x, &w}, {&conv, &want}, 1);
  EXPECT_EQ(ys.data, y.data);
  EXPECT_EQ(spectrum.data, want.data);
}

TEST(FourierLayer, SavedSpectrumLeavesTheLayerUnchanged) {
  checkLayerSavesSpectrum({16, 16}, {4, 5}, 4,
                          2); // whole batch elements per thread
  checkLayerSavesSpectrum({16, 16}, {4, 5}, 3, 2); // spread over the pool
  checkLayerSavesSpectrum({40}, {6}, 2, 1);        // 1-D lines
}

TEST(FourierLayer, BadSkipOperandsAreNamed) {
  Buffer x = Buffer::make(DType::F32, {1, 2, 8, 8});
  Buffer w = Buffer::make(DType::C64, {2, 3, 4, 2});
  Buffer y = Buffer::make(DType::F32, {1, 3, 8, 8});
  Buffer sw = Buffer::make(DType::F32, {2, 3}),
         sb = Buffer::make(DType::F32, {2});
  Buffer okW = Buffer::make(DType::F32, {3, 2});
  const std::vector<int64_t> modes{2, 2};
  expectError(
      [&] {
        runKernel("spectral_conv", {{"modes", modes}, {"skip", int64_t(1)}},
                  {&x, &w, &sw}, {&y});
      },
      "the skip weight must be [O = 3, I = 2], got [2, 3]");
  expectError(
      [&] {
        runKernel("spectral_conv", {{"modes", modes}, {"skip", int64_t(1)}},
                  {&x, &w, &okW, &sb}, {&y});
      },
      "the skip bias must be [O = 3], got [2]");
  expectError(
      [&] {
        runKernel(
            "spectral_conv",
            {{"modes", modes}, {"skip", int64_t(1)}, {"addend", int64_t(1)}},
            {&x, &w, &okW}, {&y});
      },
      "attributes 'addend' and 'skip' exclude each other");
  expectError(
      [&] {
        runKernel("spectral_conv", {{"modes", modes}, {"skip", int64_t(1)}},
                  {&x, &w}, {&y});
      },
      "expected 3 or 4 inputs and 1 outputs, got 2 and 1");
}

/// activated_output: the first output stays the pre-activation, the
/// skip form's bits, and the last is geluF32 of it, bit for bit; on 1 to 4
/// threads (grouped and whole-batch forms, see checkThreadCounts), few and
/// many channels, saving the spectrum or not, exact and tanh GELU.
void checkActivatedOutput(int64_t I, int64_t O, bool save, bool tanh,
                          bool derivative = false) {
  SCOPED_TRACE(std::to_string(I) + " -> " + std::to_string(O) + " channels" +
               (save ? ", saving the spectrum" : "") + (tanh ? ", tanh" : "") +
               (derivative ? ", derivative output" : ""));
  const int64_t B = 4;
  LayerOperands ops(B, I, O, {16, 16}, {4, 4}, 31);
  Buffer &x = ops.x, &w = ops.w, &sw = ops.sw, &sb = ops.sb;
  std::vector<NamedAttr> attrs = {{"modes", std::vector<int64_t>{4, 4}},
                                  {"skip", int64_t(1)}};
  if (save)
    attrs.push_back({"save_spectrum", int64_t(1)});
  Buffer want = Buffer::make(DType::F32, {B, O, 16, 16}),
         wantSpectrum = Buffer::make(DType::C64, {B, I, 8, 4});
  std::vector<Buffer *> outs = {&want};
  if (save)
    outs.push_back(&wantSpectrum);
  runKernel("spectral_conv", attrs, {&x, &w, &sw, &sb}, outs, 1);
  Buffer wantA = want;
  const int64_t n = int64_t(want.data.size());
  geluF32(want.data.data(), wantA.data.data(), n, tanh);
  attrs.push_back(
      {"activated_output", std::string(tanh ? "gelu_tanh" : "gelu")});
  if (derivative) { // y = GELU'(z): what geluGradF32 multiplies dy by
    std::vector<float> ones(size_t(n), 1.0f);
    geluGradF32(want.data.data(), ones.data(), want.data.data(), n, tanh);
    attrs.push_back({"derivative_output", int64_t(1)});
  }
  for (int threads : {1, 2, 3, 4}) {
    Buffer y = want, a = want, spectrum = wantSpectrum;
    std::fill(y.data.begin(), y.data.end(), 7.0f);
    std::fill(a.data.begin(), a.data.end(), 7.0f);
    std::vector<Buffer *> got = {&y};
    if (save)
      got.push_back(&spectrum);
    got.push_back(&a);
    runKernel("spectral_conv", attrs, {&x, &w, &sw, &sb}, got, threads);
    EXPECT_EQ(y.data, want.data) << threads << " threads: the pre-activation";
    EXPECT_EQ(a.data, wantA.data)
        << threads << " threads: the activated output";
    EXPECT_EQ(spectrum.data, wantSpectrum.data)
        << threads << " threads: the spectrum";
  }
}

TEST(FourierLayer, ActivatedOutputIsTheGeluOfThePreActivation) {
  for (bool save : {false, true}) {
    checkActivatedOutput(3, 4, save, false);
    checkActivatedOutput(16, 8, save, true);
  }
  checkActivatedOutput(16, 8, true, false);
  checkActivatedOutput(16, 8, true, false, /*derivative=*/true);
  checkActivatedOutput(3, 4, false, true, /*derivative=*/true);
}

TEST(FourierLayer, BadActivatedOutputIsNamed) {
  Buffer x = Buffer::make(DType::F32, {1, 2, 8, 8});
  Buffer w = Buffer::make(DType::C64, {2, 3, 4, 2});
  Buffer y = Buffer::make(DType::F32, {1, 3, 8, 8}), a = y, small = x;
  Buffer sw = Buffer::make(DType::F32, {3, 2});
  const std::vector<int64_t> modes{2, 2};
  const NamedAttr gelu{"activated_output", std::string("gelu")};
  expectError(
      [&] {
        runKernel("spectral_conv", {{"modes", modes}, gelu}, {&x, &w},
                  {&y, &a});
      },
      "attribute 'activated_output' needs 'skip' and activation 'none'");
  expectError(
      [&] {
        runKernel("spectral_conv",
                  {{"modes", modes},
                   {"skip", int64_t(1)},
                   {"activation", std::string("gelu")},
                   gelu},
                  {&x, &w, &sw}, {&y, &a});
      },
      "attribute 'activated_output' needs 'skip' and activation 'none'");
  expectError(
      [&] {
        runKernel("spectral_conv",
                  {{"modes", modes},
                   {"skip", int64_t(1)},
                   {"activated_output", std::string("elu")}},
                  {&x, &w, &sw}, {&y, &a});
      },
      "attribute 'activated_output' must be none, gelu or gelu_tanh, got "
      "'elu'");
  expectError(
      [&] {
        runKernel("spectral_conv",
                  {{"modes", modes}, {"skip", int64_t(1)}, gelu}, {&x, &w, &sw},
                  {&y});
      },
      "expected 3 or 4 inputs and 2 outputs, got 3 and 1");
  expectError(
      [&] {
        runKernel("spectral_conv",
                  {{"modes", modes}, {"skip", int64_t(1)}, gelu}, {&x, &w, &sw},
                  {&y, &small});
      },
      "the activated output must have the output's shape [1, 3, 8, 8], got [1, "
      "2, 8, 8]");
  expectError(
      [&] {
        runKernel("spectral_conv",
                  {{"modes", modes},
                   {"skip", int64_t(1)},
                   {"derivative_output", int64_t(1)}},
                  {&x, &w, &sw}, {&y});
      },
      "attribute 'derivative_output' needs 'activated_output'");
}

} // namespace
