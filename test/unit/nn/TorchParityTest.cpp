//===- TorchParityTest.cpp - conv / layer_norm kernels vs torch 1.13 ------===//
//
// Outputs and gradients (of sum(y * r)) on fixed inputs against the values
// torch_reference.py wrote into TorchReference.inc (regenerate with
// `/usr/bin/python3 test/unit/nn/torch_reference.py`). The gradients are
// the compiler's backward kernels: conv_grad_input / conv_grad_weight /
// linear_grad_bias for conv; conv / conv_grad_weight (x and dy swapped) /
// linear_grad_bias for conv_transpose; layer_norm_grad_input /
// layer_norm_grad_gamma / linear_grad_bias for layer_norm. Tolerance 2e-6 +
// 2e-5 relative: both sides are f32 sums of at most ~250 terms of size ~1.
//
//===----------------------------------------------------------------------===//
#include "test/unit/nn/NnTestUtil.h"

using namespace shodh;
using namespace shodh::testing;

namespace {

#include "test/unit/nn/TorchReference.inc"

constexpr double kAtol = 2e-6, kRtol = 2e-5;

#define EXPECT_TORCH(tensor, ref)                                              \
  expectNear(tensor, ref, int64_t(sizeof(ref) / sizeof(float)), kAtol, kRtol,  \
             #ref)

/// One conv case: shapes, attrs, and the torch arrays.
struct ConvCase {
  std::vector<int64_t> x, w, y;
  std::vector<NamedAttr> attrs;
  bool bias;
  const float *refY, *refDx, *refDw, *refDb;
  int64_t ny, nx, nw;
};

void checkConv(const ConvCase &c) {
  HostTensor x = pattern(c.x, 1), w = pattern(c.w, 2), b = pattern({c.w[0]}, 3);
  HostTensor y(DType::F32, c.y), dy = pattern(c.y, 9);
  std::vector<const HostTensor *> ins{&x, &w};
  if (c.bias)
    ins.push_back(&b);
  runKernel("conv", c.attrs, ins, {&y}, 2);
  expectNear(y, c.refY, c.ny, kAtol, kRtol, "y");
  HostTensor dx(DType::F32, c.x), dw(DType::F32, c.w), db(DType::F32, {c.w[0]});
  runKernel("conv_grad_input", c.attrs, {&dy, &w}, {&dx}, 2);
  expectNear(dx, c.refDx, c.nx, kAtol, kRtol, "dx");
  runKernel("conv_grad_weight", c.attrs, {&x, &dy}, {&dw}, 2);
  expectNear(dw, c.refDw, c.nw, kAtol, kRtol, "dw");
  if (c.bias) {
    runKernel("linear_grad_bias", {{"axis", AttrValue(int64_t(1))}}, {&dy},
              {&db}, 2);
    expectNear(db, c.refDb, c.w[0], kAtol, kRtol, "db");
  }
}

} // namespace

TEST(NnTorchParity, Conv1dZerosWithBias) {
  checkConv({{2, 3, 7},
             {4, 3, 3},
             {2, 4, 4},
             {ints("stride", {2}), ints("padding", {1}),
              str("padding_mode", "zeros")},
             true,
             kConv1dY,
             kConv1dDx,
             kConv1dDw,
             kConv1dDb,
             32,
             42,
             36});
}

TEST(NnTorchParity, Conv2dUnevenStrideWithBias) {
  // (6 + 2 - 3) / 2 + 1 = 3 (floored), (5 - 2) / 1 + 1 = 4.
  checkConv({{2, 2, 6, 5},
             {3, 2, 3, 2},
             {2, 3, 3, 4},
             {ints("stride", {2, 1}), ints("padding", {1, 0}),
              str("padding_mode", "zeros")},
             true,
             kConv2dY,
             kConv2dDx,
             kConv2dDw,
             kConv2dDb,
             72,
             120,
             36});
}

TEST(NnTorchParity, Conv3dCircular) {
  checkConv({{1, 2, 4, 4, 4},
             {2, 2, 3, 3, 3},
             {1, 2, 2, 2, 2},
             {ints("stride", {2, 2, 2}), ints("padding", {1, 1, 1}),
              str("padding_mode", "circular")},
             false,
             kConv3dCircularY,
             kConv3dCircularDx,
             kConv3dCircularDw,
             nullptr,
             16,
             128,
             108});
}

TEST(NnTorchParity, ConvTranspose3dOutputPadding) {
  // S' = (S - 1) s - 2p + K + op: (2*2 + 2 + 1, 2*2 - 2 + 3, 1 - 2 + 3).
  std::vector<NamedAttr> attrs{ints("stride", {2, 2, 1}),
                               ints("padding", {0, 1, 1}),
                               ints("output_padding", {1, 0, 0})};
  HostTensor x = pattern({1, 3, 3, 3, 2}, 1), w = pattern({3, 2, 2, 3, 3}, 2);
  HostTensor b = pattern({2}, 3), y(DType::F32, {1, 2, 7, 5, 2});
  runKernel("conv_transpose", attrs, {&x, &w, &b}, {&y}, 2);
  EXPECT_TORCH(y, kConvT3dY);
  HostTensor dy = pattern(y.shape, 9), dx(DType::F32, x.shape);
  HostTensor dw(DType::F32, w.shape), db(DType::F32, {2});
  std::vector<NamedAttr> convAttrs{attrs[0], attrs[1],
                                   str("padding_mode", "zeros")};
  runKernel("conv", convAttrs, {&dy, &w}, {&dx}, 2);
  EXPECT_TORCH(dx, kConvT3dDx);
  runKernel("conv_grad_weight", convAttrs, {&dy, &x}, {&dw}, 2);
  EXPECT_TORCH(dw, kConvT3dDw);
  runKernel("linear_grad_bias", {{"axis", AttrValue(int64_t(1))}}, {&dy}, {&db},
            2);
  EXPECT_TORCH(db, kConvT3dDb);
}

/// Layer norm of `shape` along `axis` against the torch arrays.
void checkNorm(std::vector<int64_t> shape, int64_t axis, const float *refY,
               const float *refDx, const float *refDg, const float *refDb) {
  int64_t c = shape[size_t(axis)];
  std::vector<NamedAttr> attrs{{"axis", AttrValue(axis)},
                               {"eps", AttrValue(1e-5)}};
  HostTensor x = pattern(shape, 1), g = pattern({c}, 2), b = pattern({c}, 3);
  HostTensor y(DType::F32, shape), dy = pattern(shape, 9);
  HostTensor dx(DType::F32, shape), dg(DType::F32, {c}), db(DType::F32, {c});
  runKernel("layer_norm", attrs, {&x, &g, &b}, {&y}, 2);
  expectNear(y, refY, x.numel(), kAtol, kRtol, "y");
  runKernel("layer_norm_grad_input", attrs, {&x, &g, &dy}, {&dx}, 2);
  expectNear(dx, refDx, x.numel(), 1e-5, kRtol, "dx");
  runKernel("layer_norm_grad_gamma", attrs, {&x, &dy}, {&dg}, 2);
  expectNear(dg, refDg, c, kAtol, kRtol, "dgamma");
  runKernel("linear_grad_bias", {{"axis", AttrValue(axis)}}, {&dy}, {&db}, 2);
  expectNear(db, refDb, c, kAtol, kRtol, "dbeta");
}

TEST(NnTorchParity, LayerNormOverChannels) {
  checkNorm({2, 4, 3, 3}, 1, kNormChannelsY, kNormChannelsDx,
            kNormChannelsDgamma, kNormChannelsDbeta);
}

TEST(NnTorchParity, LayerNormOverTokenFeatures) {
  checkNorm({2, 3, 5}, 2, kNormTokensY, kNormTokensDx, kNormTokensDgamma,
            kNormTokensDbeta);
}
