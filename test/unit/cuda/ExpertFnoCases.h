//===- ExpertFnoCases.h - Inputs of the CUDA expert_fno tests -------------===//
//
// Seeded expert_fno problems shared by the host test of the CUDA schedule
// (ExpertFnoModesTest.cpp) and the GPU parity test
// (ExpertFnoParityTest.cpp): 2-D and 3-D patch tokens, even and odd
// extents, experts with different mode counts, ragged groups with an
// empty expert (first, middle, last), a one-row group, dropped rows and a
// call whose rows are all dropped.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace shodh::testing {

/// Sets every float of `t` to `value`.
inline void fillAllFloats(HostTensor &t, float value) {
  float *p = reinterpret_cast<float *>(t.storage.data());
  std::fill(p, p + t.storage.size() / sizeof(float), value);
}

/// One expert_fno call: x [B, R, C, grid], E = modes.size() experts with
/// groups `offsets`, O output channels; parameters and dy seeded.
struct FnoCase {
  std::vector<int64_t> grid, modes, offsets;
  int64_t B, R, C, O, E, mmax;
  HostTensor x, off, wspec, wskip, bskip, dy;

  FnoCase(std::vector<int64_t> g, std::vector<int64_t> m, int64_t b, int64_t r,
          int64_t c, int64_t o, std::vector<int64_t> groups, uint32_t seed)
      : grid(std::move(g)), modes(std::move(m)), offsets(std::move(groups)),
        B(b), R(r), C(c), O(o), E(int64_t(modes.size())),
        mmax(*std::max_element(modes.begin(), modes.end())),
        x(DType::F32, field(C)), off(DType::I64, {E + 1}),
        wspec(DType::C64, spectralShape()), wskip(DType::F32, {E, O, C}),
        bskip(DType::F32, {E, O}), dy(DType::F32, field(O)) {
    std::memcpy(off.storage.data(), offsets.data(),
                sizeof(int64_t) * offsets.size());
    x.fillUniform(seed, -1.0f, 1.0f);
    wspec.fillUniform(seed + 1, -0.5f, 0.5f);
    wskip.fillUniform(seed + 2, -0.5f, 0.5f);
    bskip.fillUniform(seed + 3, -1.0f, 1.0f);
    dy.fillUniform(seed + 4, -1.0f, 1.0f);
  }

  /// [B, R, channels, grid...].
  std::vector<int64_t> field(int64_t channels) const {
    std::vector<int64_t> s = {B, R, channels};
    s.insert(s.end(), grid.begin(), grid.end());
    return s;
  }
  /// [E, C, O, 2mmax.., mmax].
  std::vector<int64_t> spectralShape() const {
    std::vector<int64_t> s = {E, C, O};
    for (size_t a = 0; a < grid.size(); ++a)
      s.push_back(a + 1 == grid.size() ? mmax : 2 * mmax);
    return s;
  }
  std::vector<NamedAttr> attrs() const { return {{"modes", modes}}; }
  std::string name() const {
    return fmt::format("grid [{}], modes [{}], offsets [{}] of {} rows",
                       fmt::join(grid, ", "), fmt::join(modes, ", "),
                       fmt::join(offsets, ", "), B * R);
  }
};

/// The problems of both tests.
inline std::vector<FnoCase> fnoCases() {
  std::vector<FnoCase> cases;
  // Expert 1 empty, row 5 dropped (the CPU test's layout).
  cases.emplace_back(std::vector<int64_t>{8, 6}, std::vector<int64_t>{2, 1, 3},
                     2, 3, 2, 3, std::vector<int64_t>{0, 3, 3, 5}, 11);
  // 16x16 patches, 4 experts: expert 0 empty, expert 1 one row, 3 dropped.
  cases.emplace_back(std::vector<int64_t>{16, 16},
                     std::vector<int64_t>{4, 8, 2, 8}, 3, 10, 4, 5,
                     std::vector<int64_t>{0, 0, 1, 12, 27}, 21);
  // 3-D patches, last expert empty, every row kept.
  cases.emplace_back(std::vector<int64_t>{4, 4, 6},
                     std::vector<int64_t>{1, 2, 2}, 2, 4, 3, 2,
                     std::vector<int64_t>{0, 5, 8, 8}, 31);
  // Odd extents (no Nyquist column), two experts.
  cases.emplace_back(std::vector<int64_t>{6, 9}, std::vector<int64_t>{3, 1}, 1,
                     5, 3, 3, std::vector<int64_t>{0, 2, 5}, 41);
  // Every row dropped.
  cases.emplace_back(std::vector<int64_t>{8, 8}, std::vector<int64_t>{2, 3}, 1,
                     4, 2, 2, std::vector<int64_t>{0, 0, 0}, 51);
  return cases;
}

} // namespace shodh::testing
