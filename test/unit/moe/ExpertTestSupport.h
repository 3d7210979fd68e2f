//===- ExpertTestSupport.h - Helpers of the expert kernel tests -----------===//
//
// Buffers for i64 offsets, deterministic random fills and the run of one
// kernel with a given thread count, on top of test/unit/kernels/
// KernelHarness.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/kernels/KernelHarness.h"

#include <cstring>
#include <random>
#include <vector>

namespace shodh::testing {

/// An I64 buffer holding `values` (stored in the float vector's bytes).
inline Buffer offsetsBuffer(const std::vector<int64_t> &values) {
  Buffer b{DType::I64,
           {int64_t(values.size())},
           TensorFloats(values.size() * 2)};
  std::memcpy(b.data.data(), values.data(), values.size() * sizeof(int64_t));
  return b;
}

/// A buffer of `shape` filled with uniform values in [-scale, scale].
inline Buffer randomBuffer(DType t, std::vector<int64_t> shape, unsigned seed,
                           float scale = 1.0f) {
  Buffer b = Buffer::make(t, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-scale, scale);
  for (float &v : b.data)
    v = u(rng);
  return b;
}

/// Widens a float buffer to doubles.
inline std::vector<double> toDouble(const Buffer &b) {
  return std::vector<double>(b.data.begin(), b.data.end());
}

} // namespace shodh::testing
