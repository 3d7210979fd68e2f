//===- MemoryPlanner.cpp - Greedy-by-size placement of arena buffers ------===//
//
// Implements the algorithm documented in MemoryPlanner.h. Sizes are rounded
// up to the alignment first; all sums are overflow-checked. O(n^2 log n) for
// n buffers, which is small next to running the program once.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/MemoryPlanner.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace shodh {

namespace {

/// a + b, or throws naming `what` if it overflows 64 bits.
uint64_t checkedAdd(uint64_t a, uint64_t b, const char *what) {
  uint64_t s;
  if (__builtin_add_overflow(a, b, &s))
    throw Error(fmt::format("memory plan: {} overflows 64 bits", what));
  return s;
}

/// `size` rounded up to a multiple of `alignment` (a power of two).
uint64_t alignUp(uint64_t size, uint64_t alignment) {
  return checkedAdd(size, alignment - 1, "aligned buffer size") &
         ~(alignment - 1);
}

/// True if the inclusive live ranges of `a` and `b` share a call.
bool liveTogether(const BufferRequest &a, const BufferRequest &b) {
  return a.first <= b.last && b.first <= a.last;
}

/// Request indices in placement order: size descending, then first use, then
/// id.
std::vector<size_t> placementOrder(const std::vector<BufferRequest> &reqs) {
  std::vector<size_t> order(reqs.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) {
    const BufferRequest &a = reqs[i], &b = reqs[j];
    if (a.size != b.size)
      return a.size > b.size;
    if (a.first != b.first)
      return a.first < b.first;
    return a.id < b.id;
  });
  return order;
}

/// A placed buffer: [offset, offset + size) for the request at `index`.
struct Placed {
  uint64_t offset;
  uint64_t size;
  size_t index;
};

/// Lowest aligned offset at which `size` bytes fit between the `conflicts`
/// (sorted by offset), or after the last of them.
uint64_t lowestGap(const std::vector<Placed> &conflicts, uint64_t size,
                   uint64_t alignment) {
  uint64_t candidate = 0;
  for (const Placed &p : conflicts) {
    if (checkedAdd(candidate, size, "buffer end") <= p.offset)
      return candidate;
    uint64_t end = checkedAdd(p.offset, p.size, "buffer end");
    candidate = std::max(candidate, alignUp(end, alignment));
  }
  return candidate;
}

} // namespace

MemoryPlan planMemory(const std::vector<BufferRequest> &requests,
                      uint64_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw Error(fmt::format("memory plan: alignment {} is not a power of two",
                            alignment));
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<Placed> placed;
  for (size_t i : placementOrder(requests)) {
    uint64_t size = alignUp(requests[i].size, alignment);
    plan.naiveBytes = checkedAdd(plan.naiveBytes, size, "total size");
    std::vector<Placed> conflicts;
    for (const Placed &p : placed)
      if (liveTogether(requests[p.index], requests[i]))
        conflicts.push_back(p);
    std::sort(
        conflicts.begin(), conflicts.end(),
        [](const Placed &a, const Placed &b) { return a.offset < b.offset; });
    uint64_t offset = lowestGap(conflicts, size, alignment);
    plan.offsets[i] = offset;
    plan.peakBytes =
        std::max(plan.peakBytes, checkedAdd(offset, size, "arena size"));
    placed.push_back(Placed{offset, size, i});
  }
  return plan;
}

} // namespace shodh
