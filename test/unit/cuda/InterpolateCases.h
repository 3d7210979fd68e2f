//===- InterpolateCases.h - The interpolate calls the CUDA tests cover ----===//
//
// Resampling problems for interpolate and interpolate_grad, shared by the
// host test of the per-element functions (InterpolateModesTest.cpp) and
// the GPU parity test (InterpolateParityTest.cpp): 1-D, 2-D and 3-D; up-
// and downsampling by integer and non-integer ratios; identity axes (n =
// s); a 1-point input (both taps on index 0 with nonzero weight), a
// 1-point output; strong downsampling (input points no output reads);
// upsampling whose last taps clamp (i0 = i1 = n - 1 with nonzero weight);
// one to three leading axes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/runtime/CpuKernelHarness.h"

#include <cstring>
#include <limits>
#include <vector>

namespace shodh::testing {

/// Leading axes, input grid (x of interpolate) and output grid (`size`).
struct InterpolateCase {
  std::vector<int64_t> lead, in, out;

  /// x's (dx's) shape.
  std::vector<int64_t> xShape() const { return join(in); }
  /// y's (dy's) shape.
  std::vector<int64_t> yShape() const { return join(out); }
  /// The attributes of interpolate (`size` = out, mode linear).
  std::vector<NamedAttr> forwardAttrs() const {
    return {{"size", out}, {"mode", std::string("linear")}};
  }
  /// The attributes of interpolate_grad (`size` = in).
  std::vector<NamedAttr> gradAttrs() const { return {{"size", in}}; }

private:
  std::vector<int64_t> join(const std::vector<int64_t> &grid) const {
    std::vector<int64_t> s = lead;
    s.insert(s.end(), grid.begin(), grid.end());
    return s;
  }
};

inline const std::vector<InterpolateCase> &interpolateCases() {
  static const std::vector<InterpolateCase> cases = {
      {{2}, {5}, {8}},                   // 1-D up, ratio 5/8
      {{3}, {7}, {3}},                   // 1-D down, ratio 7/3
      {{1, 2}, {1}, {5}},                // one input point
      {{2}, {9}, {1}},                   // one output point
      {{1}, {2}, {7}},                   // up 3.5x, clamped last taps
      {{2, 3}, {4, 6}, {5, 3}},          // 2-D, up and down
      {{1, 1}, {6, 5}, {4, 2}},          // 2-D down
      {{2}, {3, 4}, {3, 7}},             // identity outer axis
      {{1, 2}, {17, 5}, {3, 11}},        // 17 -> 3: unread input rows
      {{2, 3}, {31, 32}, {64, 64}},      // a resolution change of an expert
      {{2, 4}, {64, 64}, {32, 32}},      // and back down
      {{2}, {2, 3, 2}, {3, 2, 4}},       // 3-D
      {{1, 2}, {5, 4, 3}, {2, 7, 3}},    // 3-D, identity last axis
      {{3}, {4, 4, 4}, {4, 4, 4}},       // every axis the identity
      {{2, 1, 3}, {2, 9, 6}, {7, 4, 13}} // 3-D, three leading axes
  };
  return cases;
}

/// Fills an f32 tensor with quiet NaNs (outputs every element of which a
/// kernel must write).
inline void fillNan(HostTensor &t) {
  for (int64_t i = 0; i < t.numel(); ++i)
    t.f32()[i] = std::numeric_limits<float>::quiet_NaN();
}

/// The first index at which two f32 tensors differ bitwise, or -1.
inline int64_t firstBitDifference(const HostTensor &a, const HostTensor &b) {
  if (a.numel() != b.numel())
    return 0;
  for (int64_t i = 0; i < a.numel(); ++i)
    if (std::memcmp(a.f32() + i, b.f32() + i, sizeof(float)) != 0)
      return i;
  return -1;
}

} // namespace shodh::testing
