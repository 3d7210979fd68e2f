//===- ConvParityTest.cpp - CUDA convolutions vs the CPU ------------------===//
//
// conv, conv_grad_input, conv_transpose and conv_grad_weight on the GPU
// against the CPU kernels (1-D, 2-D and 3-D; strides; zero and circular
// padding; with and without bias), twice for repeatability. Skipped
// without a device. Tolerance 1e-4 relative to max(1, |want|): both sides
// sum C·K (or, for the weight gradient, B·S') products in different
// orders (cuBLAS vs OpenBLAS blocks), an error of about sqrt(n)·6e-8 times
// the sum of |products|, which is at most ~30 here; the index maps and
// col2im's order are bitwise (ConvModesTest.cpp).
//
//===----------------------------------------------------------------------===//
#include "ParityRuns.h"
#include "runtime/kernels/cpu/nn/ConvGeometry.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

struct ConvCase {
  int64_t b, c, o;
  std::vector<int64_t> in, kernel, stride, pad;
  bool circular;
  double weightTol = 1e-4; ///< conv_grad_weight's (its sums are B·S' long)
};

const ConvCase kConvCases[] = {
    {2, 3, 5, {12}, {3}, {2}, {1}, false},
    {2, 4, 3, {9, 8}, {3, 3}, {1, 2}, {1, 1}, true},
    {2, 3, 8, {8, 8, 8}, {4, 4, 4}, {2, 2, 2}, {1, 1, 1}, true},
    {1, 6, 4, {6, 5, 4}, {3, 3, 3}, {1, 1, 1}, {1, 1, 1}, true},
    // 8 * 27 patch rows x 44^3 positions = 18.4M > kGpuColumnBudget (2^24):
    // two column blocks per sample (bias only in the first, col2im
    // accumulating, the weight gradient's beta = 1 after the first pair).
    // The weight gradient sums 2 * 44^3 = 170k products in float (a GEMM
    // thread's sequential FMAs against OpenBLAS's blocks): on the host
    // emulator the worst error is 4.7e-4 at an element of magnitude 4
    // (tolerance max(1, |w|) * 2e-3); a missed block or a beta of 0 is
    // O(1) and fails.
    {2, 8, 2, {44, 44, 44}, {3, 3, 3}, {1, 1, 1}, {1, 1, 1}, false, 2e-3},
    // The CPU's weight gradient on im2col with each channel's (batch,
    // block) pairs split into parts (C <= 8): a 3 -> 40 first layer (over
    // the direct path's 32 output channels) and a stride-2 weight too large
    // for the strided path's per-part sums (O C K * 4 > 2^20).
    {2, 3, 40, {8, 8}, {3, 3}, {1, 1}, {1, 1}, false},
    {2, 8, 130, {18, 18}, {16, 16}, {2, 2}, {1, 1}, true},
};

std::vector<int64_t> field(int64_t a, int64_t b, std::vector<int64_t> s) {
  s.insert(s.begin(), {a, b});
  return s;
}

} // namespace

TEST(CudaConvParity, ConvAndGradientsMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  int caseNo = 0;
  for (const ConvCase &k : kConvCases) {
    SCOPED_TRACE(::testing::Message() << "case " << caseNo++);
    ConvGeometry g = makeConvGeometry("test", k.b, k.in, k.kernel,
                                      ConvAttrs{k.stride, k.pad, k.circular});
    std::vector<int64_t> outS = outDims(g, k.in.size());
    HostTensor x(DType::F32, field(k.b, k.c, k.in)),
        w(DType::F32, field(k.o, k.c, k.kernel)), bias(DType::F32, {k.o}),
        dy(DType::F32, field(k.b, k.o, outS));
    x.fillUniform(1), w.fillUniform(2, -0.3, 0.3), bias.fillUniform(3);
    dy.fillUniform(4);
    std::vector<NamedAttr> attrs{
        {"stride", k.stride},
        {"padding", k.pad},
        {"padding_mode", std::string(k.circular ? "circular" : "zeros")}};
    HostTensor y(DType::F32, dy.shape), dx(DType::F32, x.shape),
        dw(DType::F32, w.shape);
    expectClose(gpuTwice("conv", attrs, {&x, &w, &bias}, {&y})[0], y, 1e-4,
                "conv");
    expectClose(gpuTwice("conv", attrs, {&x, &w}, {&y})[0], y, 1e-4,
                "conv without bias");
    expectClose(gpuTwice("conv_grad_input", attrs, {&dy, &w}, {&dx})[0], dx,
                1e-4, "conv_grad_input");
    expectClose(gpuTwice("conv_grad_weight", attrs, {&x, &dy}, {&dw})[0], dw,
                k.weightTol, "conv_grad_weight");
  }
}

TEST(CudaConvParity, ConvTransposeMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  // [B, C, S] -> [B, O, (S - 1) s - 2p + K + op]; w is [C, O, K].
  const int64_t B = 2, C = 5, O = 4;
  HostTensor x(DType::F32, {B, C, 4, 3, 4}), w(DType::F32, {C, O, 2, 3, 2}),
      bias(DType::F32, {O});
  x.fillUniform(5), w.fillUniform(6, -0.3, 0.3), bias.fillUniform(7);
  std::vector<NamedAttr> attrs{
      {"stride", std::vector<int64_t>{2, 2, 2}},
      {"padding", std::vector<int64_t>{0, 1, 0}},
      {"output_padding", std::vector<int64_t>{0, 1, 1}}};
  HostTensor y(DType::F32, {B, O, 8, 6, 9});
  expectClose(gpuTwice("conv_transpose", attrs, {&x, &w, &bias}, {&y})[0], y,
              1e-4, "conv_transpose");
}
