//===- LayerNormParityTest.cpp - CUDA layer-norm kernels against the CPU --===//
//
// layer_norm, layer_norm_grad_input and layer_norm_grad_gamma on the GPU
// against the CPU kernels (cases: LayerNormCases.h). Skipped without a
// device. Tolerances: y and dx bitwise (one thread per position runs the
// CPU's double operations in its order, nvcc --fmad=false, and CUDA's
// double sqrt and division are correctly rounded like glibc's); dgamma
// within 1e-6 relative: the GPU adds the same double terms in a fixed tree
// instead of one sequential pass, which changes the double sum by about
// n * 1e-16 relative, far below the final f32 rounding (6e-8), so at most
// the last f32 bit can differ.
//
//===----------------------------------------------------------------------===//
#include "CudaHarness.h"
#include "LayerNormCases.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

TEST(CudaLayerNormParity, ForwardAndGradientsMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  uint32_t seed = 1;
  for (const NormCase &c : layerNormCases()) {
    NormInputs in(c, seed += 10);
    std::vector<NamedAttr> attrs = layerNormAttrs(c.axis);
    std::string what = " on x of rank " + std::to_string(c.x.size()) +
                       ", axis " + std::to_string(c.axis);
    HostTensor y(DType::F32, c.x), yGpu(DType::F32, c.x);
    runKernel("layer_norm", attrs, {&in.x, &in.gamma, &in.beta}, {&y}, 2);
    runOnCuda("layer_norm", attrs, {&in.x, &in.gamma, &in.beta}, {&yGpu});
    expectClose(yGpu, y, 0, "layer_norm" + what);

    HostTensor dx(DType::F32, c.x), dxGpu(DType::F32, c.x);
    runKernel("layer_norm_grad_input", attrs, {&in.x, &in.gamma, &in.dy}, {&dx},
              2);
    runOnCuda("layer_norm_grad_input", attrs, {&in.x, &in.gamma, &in.dy},
              {&dxGpu});
    expectClose(dxGpu, dx, 0, "layer_norm_grad_input" + what);

    int64_t channels = c.x[size_t(c.axis)];
    HostTensor dg(DType::F32, {channels}), dgGpu(DType::F32, {channels}),
        dgAgain(DType::F32, {channels});
    runKernel("layer_norm_grad_gamma", attrs, {&in.x, &in.dy}, {&dg}, 2);
    runOnCuda("layer_norm_grad_gamma", attrs, {&in.x, &in.dy}, {&dgGpu});
    runOnCuda("layer_norm_grad_gamma", attrs, {&in.x, &in.dy}, {&dgAgain});
    expectClose(dgGpu, dg, 1e-6, "layer_norm_grad_gamma" + what);
    expectClose(dgAgain, dgGpu, 0, "layer_norm_grad_gamma repeat" + what);
  }
}
