//===- NnKernelsF64Test.cpp - f64 conv and layer-norm kernels -------------===//
//
// Every kernel in f64 against the naive double references of
// NnReferences.h: conv, conv_grad_input and conv_grad_weight on 1D/2D/3D
// setups with strides 1 to 3, zero and circular padding, with and without
// bias, plus two larger setups whose im2col runs in several column blocks
// and one whose conv_grad_weight splits each channel's sums into parts;
// the strided path's setups of NnReferences.h (patch blocks, remainders,
// row chunks); conv_transpose with output_padding, strides 1 to 4, with and
// without bias; layer_norm and its gradients on shapes with inner = 1,
// outer = 1 and an inner extent past the 256-position blocks. Every f64
// run is bitwise the same with 1 to 4 threads. The f64 results agree with the
// f32 kernels on the same (f32-representable) data, and calls mixing f32
// and f64 operands are rejected naming the operand and both dtypes.
//
// Tolerances are relative to the largest |value| of the expected tensor
// (sums of products of values in [-1, 1) cancel, so single elements can be
// near 0). The f64 kernel and the reference add the same products in
// different orders and differ by double rounding only: up to 12240 terms
// (conv_grad_weight of the 3D setup), measured <= 6e-15 of the largest
// value; 1e-12 leaves a wide margin. Against f32, the f32 rounding of the
// same sums: measured <= 3e-7 of the largest value; 1e-5 is allowed.
//
//===----------------------------------------------------------------------===//
#include "test/unit/nn/NnReferences.h"

#include <algorithm>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Expects the f64 tensor `t` to match `want` to double rounding.
void expectF64(const HostTensor &t, const std::vector<double> &want,
               const std::string &what) {
  ASSERT_EQ(t.dtype, DType::F64) << what;
  expectScaled(t, want, 1e-12, what);
}

/// The small setups plus two whose patch matrices need several column
/// blocks: 40 channels of 3x3 taps and a circular 3D one with 2 channels
/// (both with at most 32 output channels: conv_grad_weight takes the direct
/// path), and a 3 -> 40 channel one whose conv_grad_weight takes im2col with
/// each channel's (batch, block) pairs split into parts.
std::vector<ConvSetup> f64Setups() {
  std::vector<ConvSetup> all = setups();
  all.push_back({{2, 40, 30, 30}, {8, 40, 3, 3}, {1, 1}, {1, 1}, false});
  all.push_back(
      {{2, 2, 20, 18, 17}, {4, 2, 3, 3, 3}, {1, 1, 1}, {1, 1, 1}, true});
  all.push_back({{2, 3, 8, 8}, {40, 3, 3, 3}, {1, 1}, {1, 1}, false});
  return all;
}

/// "x rank 4, zeros" for messages.
std::string describe(const std::vector<int64_t> &x, const char *mode) {
  return "x rank " + std::to_string(x.size()) + ", " + mode;
}

/// Layer-norm shapes and axes: inner > 1, inner = 1, outer = 1, and inner
/// past one 256-position block.
const std::vector<std::pair<std::vector<int64_t>, int64_t>> kNormCases = {
    {{4, 6, 10}, 1}, {{3, 5}, 1}, {{7, 3, 4, 5}, 0}, {{2, 8, 300}, 1}};

/// {axis, eps} attributes.
std::vector<NamedAttr> normAttrs(int64_t axis) {
  return {{"axis", AttrValue(axis)}, {"eps", AttrValue(1e-5)}};
}

} // namespace

TEST(NnKernelsF64, ConvMatchesDirectReference) {
  for (const ConvSetup &s : f64Setups())
    for (bool biased : {true, false}) {
      HostTensor x = randomTensor(s.x, 1, DType::F64);
      HostTensor w = randomTensor(s.w, 2, DType::F64);
      HostTensor b = randomTensor({s.w[0]}, 3, DType::F64);
      HostTensor y(DType::F64, s.y());
      std::vector<const HostTensor *> ins{&x, &w};
      if (biased)
        ins.push_back(&b);
      runDeterministic("conv", s.attrs(), ins, y);
      expectF64(y,
                ConvRef(s).conv(values(x), values(w),
                                biased ? values(b) : std::vector<double>{}),
                describe(s.x, s.circular ? "circular" : "zeros") +
                    (biased ? ", bias" : ", no bias"));
    }
}

TEST(NnKernelsF64, ConvGradientsMatchDirectReferences) {
  for (const ConvSetup &s : f64Setups()) {
    std::string what = describe(s.x, s.circular ? "circular" : "zeros");
    HostTensor x = randomTensor(s.x, 4, DType::F64);
    HostTensor w = randomTensor(s.w, 5, DType::F64);
    HostTensor dy = randomTensor(s.y(), 6, DType::F64);
    HostTensor dx(DType::F64, s.x), dw(DType::F64, s.w);
    runDeterministic("conv_grad_input", s.attrs(), {&dy, &w}, dx);
    expectF64(dx, ConvRef(s).gradInput(values(dy), values(w), {}),
              "dx, " + what);
    runDeterministic("conv_grad_weight", s.attrs(), {&x, &dy}, dw);
    expectF64(dw, ConvRef(s).gradWeight(values(x), values(dy)), "dw, " + what);
  }
}

