//===- RandomFloats.h - Reproducible uniform test data --------------------===//
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace shodh::testing {

/// `n` floats uniform in [-1, 1) from mt19937(`seed`).
inline std::vector<float> randomFloats(size_t n, uint32_t seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &f : v)
    f = u(g);
  return v;
}

} // namespace shodh::testing
