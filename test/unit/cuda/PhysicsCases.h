//===- PhysicsCases.h - The physics calls the CUDA physics tests cover ----===//
//
// Every physics kernel (div_free_project, divergence, divergence_grad, the
// 3D curl and both 2D curls) on 2D and 3D grids with even (Nyquist) and odd
// extents, with unequal box lengths; shared by the host test of the device
// element functions (PhysicsModesTest.cpp) and the GPU parity test.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/physics/PhysicsCall.h"

#include <string>
#include <vector>

namespace shodh::testing {

/// One physics call: kernel name, kind, input and output shapes.
struct PhysicsCase {
  const char *kernel;
  PhysicsKind kind;
  std::vector<int64_t> in, out;
};

/// Shape [B, C, grid...].
inline std::vector<int64_t> fieldOf(int64_t b, int64_t c,
                                    std::vector<int64_t> grid) {
  grid.insert(grid.begin(), {b, c});
  return grid;
}

/// The calls of every physics kernel on `grid` (2D or 3D) with batch `b`.
inline std::vector<PhysicsCase> physicsCases(const std::vector<int64_t> &grid,
                                             int64_t b) {
  int64_t d = int64_t(grid.size());
  std::vector<PhysicsCase> cases = {{"div_free_project", PhysicsKind::Project,
                                     fieldOf(b, d, grid), fieldOf(b, d, grid)},
                                    {"divergence", PhysicsKind::Divergence,
                                     fieldOf(b, d, grid), fieldOf(b, 1, grid)},
                                    {"divergence_grad",
                                     PhysicsKind::DivergenceGrad,
                                     fieldOf(b, 1, grid), fieldOf(b, d, grid)}};
  if (d == 3) {
    cases.push_back(
        {"curl", PhysicsKind::Curl, fieldOf(b, 3, grid), fieldOf(b, 3, grid)});
  } else {
    cases.push_back(
        {"curl", PhysicsKind::Curl, fieldOf(b, 1, grid), fieldOf(b, 2, grid)});
    cases.push_back(
        {"curl", PhysicsKind::Curl, fieldOf(b, 2, grid), fieldOf(b, 1, grid)});
  }
  return cases;
}

/// Grids: even (Nyquist on every axis), odd last axis, all odd, in 2D and
/// 3D, and extents of 1.
inline const std::vector<std::vector<int64_t>> &physicsGrids() {
  static const std::vector<std::vector<int64_t>> grids = {
      {16, 12}, {9, 14}, {15, 7}, {8, 6, 10}, {5, 7, 9}, {1, 4}, {4, 1, 3}};
  return grids;
}

/// Attributes {lengths (unequal, not 2 pi), method} for `d` axes.
inline std::vector<NamedAttr> physicsCaseAttrs(int64_t d,
                                               const std::string &method) {
  std::vector<double> lengths = {1.0, 2.5, 0.75};
  lengths.resize(size_t(d));
  return {{"lengths", lengths}, {"method", method}};
}

} // namespace shodh::testing