TEST(NnKernelsF64, ConvTransposeMatchesDirectReference) {
  for (const TransposeSetup &t : transposeSetups())
    for (bool biased : {true, false}) {
      HostTensor x = randomTensor(t.x, 7, DType::F64);
      HostTensor w = randomTensor(t.w, 8, DType::F64);
      HostTensor b = randomTensor({t.w[1]}, 9, DType::F64);
      HostTensor y(DType::F64, t.y());
      std::vector<const HostTensor *> ins{&x, &w};
      if (biased)
        ins.push_back(&b);
      runDeterministic("conv_transpose", t.attrs(), ins, y);
      expectF64(y,
                t.conv().gradInput(values(x), values(w),
                                   biased ? values(b) : std::vector<double>{}),
                describe(t.x, biased ? "bias" : "no bias"));
    }
}

TEST(NnKernelsF64, LayerNormMatchesClosedForms) {
  uint32_t seed = 10;
  for (const auto &[shape, axis] : kNormCases) {
    std::string what = "x rank " + std::to_string(shape.size()) + ", axis " +
                       std::to_string(axis);
    std::vector<int64_t> perChannel{shape[size_t(axis)]};
    HostTensor x = randomTensor(shape, seed++, DType::F64);
    HostTensor g = randomTensor(perChannel, seed++, DType::F64);
    HostTensor b = randomTensor(perChannel, seed++, DType::F64);
    HostTensor dy = randomTensor(shape, seed++, DType::F64);
    HostTensor y(DType::F64, shape), dx(DType::F64, shape),
        dg(DType::F64, perChannel);
    NormRef ref(shape, axis, 1e-5);
    runDeterministic("layer_norm", normAttrs(axis), {&x, &g, &b}, y);
    expectF64(y, ref.forward(values(x), values(g), values(b)), "y, " + what);
    runDeterministic("layer_norm_grad_input", normAttrs(axis), {&x, &g, &dy},
                     dx);
    expectF64(dx, ref.gradInput(values(x), values(g), values(dy)),
              "dx, " + what);
    runDeterministic("layer_norm_grad_gamma", normAttrs(axis), {&x, &dy}, dg);
    expectF64(dg, ref.gradGamma(values(x), values(dy)), "dgamma, " + what);
  }
}

TEST(NnKernelsF64, LayerNormGradientsMatchFiniteDifferences) {
  // Checks the closed forms above independently: central differences of
  // sum(forward(x) * dy) in double, h = 1e-5, truncation error ~h^2 and
  // cancellation error ~1e-16 / h, both far below the 1e-8 tolerance.
  const std::vector<int64_t> shape{2, 5, 3};
  NormRef ref(shape, 1, 1e-5);
  HostTensor x = randomTensor(shape, 1, DType::F64);
  HostTensor g = randomTensor({5}, 2, DType::F64);
  HostTensor b = randomTensor({5}, 3, DType::F64);
  HostTensor dy = randomTensor(shape, 4, DType::F64);
  HostTensor dx(DType::F64, shape), dg(DType::F64, {5});
  runKernel("layer_norm_grad_input", normAttrs(1), {&x, &g, &dy}, {&dx}, 2);
  runKernel("layer_norm_grad_gamma", normAttrs(1), {&x, &dy}, {&dg}, 2);
  auto loss = [&](const std::vector<double> &xv,
                  const std::vector<double> &gv) {
    std::vector<double> y = ref.forward(xv, gv, values(b));
    double sum = 0.0;
    for (size_t i = 0; i < y.size(); ++i)
      sum += y[i] * dy.f64()[i];
    return sum;
  };
  const double h = 1e-5;
  for (int64_t i = 0; i < x.numel(); ++i) {
    std::vector<double> up = values(x), down = values(x);
    up[size_t(i)] += h, down[size_t(i)] -= h;
    double fd = (loss(up, values(g)) - loss(down, values(g))) / (2 * h);
    EXPECT_NEAR(dx.f64()[i], fd, 1e-8) << "dx at " << i;
  }
  for (int64_t c = 0; c < 5; ++c) {
    std::vector<double> up = values(g), down = values(g);
    up[size_t(c)] += h, down[size_t(c)] -= h;
    double fd = (loss(values(x), up) - loss(values(x), down)) / (2 * h);
    EXPECT_NEAR(dg.f64()[c], fd, 1e-8) << "dgamma at " << c;
  }
}

