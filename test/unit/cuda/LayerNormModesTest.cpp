//===- LayerNormModesTest.cpp - The layer-norm device code, on the host ---===//
//
// Runs without a GPU: the per-position functions the CUDA layer-norm
// kernels run in every thread (runtime/kernels/cuda/LayerNormDevice.h),
// called here for every position, against the CPU kernels. y and dx must
// be bitwise equal (the same double operations in the same order, no FMA);
// dgamma's terms summed here in the CPU's sequential order must be too (on
// the GPU a fixed tree adds them, see LayerNormParityTest.cpp).
//
//===----------------------------------------------------------------------===//
#include "LayerNormCases.h"
#include "runtime/kernels/cuda/LayerNormDevice.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace shodh;
using namespace shodh::cuda;
using namespace shodh::testing;

namespace {

/// [outer, C, inner] of `c`.
NormShape shapeOf(const NormCase &c) {
  NormShape s;
  s.channels = c.x[size_t(c.axis)], s.eps = 1e-5;
  s.outer = 1, s.inner = 1;
  for (int64_t d = 0; d < int64_t(c.x.size()); ++d)
    if (d != c.axis)
      (d < c.axis ? s.outer : s.inner) *= c.x[size_t(d)];
  return s;
}

/// Expects `got` and `want` to hold the same bytes.
void expectBitwise(const HostTensor &got, const HostTensor &want,
                   const std::string &what) {
  ASSERT_EQ(got.storage.size(), want.storage.size()) << what;
  EXPECT_EQ(
      std::memcmp(got.storage.data(), want.storage.data(), want.storage.size()),
      0)
      << what;
}

} // namespace

TEST(CudaLayerNormModes, DeviceFunctionsMatchTheCpuKernelsBitwise) {
  uint32_t seed = 1;
  for (const NormCase &c : layerNormCases()) {
    NormInputs in(c, seed += 10);
    std::vector<NamedAttr> attrs = layerNormAttrs(c.axis);
    NormShape s = shapeOf(c);
    int64_t positions = s.outer * s.inner;
    std::string what = "x of rank " + std::to_string(c.x.size()) + ", axis " +
                       std::to_string(c.axis);

    HostTensor y(DType::F32, c.x), yDev(DType::F32, c.x);
    runKernel("layer_norm", attrs, {&in.x, &in.gamma, &in.beta}, {&y}, 2);
    for (int64_t p = 0; p < positions; ++p)
      layerNormForwardAt(s, in.x.f32(), in.gamma.f32(), in.beta.f32(),
                         yDev.f32(), p);
    expectBitwise(yDev, y, "layer_norm " + what);

    HostTensor dx(DType::F32, c.x), dxDev(DType::F32, c.x);
    runKernel("layer_norm_grad_input", attrs, {&in.x, &in.gamma, &in.dy}, {&dx},
              2);
    for (int64_t p = 0; p < positions; ++p)
      layerNormGradInputAt(s, in.x.f32(), in.gamma.f32(), in.dy.f32(),
                           dxDev.f32(), p);
    expectBitwise(dxDev, dx, "layer_norm_grad_input " + what);

    HostTensor dg(DType::F32, {s.channels}), dgDev(DType::F32, {s.channels});
    runKernel("layer_norm_grad_gamma", attrs, {&in.x, &in.dy}, {&dg}, 2);
    std::vector<double> mean(static_cast<size_t>(positions)), rstd(mean.size());
    for (int64_t p = 0; p < positions; ++p)
      layerNormStats(s, in.x.f32(), p, mean[size_t(p)], rstd[size_t(p)]);
    for (int64_t ch = 0; ch < s.channels; ++ch) {
      double sum = 0.0;
      for (int64_t p = 0; p < positions; ++p)
        sum += layerNormGammaTerm(s, in.x.f32(), in.dy.f32(), mean.data(),
                                  rstd.data(), ch, p);
      dgDev.f32()[ch] = float(sum);
    }
    expectBitwise(dgDev, dg, "layer_norm_grad_gamma " + what);
  }
}
