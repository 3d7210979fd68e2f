//===- SpectralAdjoint.cpp - Adjoints of the spectral mode operations -----===//
//
// The mode weights c_k of the half-spectrum adjoints.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/SpectralAdjoint.h"


namespace shodh {

float halfSpectrumWeight(int64_t index, int64_t lastAxis) {
  bool single = index == 0 || (lastAxis % 2 == 0 && index == lastAxis / 2);
  return single ? 1.0f : 2.0f;
}

std::vector<float> truncatedModeWeights(const SpectralGeometry &g) {
  // The last axis keeps its m_d lowest modes: truncated index = mode index.
  const int64_t last = g.modes.back(), size = g.truncSize();
  std::vector<float> c(static_cast<size_t>(size));
  for (int64_t f = 0; f < size; ++f)
    c[f] = halfSpectrumWeight(f % last, g.grid.back());
  return c;
}

std::vector<float> halfModeWeights(const std::vector<int64_t> &grid) {
  SpectralGeometry g{grid, grid};
  const int64_t last = grid.back() / 2 + 1, size = g.halfSize();
  std::vector<float> c(static_cast<size_t>(size));
  for (int64_t f = 0; f < size; ++f)
    c[f] = halfSpectrumWeight(f % last, grid.back());
  return c;
}

} // namespace shodh
