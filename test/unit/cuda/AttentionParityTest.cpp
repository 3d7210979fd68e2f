//===- AttentionParityTest.cpp - CUDA attention, moe and aux vs the CPU ---===//
//
// attention, attention_heads(_grad), moe, aux_loss_grad and allocation_kl
// on the GPU against the CPU kernels, twice for repeatability, plus the
// bad-id message of allocation_kl and moe. Skipped without a device.
// Tolerances (relative to max(1, |want|)):
//  - bitwise: aux_loss_grad (one double product), allocation_kl (exact
//    counts; CUDA's double log is within an ulp of glibc's, far below the
//    f32 rounding of the result);
//  - attention 5e-5: the score GEMM sums d products in cuBLAS's order
//    (~sqrt(d)·6e-8 of |q||k|), expf vs vecmath::exp (<= 3e-7 relative),
//    then P v and, for `attention`, two projections over C = 32 products;
//    the gradient's dS = P (dP - c) cancels, so values near zero carry the
//    absolute error of O(1) terms, hence the max(1, |want|) scale;
//  - moe 2e-5: expert_mlp's GEMM order (RoutingParityTest.cpp); dispatch
//    and combine are bitwise.
//
//===----------------------------------------------------------------------===//
#include "ParityRuns.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

TEST(CudaAttentionParity, HeadsAndGradMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  for (int64_t t : {5, 64, 150}) {
    const int64_t B = 2, C = 32, heads = 4;
    HostTensor qkv(DType::F32, {B, t, 3 * C}), dy(DType::F32, {B, t, C});
    qkv.fillUniform(21, -2.0, 2.0), dy.fillUniform(22);
    std::vector<NamedAttr> attrs{{"heads", heads}};
    HostTensor o(DType::F32, {B, t, C}), dqkv(DType::F32, qkv.shape);
    auto f = gpuTwice("attention_heads", attrs, {&qkv}, {&o});
    expectClose(f[0], o, 5e-5, "attention_heads T " + std::to_string(t));
    auto g = gpuTwice("attention_heads_grad", attrs, {&qkv, &dy}, {&dqkv});
    expectClose(g[0], dqkv, 5e-5,
                "attention_heads_grad T " + std::to_string(t));
  }
}

TEST(CudaAttentionParity, FullAttentionMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  const int64_t B = 3, T = 70, C = 32;
  HostTensor x(DType::F32, {B, T, C}), wqkv(DType::F32, {3 * C, C}),
      bqkv(DType::F32, {3 * C}), wo(DType::F32, {C, C}), bo(DType::F32, {C});
  x.fillUniform(1), wqkv.fillUniform(2, -0.3, 0.3), bqkv.fillUniform(3);
  wo.fillUniform(4, -0.3, 0.3), bo.fillUniform(5);
  HostTensor y(DType::F32, {B, T, C});
  auto f = gpuTwice("attention", {{"heads", int64_t(2)}},
                    {&x, &wqkv, &bqkv, &wo, &bo}, {&y});
  expectClose(f[0], y, 5e-5, "attention");
}

TEST(CudaAttentionParity, AuxKernelsMatchTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  HostTensor w(DType::F32, {1}), seed(DType::F32, {1});
  w.f32()[0] = 0.37f;
  auto s = gpuTwice("aux_loss_grad", {{"coefficient", 0.013}}, {&w}, {&seed});
  expectSameBytes(s[0], seed, "aux_loss_grad");
  auto s0 = gpuTwice("aux_loss_grad", {{"coefficient", 0.5}}, {}, {&seed});
  expectSameBytes(s0[0], seed, "aux_loss_grad without weight");
  HostTensor ids(DType::I64, {2, 9, 2}), kl(DType::F32, {1});
  for (int64_t a = 0; a < ids.numel(); ++a)
    i64(ids)[a] = (a * 5 + 1) % 3;
  std::vector<NamedAttr> attrs{{"num_experts", int64_t(4)},
                               {"prior", std::vector<double>{.1, .2, .3, .4}}};
  auto k = gpuTwice("allocation_kl", attrs, {&ids}, {&kl});
  expectClose(k[0], kl, 0.0, "allocation_kl");
  i64(ids)[7] = 4;
  expectErrorContaining(
      [&] { runOnCuda("allocation_kl", attrs, {&ids}, {&kl}); },
      "expert id 4 of assignment 7 is outside [0, 4)");
}

TEST(CudaAttentionParity, MoeMatchesTheCpu) {
  SHODH_REQUIRE_CUDA_DEVICE();
  const int64_t B = 2, T = 40, F = 12, H = 24, E = 3, K = 2;
  HostTensor x(DType::F32, {B, T, F}), ids(DType::I64, {B, T, K}),
      gates(DType::F32, {B, T, K}), w1(DType::F32, {E, H, F}),
      b1(DType::F32, {E, H}), w2(DType::F32, {E, F, H}), b2(DType::F32, {E, F});
  x.fillUniform(1), gates.fillUniform(2, 0.0, 1.0), w1.fillUniform(3);
  b1.fillUniform(4), w2.fillUniform(5), b2.fillUniform(6);
  for (int64_t a = 0; a < ids.numel(); ++a)
    i64(ids)[a] = (a * 7 + a / 3) % E;
  for (double capacity : {0.0, 0.5}) {
    std::vector<NamedAttr> attrs{{"num_experts", E},
                                 {"capacity_factor", capacity},
                                 {"expert", std::string("mlp")}};
    HostTensor y(DType::F32, {B, T, F});
    auto f =
        gpuTwice("moe", attrs, {&x, &ids, &gates, &w1, &b1, &w2, &b2}, {&y});
    expectClose(f[0], y, 2e-5, "moe capacity " + std::to_string(capacity));
  }
  i64(ids)[5] = E;
  HostTensor y(DType::F32, {B, T, F});
  expectErrorContaining(
      [&] {
        runOnCuda("moe", {{"num_experts", E}, {"expert", std::string("mlp")}},
                  {&x, &ids, &gates, &w1, &b1, &w2, &b2}, {&y});
      },
      "expert id 3 of assignment 5 is outside [0, 3)");
}
