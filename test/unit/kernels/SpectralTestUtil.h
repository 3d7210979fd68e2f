//===- SpectralTestUtil.h - Helpers of the spectral kernel tests ----------===//
//
// Shared by SpectralKernelsTest.cpp and FourierLayerTest.cpp: random fills,
// shape concatenation, the truncated spectrum's extents and the reference
// activation in double.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "KernelHarness.h"
#include "runtime/kernels/cpu/Reference.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace shodh::testing {

/// Uniform values in [-1, 1) from `seed`.
inline void fillRandom(Buffer &b, uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float &v : b.data)
    v = u(gen);
}

/// a followed by b.
inline std::vector<int64_t> concat(std::vector<int64_t> a,
                                   const std::vector<int64_t> &b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// The truncated spectrum's extents of `modes`: 2m_1.., m_d.
inline std::vector<int64_t>
truncatedExtents(const std::vector<int64_t> &modes) {
  std::vector<int64_t> ts = modes;
  for (size_t a = 0; a + 1 < ts.size(); ++a)
    ts[a] *= 2;
  return ts;
}

/// `activation` (none, gelu, gelu_tanh) of v in double (Reference.h).
inline double activated(const std::string &activation, double v) {
  return activation == "none" ? v
                              : reference::gelu(v, activation == "gelu_tanh");
}

} // namespace shodh::testing
