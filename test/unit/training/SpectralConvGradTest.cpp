//===- SpectralConvGradTest.cpp - spectral_conv_grad_{input,weight} -------===//
//
// For 1D/2D/3D grids, odd and even, with modes inside and at the limits
// (2m = N on full axes, m = N/2 + 1 on the rfft axis, i.e. the Nyquist mode
// kept when N_d is even):
// 1. the double forward of SpectralGradReference.h equals the spectral_conv
//    kernel (2e-5 of the largest |y|, the f32 FFT tolerance of
//    SpectralKernelsTest), so the finite differences below differentiate
//    what the runtime computes;
// 2. the reference gradients equal central differences of L = sum r y in
//    double, every element of x and the real and imaginary part of every
//    element of W separately (PyTorch's convention dL/dRe + i dL/dIm). L is
//    linear in x and in W, so the differences are exact up to rounding
//    (~1e-16 |L| / h, h = 1e-6): 1e-6 of the largest gradient;
// 3. the f32 kernels equal the references: two f32 FFTs (~eps log2 N
//    relative) and f32 sums over <= 3 channels or samples; 5e-5 of the
//    largest |gradient| leaves a wide margin;
// 4. results are bit-identical for a given thread count and agree across
//    thread counts 1/2/3 (the FFT row split follows the pool size);
// 5. the fused layer gradient (skip = 1, activation: fourier_layer_grad)
//    equals spectral_conv_grad -> linear_grad_input (accumulating) ->
//    gelu_grad bit for bit: the same sums added in the same order;
// 6. with skip_params = 1 (fourier_layer_grad_params) dx and dW stay the
//    same bits and the skip's weight and bias gradients equal double sums
//    of dy x^T and dy to (B S + 2) u of their terms' magnitudes, the same
//    bits on 1 to 3 threads, and linear_grad_params(x, dy)'s bits at B = 16
//    (kLinearGradSlabs: that kernel's slabs are then the batch elements)
//    with both channel counts >= 8 on AVX-512 (WeightGemm's kernel path).
//
//===----------------------------------------------------------------------===//
#include "SpectralGradReference.h"
#include "TrainingTestSupport.h"
#include "runtime/kernels/cpu/WeightGemm.h"
#include "runtime/kernels/cpu/grad/LinearGrad.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

/// One spectral_conv problem.
struct ConvCase {
  std::vector<int64_t> grid, modes;
  ref::ConvDims dims;
};

