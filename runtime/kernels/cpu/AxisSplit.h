//===- AxisSplit.h - A shape seen around one channel axis -----------------===//
//
// The kernels that act along one axis (linear and its gradients, the channel
// MLP, on both backends) view a concrete shape as [outer, channels, inner]:
// the product of the dims before the axis, the axis, the product after it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

namespace shodh {

/// [outer, channels, inner] of a shape split at one axis.
struct AxisSplit {
  int64_t outer = 1, channels = 0, inner = 1;
};

/// Splits the concrete `shape` at `axis` (0 <= axis < rank, checked by the
/// caller).
inline AxisSplit splitAt(const std::vector<int64_t> &shape, size_t axis) {
  AxisSplit r;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (d < axis)
      r.outer *= shape[d];
    else if (d == axis)
      r.channels = shape[d];
    else
      r.inner *= shape[d];
  }
  return r;
}

} // namespace shodh
