//===- MemoryPlanner.h - Offsets for arena tensors from their lifetimes ---===//
//
// Greedy-by-size planning (as in TFLite Micro's GreedyMemoryPlanner):
//   1. Sort buffers by size, largest first (ties: earlier first use, then id).
//   2. For each buffer, collect the already placed buffers whose live ranges
//      [first, last] intersect its own, ordered by offset.
//   3. Place it in the lowest gap between those buffers (aligned) that fits,
//      or after the last one.
// Two buffers whose live ranges intersect never overlap in memory; the peak is
// at most the sum of all sizes (each buffer alone would fit after the others).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

namespace shodh {

/// One buffer to place: size in bytes and inclusive live range.
struct BufferRequest {
  int32_t id = 0;
  uint64_t size = 0;
  int32_t first = 0;
  int32_t last = 0;
};

/// Result of planning.
struct MemoryPlan {
  std::vector<uint64_t> offsets; ///< per request, same order as the input
  uint64_t peakBytes = 0;        ///< arena size needed
  uint64_t naiveBytes = 0;       ///< sum of (aligned) sizes, for comparison
};

/// Plans offsets for `requests`; every offset is a multiple of `alignment`
/// (a power of two). Throws `Error` if sizes overflow 64 bits.
MemoryPlan planMemory(const std::vector<BufferRequest> &requests, uint64_t alignment = 64);

} // namespace shodh