std::vector<int64_t> concat(std::vector<int64_t> a,
                            const std::vector<int64_t> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Truncated extents 2m_1.., m_d.
std::vector<int64_t> truncShape(const std::vector<int64_t> &modes) {
  std::vector<int64_t> s = modes;
  for (size_t a = 0; a + 1 < s.size(); ++a)
    s[a] *= 2;
  return s;
}

/// The operands of a case in f32 / complex<f32>, random.
struct ConvOperands {
  HostTensor x, w, dy;
  ConvOperands(const ConvCase &c, uint32_t seed)
      : x(randomTensor(DType::F32, concat({c.dims.batch, c.dims.in}, c.grid),
                       seed)),
        w(randomTensor(DType::C64,
                       concat({c.dims.in, c.dims.out}, truncShape(c.modes)),
                       seed + 1)),
        dy(randomTensor(DType::F32, concat({c.dims.batch, c.dims.out}, c.grid),
                        seed + 2)) {}
};

/// Expects |got - want| <= tol * max|want| elementwise.
void expectClose(const HostTensor &got, const std::vector<double> &want,
                 double tol, const std::string &what) {
  ASSERT_EQ(size_t(realCount(got)), want.size()) << what;
  double bound = tol * maxAbs(want);
  for (size_t j = 0; j < want.size(); ++j)
    ASSERT_NEAR(got.f32()[j], want[j], bound) << what << " real " << j;
}

class SpectralConvGrad : public ::testing::TestWithParam<ConvCase> {};

TEST_P(SpectralConvGrad, ForwardReferenceMatchesTheKernel) {
  const ConvCase &c = GetParam();
  ConvOperands ops(c, 1);
  HostTensor y(DType::F32, ops.dy.shape);
  runKernel("spectral_conv", {{"modes", c.modes}}, {&ops.x, &ops.w}, {&y}, 2);
  ref::DirectDft dft(c.grid);
  std::vector<int64_t> map = dft.truncatedModes(c.modes);
  expectClose(
      y, ref::spectralConv(dft, map, realsOf(ops.x), realsOf(ops.w), c.dims),
      2e-5, "y");
}

TEST_P(SpectralConvGrad, ReferencesMatchFiniteDifferences) {
  const ConvCase &c = GetParam();
  ConvOperands ops(c, 2);
  ref::DirectDft dft(c.grid);
  std::vector<int64_t> map = dft.truncatedModes(c.modes);
  std::vector<double> x = realsOf(ops.x), w = realsOf(ops.w),
                      r = realsOf(ops.dy);
  auto loss = [&] { return dot(r, ref::spectralConv(dft, map, x, w, c.dims)); };
  expectMatchesFiniteDifferences(
      x, ref::spectralConvGradInput(dft, map, r, w, c.dims), loss, "dx");
  // Even reals are real parts, odd ones imaginary parts: both are checked.
  expectMatchesFiniteDifferences(
      w, ref::spectralConvGradWeight(dft, map, x, r, c.dims), loss, "dW");
}

TEST_P(SpectralConvGrad, KernelsMatchReferences) {
  const ConvCase &c = GetParam();
  ConvOperands ops(c, 3);
  HostTensor dx(DType::F32, ops.x.shape), dw(DType::C64, ops.w.shape);
  runKernel("spectral_conv_grad_input", {{"modes", c.modes}}, {&ops.dy, &ops.w},
            {&dx}, 2);
  runKernel("spectral_conv_grad_weight", {{"modes", c.modes}},
            {&ops.x, &ops.dy}, {&dw}, 2);
  ref::DirectDft dft(c.grid);
  std::vector<int64_t> map = dft.truncatedModes(c.modes);
  expectClose(dx,
              ref::spectralConvGradInput(dft, map, realsOf(ops.dy),
                                         realsOf(ops.w), c.dims),
              5e-5, "dx");
  expectClose(dw,
              ref::spectralConvGradWeight(dft, map, realsOf(ops.x),
                                          realsOf(ops.dy), c.dims),
              5e-5, "dW");
}

TEST_P(SpectralConvGrad, DeterministicAndThreadCountStable) {
  const ConvCase &c = GetParam();
  ConvOperands ops(c, 4);
  auto run = [&](int threads, HostTensor &dx, HostTensor &dw) {
    runKernel("spectral_conv_grad_input", {{"modes", c.modes}},
              {&ops.dy, &ops.w}, {&dx}, threads);
    runKernel("spectral_conv_grad_weight", {{"modes", c.modes}},
              {&ops.x, &ops.dy}, {&dw}, threads);
  };
  HostTensor dx1(DType::F32, ops.x.shape), dw1(DType::C64, ops.w.shape);
  run(1, dx1, dw1);
  for (int threads : {1, 2, 3}) {
    HostTensor dx(DType::F32, ops.x.shape), dw(DType::C64, ops.w.shape);
    HostTensor dx2(DType::F32, ops.x.shape), dw2(DType::C64, ops.w.shape);
    run(threads, dx, dw), run(threads, dx2, dw2);
    expectBitIdentical(dx, dx2, "dx, same thread count");
    expectBitIdentical(dw, dw2, "dW, same thread count");
    expectClose(dx, realsOf(dx1), 1e-6, "dx across thread counts");
    expectClose(dw, realsOf(dw1), 1e-6, "dW across thread counts");
  }
}

// spectral_conv_grad (both gradients, dy transformed once) runs the same
// transforms and contractions as the pair, so it must agree bit for bit.
TEST_P(SpectralConvGrad, FusedKernelEqualsThePair) {
  const ConvCase &c = GetParam();
  ConvOperands ops(c, 5);
  HostTensor dx(DType::F32, ops.x.shape), dw(DType::C64, ops.w.shape);
  runKernel("spectral_conv_grad_input", {{"modes", c.modes}}, {&ops.dy, &ops.w},
            {&dx}, 2);
  runKernel("spectral_conv_grad_weight", {{"modes", c.modes}},
            {&ops.x, &ops.dy}, {&dw}, 2);
  for (int threads : {1, 3}) {
    HostTensor fdx(DType::F32, ops.x.shape), fdw(DType::C64, ops.w.shape);
    runKernel("spectral_conv_grad", {{"modes", c.modes}},
              {&ops.x, &ops.dy, &ops.w}, {&fdx, &fdw}, threads);
    expectBitIdentical(fdx, dx, "fused dx");
    expectBitIdentical(fdw, dw, "fused dW");
  }
}

// spectral_conv with save_spectrum = 1 returns truncate(rfft(x)) as a second
// output, unchanged y; spectral_conv_grad with saved_spectrum = 1 reads it
// instead of x. Same transforms, same order: bit-identical results.
TEST_P(SpectralConvGrad, SavedSpectrumGivesIdenticalResults) {
  const ConvCase &c = GetParam();
  ConvOperands ops(c, 6);
  std::vector<int64_t> specShape =
      concat({c.dims.batch, c.dims.in}, truncShape(c.modes));
  HostTensor y(DType::F32, ops.dy.shape), y2(DType::F32, ops.dy.shape),
      spectrum(DType::C64, specShape);
  runKernel("spectral_conv", {{"modes", c.modes}}, {&ops.x, &ops.w}, {&y}, 2);
  runKernel("spectral_conv", {{"modes", c.modes}, {"save_spectrum", int64_t(1)}},
            {&ops.x, &ops.w}, {&y2, &spectrum}, 3);
  expectBitIdentical(y2, y, "y with the spectrum saved");
  HostTensor dx(DType::F32, ops.x.shape), dw(DType::C64, ops.w.shape);
  HostTensor sdx(DType::F32, ops.x.shape), sdw(DType::C64, ops.w.shape);
  runKernel("spectral_conv_grad", {{"modes", c.modes}},
            {&ops.x, &ops.dy, &ops.w}, {&dx, &dw}, 2);
  runKernel("spectral_conv_grad",
            {{"modes", c.modes}, {"saved_spectrum", int64_t(1)}},
            {&spectrum, &ops.dy, &ops.w}, {&sdx, &sdw}, 1);
  expectBitIdentical(sdx, dx, "dx from the saved spectrum");
  expectBitIdentical(sdw, dw, "dW from the saved spectrum");
}

/// |g - w| <= (terms + 2) u sum |terms| elementwise, `mag` holding the
/// sums of the terms' magnitudes.
void expectSumsClose(const std::vector<double> &g, const std::vector<double> &w,
                     const std::vector<double> &mag, double terms,
                     const char *what) {
  ASSERT_EQ(g.size(), w.size());
  for (size_t i = 0; i < g.size(); ++i)
    ASSERT_NEAR(g[i], w[i], (terms + 2) * std::ldexp(1.0, -24) * mag[i] + 1e-30)
        << what << " element " << i;
}

/// The params form (6. above): dx, dW as the layer gradient's (`dz`, `dw`),
/// the skip's gradients as linear_grad_params', on 1 to 3 threads, from x
/// and from the saved spectrum.
void checkSkipParams(const ConvCase &c, const ConvOperands &ops,
                     const HostTensor &ws, const HostTensor &pre,
                     const HostTensor &spectrum, const HostTensor &dz,
                     const HostTensor &dw) {
  const int64_t B = c.dims.batch, I = c.dims.in, O = c.dims.out;
  int64_t S = 1;
  for (int64_t n : c.grid)
    S *= n;
  HostTensor pdw(DType::F32, {O, I}), pdb(DType::F32, {O});
  runKernel("linear_grad_params", {{"axis", int64_t(1)}}, {&ops.x, &ops.dy},
            {&pdw, &pdb}, 2);
  // The sums in double (the reference) and the sums of their terms'
  // magnitudes (the tolerance).
  std::vector<double> wantW(size_t(O * I), 0.0), wantB(size_t(O), 0.0),
      magW = wantW, magB = wantB;
  const std::vector<double> xs = realsOf(ops.x), dys = realsOf(ops.dy);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t s = 0; s < S; ++s) {
        const double d = dys[size_t((b * O + o) * S + s)];
        wantB[size_t(o)] += d, magB[size_t(o)] += std::fabs(d);
        for (int64_t i = 0; i < I; ++i) {
          const double v = xs[size_t((b * I + i) * S + s)];
          wantW[size_t(o * I + i)] += d * v,
              magW[size_t(o * I + i)] += std::fabs(d * v);
        }
      }
  std::vector<double> firstDw, firstDb; // 1 thread, from x
  for (int threads : {1, 2, 3})
    for (bool saved : {false, true}) {
      SCOPED_TRACE(std::to_string(threads) + " threads, skip params" +
                   (saved ? ", saved spectrum" : ""));
      std::vector<NamedAttr> attrs = {{"modes", c.modes},
                                      {"skip", int64_t(1)},
                                      {"skip_params", int64_t(1)},
                                      {"activation", std::string("gelu")}};
      if (saved)
        attrs.push_back({"saved_spectrum", int64_t(1)});
      HostTensor fdx(DType::F32, ops.x.shape), fdw(DType::C64, ops.w.shape),
          sdw(DType::F32, {O, I}), sdb(DType::F32, {O});
      runKernel(
          "spectral_conv_grad", attrs,
          {saved ? &spectrum : &ops.x, &ops.dy, &ops.w, &ws, &ops.x, &pre},
          {&fdx, &fdw, &sdw, &sdb}, threads);
      expectBitIdentical(fdx, dz, "dx with the skip params");
      expectBitIdentical(fdw, dw, "dW with the skip params");
      expectSumsClose(realsOf(sdw), wantW, magW, double(B * S), "skip dW");
      expectSumsClose(realsOf(sdb), wantB, magB, double(B * S), "skip db");
      // linear_grad_params' slabs are then the batch elements, and both
      // kernels take WeightGemm's AVX-512 path (the fused one with the
      // operands swapped: the same FMAs; cblas promises no order).
      if (B == kLinearGradSlabs && S > 1 && I >= 8 && O >= 8 && weightGemmKernelActive()) {
        expectBitIdentical(sdw, pdw, "skip dW against linear_grad_params");
        expectBitIdentical(sdb, pdb, "skip db against linear_grad_params");
      }
      if (threads == 1 && !saved) {
        firstDw = realsOf(sdw), firstDb = realsOf(sdb);
      } else {
        EXPECT_EQ(realsOf(sdw), firstDw) << "skip dW against 1 thread";
        EXPECT_EQ(realsOf(sdb), firstDb) << "skip db against 1 thread";
      }
    }
}

