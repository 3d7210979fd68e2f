//===- ExpertSupport.h - Shared pieces of the CPU expert kernels ----------===//
//
// The ragged layout of docs/experts.md: `offsets` (E+1 i64) splits the B·R
// flattened token rows into expert groups [offsets[e], offsets[e+1]); rows
// at or past offsets[E] were dropped by capacity and are written as zeros.
// `readOffsets` validates the runtime values (a corrupt offsets tensor
// would otherwise index out of bounds); `rowBlocks` cuts the groups into
// fixed-size blocks, the parallel work units, so that the partition (and
// with it every result) depends only on the offsets, never on the number
// of threads.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

/// Rows per work unit of the row-parallel expert loops.
constexpr int64_t kExpertRowBlock = 32;

/// Reads `offsets` (E+1 i64) and checks offsets[0] = 0, non-decreasing and
/// offsets[E] <= rows; throws `Error` naming `where` otherwise.
inline std::vector<int64_t> readOffsets(const std::string &where,
                                        const TensorRef &offsets,
                                        int64_t experts, int64_t rows) {
  const int64_t *p = offsets.as<int64_t>();
  std::vector<int64_t> off(p, p + experts + 1);
  if (off[0] != 0)
    throw Error(fmt::format("{}: offsets[0] must be 0, got {}", where, off[0]));
  for (int64_t e = 0; e < experts; ++e)
    if (off[e + 1] < off[e])
      throw Error(fmt::format("{}: offsets must be non-decreasing, got "
                              "offsets[{}] = {} < offsets[{}] = {}",
                              where, e + 1, off[e + 1], e, off[e]));
  if (off[experts] > rows)
    throw Error(fmt::format("{}: offsets[E] = {} exceeds the {} token rows",
                            where, off[experts], rows));
  return off;
}

/// One work unit: rows [begin, end) of expert `expert`.
struct RowBlock {
  int64_t expert, begin, end;
};

/// The groups of `off` cut into blocks of at most `block` rows, in order.
inline std::vector<RowBlock> rowBlocks(const std::vector<int64_t> &off,
                                       int64_t block = kExpertRowBlock) {
  std::vector<RowBlock> blocks;
  for (size_t e = 0; e + 1 < off.size(); ++e)
    for (int64_t r = off[e]; r < off[e + 1]; r += block)
      blocks.push_back({int64_t(e), r, std::min(r + block, off[e + 1])});
  return blocks;
}

/// The expert of every kept row (rows < off[E]).
inline std::vector<int32_t> rowExperts(const std::vector<int64_t> &off) {
  std::vector<int32_t> owner(size_t(off.back()));
  for (size_t e = 0; e + 1 < off.size(); ++e)
    std::fill(owner.begin() + off[e], owner.begin() + off[e + 1], int32_t(e));
  return owner;
}

/// Product of `s[from..]`.
inline int64_t productFrom(const std::vector<int64_t> &s, size_t from) {
  int64_t n = 1;
  for (size_t i = from; i < s.size(); ++i)
    n *= s[i];
  return n;
}

} // namespace shodh
