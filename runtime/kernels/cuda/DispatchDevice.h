//===- DispatchDevice.h - Index code of the CUDA dispatch and its inverse -===//
//
// dispatch's stable counting sort by expert and the inverse of `source`
// (docs/experts.md § The ragged token layout), as `__host__ __device__`
// steps that Ragged.cu runs in parallel and a host test
// (test/unit/cuda/RoutingModesTest.cpp) runs in loops against the CPU
// kernel. Only integers are involved, so the results are exact; no step
// depends on the order in which threads run (counts use integer atomics,
// positions come from ranks):
//   1. rank: the R = B·T·k assignments are cut into chunks of kSortChunk;
//      assignment a's rank in its chunk is the number of earlier
//      assignments of the chunk with the same expert; counts[c, e] is the
//      chunk's histogram.
//   2. scan (one thread per expert): base[c, e] = the expert's assignments
//      in chunks before c, total[e] = all of them; then one thread sets
//      offsets (kept = min(total, cap) per expert) and where each expert's
//      dropped rows start (after all kept rows, experts in order).
//   3. place: rank = base + chunk rank; kept rows at offsets[e] + rank,
//      the others at dropStart[e] + rank - kept_e: exactly the CPU's order
//      (kept rows by (expert, assignment), then dropped rows the same way).
// The inverse (combine, combine_grad, dispatch_grad) checks `source` as the
// CPU's invertSource does and reports the same first offending row: the
// first row holding a given assignment is found with an integer atomicMin,
// a row is bad if its entry is out of range or not that first row.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define SHODH_DISPATCH_HD __host__ __device__
#else
#define SHODH_DISPATCH_HD
#endif

namespace shodh::cuda {

/// Assignments per chunk of the sort (the threads of one block).
constexpr int64_t kSortChunk = 256;

/// Step 1: the rank of assignment a among the earlier assignments of its
/// chunk with the same (valid) expert id.
SHODH_DISPATCH_HD inline int64_t dispatchChunkRank(const int64_t *ids,
                                                   int64_t a) {
  const int64_t begin = a - a % kSortChunk, e = ids[a];
  int64_t rank = 0;
  for (int64_t j = begin; j < a; ++j)
    rank += ids[j] == e ? 1 : 0;
  return rank;
}

/// Step 2a, expert e: base[c, e] over the `chunks` chunks and total[e].
SHODH_DISPATCH_HD inline void
dispatchScanExpert(const int64_t *counts, int64_t chunks, int64_t experts,
                   int64_t e, int64_t *base, int64_t *total) {
  int64_t run = 0;
  for (int64_t c = 0; c < chunks; ++c) {
    base[c * experts + e] = run;
    run += counts[c * experts + e];
  }
  total[e] = run;
}

/// Step 2b (one thread): offsets (E+1) and dropStart (E) from the totals
/// and the capacity `cap` (rows per expert).
SHODH_DISPATCH_HD inline void dispatchOffsets(const int64_t *total,
                                              int64_t experts, int64_t cap,
                                              int64_t *offsets,
                                              int64_t *dropStart) {
  offsets[0] = 0;
  for (int64_t e = 0; e < experts; ++e)
    offsets[e + 1] = offsets[e] + (total[e] < cap ? total[e] : cap);
  int64_t drop = offsets[experts];
  for (int64_t e = 0; e < experts; ++e) {
    dropStart[e] = drop;
    int64_t keptE = offsets[e + 1] - offsets[e];
    drop += total[e] - keptE;
  }
}

/// Step 3: the sorted row of assignment a with expert e and chunk rank.
SHODH_DISPATCH_HD inline int64_t dispatchRowOf(const int64_t *base,
                                               const int64_t *offsets,
                                               const int64_t *dropStart,
                                               int64_t experts, int64_t a,
                                               int64_t e, int64_t chunkRank) {
  const int64_t rank = base[(a / kSortChunk) * experts + e] + chunkRank;
  const int64_t keptE = offsets[e + 1] - offsets[e];
  return rank < keptE ? offsets[e] + rank : dropStart[e] + rank - keptE;
}

/// The gather: sorted[r, i] = tokens[source[r] / k, i] for kept rows, else 0.
SHODH_DISPATCH_HD inline float
dispatchGatherAt(const float *x, const int64_t *source, int64_t kept, int64_t r,
                 int64_t i, int64_t k, int64_t len) {
  return r < kept ? x[(source[r] / k) * len + i] : 0.0f;
}

/// Why the offsets of a ragged call are invalid (invertSource's order).
enum class OffsetsFault : int64_t {
  None = 0,
  FirstNotZero = 1, ///< offsets[0] != 0
  Decreasing = 2,   ///< offsets[e + 1] < offsets[e] (index e)
  PastRows = 3,     ///< offsets[E] > rows
};

/// The first fault of `offsets` (E+1 entries) for `rows` rows; `at`
/// receives the expert of a Decreasing fault.
SHODH_DISPATCH_HD inline OffsetsFault checkOffsets(const int64_t *offsets,
                                                   int64_t experts,
                                                   int64_t rows, int64_t &at) {
  at = 0;
  if (offsets[0] != 0)
    return OffsetsFault::FirstNotZero;
  for (int64_t e = 0; e < experts; ++e)
    if (offsets[e + 1] < offsets[e]) {
      at = e;
      return OffsetsFault::Decreasing;
    }
  return offsets[experts] > rows ? OffsetsFault::PastRows : OffsetsFault::None;
}

/// Inverse, pass 2 for row r, given first[a] = the first row holding a
/// (from pass 1, an atomicMin): true if row r is bad (entry outside
/// [0, rows) or a repeat); otherwise sets rowOf[source[r]] (r if kept, -1
/// if dropped).
SHODH_DISPATCH_HD inline bool invertRow(const int64_t *source,
                                        const uint64_t *first, int64_t kept,
                                        int64_t rows, int64_t r,
                                        int64_t *rowOf) {
  const int64_t a = source[r];
  if (a < 0 || a >= rows || first[a] != uint64_t(r))
    return true;
  rowOf[a] = r < kept ? r : -1;
  return false;
}

} // namespace shodh::cuda