// spectral_conv_grad with skip = 1 (and an activation) is the composition
// spectral_conv_grad -> linear_grad_input(dy, Ws, dx) -> gelu_grad(pre, ..):
// each dx element is the same skip sum plus the same inverse-transform
// value, times the same GELU', so the results agree bit for bit; on 1 to 3
// threads and with B not split evenly over them (the per-element path and
// the spread one), with x and with its saved spectrum.
void checkLayerGradient(const ConvCase &c) {
  ConvOperands ops(c, 7);
  const int64_t B = c.dims.batch, I = c.dims.in, O = c.dims.out;
  HostTensor ws = randomTensor(DType::F32, {O, I}, 8);
  HostTensor pre = randomTensor(DType::F32, ops.x.shape, 9);
  HostTensor dxs(DType::F32, ops.x.shape), dw(DType::C64, ops.w.shape),
      dxSum(DType::F32, ops.x.shape), dz(DType::F32, ops.x.shape);
  runKernel("spectral_conv_grad", {{"modes", c.modes}}, {&ops.x, &ops.dy, &ops.w}, {&dxs, &dw},
            2);
  runKernel("linear_grad_input", {{"axis", int64_t(1)}}, {&ops.dy, &ws, &dxs}, {&dxSum}, 2);
  runKernel("gelu_grad", {}, {&pre, &dxSum}, {&dz}, 2);
  std::vector<int64_t> specShape = concat({B, I}, truncShape(c.modes));
  HostTensor y(DType::F32, ops.dy.shape), spectrum(DType::C64, specShape);
  runKernel("spectral_conv", {{"modes", c.modes}, {"save_spectrum", int64_t(1)}},
            {&ops.x, &ops.w}, {&y, &spectrum}, 1);
  // GELU'(pre), what gelu_grad multiplies dy by (gelu_grad of ones).
  HostTensor ones(DType::F32, ops.x.shape),
      preDerivative(DType::F32, ops.x.shape);
  std::fill(ones.f32(), ones.f32() + ones.numel(), 1.0f);
  runKernel("gelu_grad", {}, {&pre, &ones}, {&preDerivative}, 1);
  for (int threads : {1, 2, 3})
    for (bool saved : {false, true}) {
      SCOPED_TRACE(std::to_string(threads) + " threads" + (saved ? ", saved spectrum" : ""));
      std::vector<NamedAttr> attrs = {{"modes", c.modes}, {"skip", int64_t(1)}};
      if (saved)
        attrs.push_back({"saved_spectrum", int64_t(1)});
      HostTensor *source = saved ? &spectrum : &ops.x;
      HostTensor fdx(DType::F32, ops.x.shape), fdw(DType::C64, ops.w.shape);
      runKernel("spectral_conv_grad", attrs, {source, &ops.dy, &ops.w, &ws}, {&fdx, &fdw},
                threads);
      expectBitIdentical(fdx, dxSum, "dx with the skip");
      expectBitIdentical(fdw, dw, "dW with the skip");
      attrs.push_back({"activation", std::string("gelu")});
      runKernel("spectral_conv_grad", attrs, {source, &ops.dy, &ops.w, &ws, &pre},
                {&fdx, &fdw}, threads);
      expectBitIdentical(fdx, dz, "dx with the skip and GELU'");
      expectBitIdentical(fdw, dw, "dW with the skip and GELU'");
      // GELU'(pre) given as the last input (pre_derivative): the same bits.
      attrs.back() = {"pre_derivative", int64_t(1)};
      std::fill(fdx.f32(), fdx.f32() + fdx.numel(), std::nanf(""));
      std::fill(fdw.f32(), fdw.f32() + 2 * fdw.numel(), std::nanf(""));
      runKernel("spectral_conv_grad", attrs,
                {source, &ops.dy, &ops.w, &ws, &preDerivative}, {&fdx, &fdw},
                threads);
      expectBitIdentical(fdx, dz, "dx with the skip and GELU'(pre) given");
      expectBitIdentical(fdw, dw, "dW with the skip and GELU'(pre) given");
    }
  checkSkipParams(c, ops, ws, pre, spectrum, dz, dw);
  // An activation without the skip: act'(pre) times the spectral dx.
  HostTensor adz(DType::F32, ops.x.shape), fdx(DType::F32, ops.x.shape),
      fdw(DType::C64, ops.w.shape);
  runKernel("gelu_grad", {{"approximate", std::string("tanh")}}, {&pre, &dxs}, {&adz}, 1);
  runKernel("spectral_conv_grad", {{"modes", c.modes}, {"activation", std::string("gelu_tanh")}},
            {&ops.x, &ops.dy, &ops.w, &pre}, {&fdx, &fdw}, 2);
  expectBitIdentical(fdx, adz, "dx with GELU' (tanh) only");
}

