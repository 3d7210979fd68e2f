//===- LayerNormCases.h - The layer-norm calls the CUDA tests cover -------===//
//
// Shapes around the normalised axis: inner > 1, inner = 1 (last axis),
// outer = 1 (axis 0), and an inner extent past the CPU's 256-position
// blocks; shared by the host test of the device functions and the GPU
// parity test.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <vector>

namespace shodh::testing {

/// x's shape and the normalised axis.
struct NormCase {
  std::vector<int64_t> x;
  int64_t axis;
};

inline const std::vector<NormCase> &layerNormCases() {
  static const std::vector<NormCase> cases = {
      {{4, 6, 10}, 1}, {{3, 5}, 1}, {{7, 3, 4, 5}, 0}, {{2, 8, 300}, 1}};
  return cases;
}

/// The inputs of the three kernels for `c`: x, gamma, beta, dy (seeded).
struct NormInputs {
  HostTensor x, gamma, beta, dy;
  NormInputs(const NormCase &c, uint32_t seed)
      : x(DType::F32, c.x), gamma(DType::F32, {c.x[size_t(c.axis)]}),
        beta(DType::F32, {c.x[size_t(c.axis)]}), dy(DType::F32, c.x) {
    x.fillUniform(seed, -3.0, 3.0), gamma.fillUniform(seed + 1, 0.5, 1.5);
    beta.fillUniform(seed + 2), dy.fillUniform(seed + 3);
  }
};

/// {axis, eps} attributes.
inline std::vector<NamedAttr> layerNormAttrs(int64_t axis) {
  return {{"axis", axis}, {"eps", 1e-5}};
}

} // namespace shodh::testing
