//===- RoutingCases.h - Inputs of the CUDA routing and expert tests -------===//
//
// Seeded inputs shared by the host test of the routing device code
// (RoutingModesTest.cpp) and the GPU parity test (RoutingParityTest.cpp):
// a router call, its probabilities with planted ties, NaN and an all-zero
// row for top_k, expert ids from the CPU top_k (R = B·T·k assignments,
// past one sort chunk of 256) and token rows of 12 values for dispatch.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <cmath>
#include <cstring>

namespace shodh::testing {

/// The data of an i64 tensor.
inline int64_t *i64(const HostTensor &t) {
  return reinterpret_cast<int64_t *>(t.storage.data());
}

/// Expects `got` and `want` to hold the same bytes.
inline void expectSameBytes(const HostTensor &got, const HostTensor &want,
                            const std::string &what) {
  ASSERT_EQ(got.storage.size(), want.storage.size()) << what;
  EXPECT_EQ(
      std::memcmp(got.storage.data(), want.storage.data(), want.storage.size()),
      0)
      << what;
}

/// One routing problem: B = 3, T = 150, F = 16, E = 5, k = 3 (R = 1350;
/// k = 3 so that the order of a token's slot sums matters).
struct RoutingInputs {
  static constexpr int64_t B = 3, T = 150, F = 16, E = 5, K = 3, C = 3, P = 4;
  HostTensor x{DType::F32, {B, T, F}}, w{DType::F32, {E, F}},
      bias{DType::F32, {E}};
  HostTensor logits{DType::F32, {B, T, E}}, probs{DType::F32, {B, T, E}};
  HostTensor gates{DType::F32, {B, T, K}}, ids{DType::I64, {B, T, K}};
  HostTensor tokens{DType::F32, {B, T, C, P}};
  HostTensor dprobs{DType::F32, {B, T, E}}, dgates{DType::F32, {B, T, K}};

  explicit RoutingInputs(uint32_t seed) {
    x.fillUniform(seed), w.fillUniform(seed + 1), bias.fillUniform(seed + 2);
    tokens.fillUniform(seed + 3), dprobs.fillUniform(seed + 4);
    dgates.fillUniform(seed + 5);
    runKernel("router", {{"temperature", 0.7}}, {&x, &w, &bias},
              {&logits, &probs}, 2);
    float *p = probs.f32();
    p[1] = p[2];                    // a tie in row 0
    p[E + 3] = std::nanf("");       // NaN ranks last in row 1
    for (int64_t i = 0; i < E; ++i) // row 2: all zero (uniform gates)
      p[2 * E + i] = 0.0f;
    runKernel("top_k", {{"k", K}}, {&probs}, {&gates, &ids}, 2);
  }
};

} // namespace shodh::testing