TEST_P(SpectralConvGrad, LayerGradientEqualsTheComposition) { checkLayerGradient(GetParam()); }

// Channels >= 8 take SmallGemm's AVX-512 kernel for the skip product, a
// 64-point last axis the direct DFT, 512-column blocks a tail.
TEST(SpectralConvLayerGrad, WideLayerEqualsTheComposition) {
  checkLayerGradient(ConvCase{{20, 64}, {5, 6}, {4, 16, 8}});
  checkLayerGradient(ConvCase{{8, 8}, {3, 3}, {3, 8, 12}});
}

// B = 16: the params form's skip gradients equal linear_grad_params' bit
// for bit; 640-point grids: blocks of 512 columns and a tail of 128.
TEST(SpectralConvLayerGrad, SixteenElementsGiveLinearGradParamsBits) {
  checkLayerGradient(ConvCase{{20, 32}, {5, 6}, {16, 16, 8}});
}

// 128^2 grids: 32 column blocks per element, each streamed out of the
// grouped form's scratch (no activation) or copied out after GELU'.
TEST(SpectralConvLayerGrad, StreamedSkipEqualsTheComposition) {
  checkLayerGradient(ConvCase{{128, 128}, {5, 6}, {2, 16, 8}});
}

// 17 x 256^2 floats of dx per element pass the grouped form's 4 MiB of
// per-thread scratch: the whole-batch form, the same bits.
TEST(SpectralConvLayerGrad, LargeGridsRunTheWholeBatchForm) {
  checkLayerGradient(ConvCase{{256, 256}, {5, 6}, {2, 17, 8}});
}

INSTANTIATE_TEST_SUITE_P(
    Grids, SpectralConvGrad,
    ::testing::Values(ConvCase{{16}, {5}, {2, 2, 3}}, // 1D even
                      ConvCase{{16}, {9}, {2, 3, 2}}, // 1D Nyquist kept
                      ConvCase{{15}, {8}, {3, 2, 2}}, // 1D odd at the limit
                      ConvCase{{8, 8}, {4, 5}, {2, 2, 3}}, // 2D even at limits
                      ConvCase{{9, 7}, {3, 3}, {2, 3, 2}}, // 2D odd
                      ConvCase{{9, 7}, {4, 4}, {2, 2, 2}}, // 2D odd at limits
                      ConvCase{{6, 4, 5}, {2, 2, 2}, {2, 2, 2}}, // 3D
                      ConvCase{
                          {4, 6, 6}, {2, 3, 4}, {2, 1, 2}}), // 3D at limits
    [](const auto &info) {
      std::string name = "grid";
      for (int64_t n : info.param.grid)
        name += "_" + std::to_string(n);
      name += "_modes";
      for (int64_t m : info.param.modes)
        name += "_" + std::to_string(m);
      return name;
    });

} // namespace