TEST(NnKernelsF64, AgreesWithTheF32Kernels) {
  // Same f32 data, widened exactly: the f32 kernel must match the f64 one
  // to f32 rounding (see the file comment).
  auto both = [](const std::string &name, std::vector<NamedAttr> attrs,
                 const std::vector<const HostTensor *> &ins,
                 const std::vector<int64_t> &outShape) {
    std::vector<HostTensor> wide;
    wide.reserve(ins.size());
    std::vector<const HostTensor *> wideIns;
    for (const HostTensor *t : ins)
      wide.push_back(widened(*t)), wideIns.push_back(&wide.back());
    HostTensor y32(DType::F32, outShape), y64(DType::F64, outShape);
    runKernel(name, attrs, ins, {&y32}, 2);
    runKernel(name, attrs, wideIns, {&y64}, 2);
    expectScaled(y32, values(y64), 1e-5, name);
  };
  for (const ConvSetup &s : f64Setups()) {
    HostTensor x = randomTensor(s.x, 1), w = randomTensor(s.w, 2);
    HostTensor b = randomTensor({s.w[0]}, 3), dy = randomTensor(s.y(), 4);
    both("conv", s.attrs(), {&x, &w, &b}, s.y());
    both("conv_grad_input", s.attrs(), {&dy, &w}, s.x);
    both("conv_grad_weight", s.attrs(), {&x, &dy}, s.w);
  }
  for (const TransposeSetup &t : transposeSetups()) {
    HostTensor x = randomTensor(t.x, 5), w = randomTensor(t.w, 6);
    HostTensor b = randomTensor({t.w[1]}, 7);
    both("conv_transpose", t.attrs(), {&x, &w, &b}, t.y());
  }
  for (const auto &[shape, axis] : kNormCases) {
    std::vector<int64_t> perChannel{shape[size_t(axis)]};
    HostTensor x = randomTensor(shape, 8), g = randomTensor(perChannel, 9);
    HostTensor b = randomTensor(perChannel, 10), dy = randomTensor(shape, 11);
    both("layer_norm", normAttrs(axis), {&x, &g, &b}, shape);
    both("layer_norm_grad_input", normAttrs(axis), {&x, &g, &dy}, shape);
    both("layer_norm_grad_gamma", normAttrs(axis), {&x, &dy}, perChannel);
  }
}

TEST(NnKernelsF64, RejectsMixedDTypes) {
  auto d = [](DType t, std::vector<int64_t> s, const char *name) {
    return HostTensor(t, std::move(s)).desc(name);
  };
  const DType f32 = DType::F32, f64 = DType::F64;
  std::vector<NamedAttr> conv{ints("stride", {1}), ints("padding", {0})};
  expectErrorContaining(
      [&] {
        createKernel("conv", conv,
                     {d(f64, {1, 2, 5}, "x"), d(f32, {3, 2, 3}, "w")},
                     {d(f64, {1, 3, 3}, "y")});
      },
      "program 'test', call 0 (conv): second input 'w' has dtype f32 but "
      "first input has f64");
  expectErrorContaining(
      [&] {
        createKernel(
            "conv", conv,
            {d(f64, {1, 2, 5}, "x"), d(f64, {3, 2, 3}, "w"), d(f32, {3}, "b")},
            {d(f64, {1, 3, 3}, "y")});
      },
      "(conv): bias 'b' has dtype f32 but first input has f64");
  expectErrorContaining(
      [&] {
        createKernel("conv_grad_weight", conv,
                     {d(f32, {1, 2, 5}, "x"), d(f32, {1, 3, 3}, "dy")},
                     {d(f64, {3, 2, 3}, "dw")});
      },
      "(conv_grad_weight): output 'dw' has dtype f64 but first input has f32");
  expectErrorContaining(
      [&] {
        createKernel("conv_transpose",
                     {ints("stride", {1}), ints("padding", {0}),
                      ints("output_padding", {0})},
                     {d(DType::I32, {1, 2, 3}, "x"), d(f64, {2, 3, 3}, "w")},
                     {d(f64, {1, 3, 5}, "y")});
      },
      "(conv_transpose): first input 'x' has dtype i32; supported: f32, f64");
  expectErrorContaining(
      [&] {
        createKernel(
            "layer_norm", normAttrs(1),
            {d(f64, {2, 4, 3}, "x"), d(f32, {4}, "gamma"), d(f64, {4}, "beta")},
            {d(f64, {2, 4, 3}, "y")});
      },
      "(layer_norm): gamma 'gamma' has dtype f32 but x has f64");
  expectErrorContaining(
      [&] {
        createKernel("layer_norm_grad_gamma", normAttrs(1),
                     {d(f64, {2, 4, 3}, "x"), d(f64, {2, 4, 3}, "dy")},
                     {d(f32, {4}, "dgamma")});
      },
      "(layer_norm_grad_gamma): output 'dgamma' has dtype f32 but x has f64");
}
