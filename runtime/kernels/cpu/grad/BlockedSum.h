//===- BlockedSum.h - Deterministic double-precision reductions -----------===//
//
// Reductions whose rounding does not depend on the thread count: a row of
// `rowLength` elements is cut into fixed blocks of kReduceBlock elements
// (a partition that depends only on the shape), each block is summed
// sequentially in double by whichever thread the pool assigns it to, and the
// block partials of a row are then added in block order on the caller. The
// losses, bias gradients and the global gradient norm use it, so their
// results are bit-identical for every thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/ThreadPool.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace shodh {

/// Elements per block of a deterministic reduction.
constexpr int64_t kReduceBlock = 16384;

/// Partial sum of row `row` over elements [begin, end), in double.
using BlockTerm =
    std::function<double(int64_t row, int64_t begin, int64_t end)>;

/// For each of `rows` rows of `rowLength` elements, the sum of `term` over
/// the row's fixed blocks, added in block order (see the file comment).
/// `pool` may be null (runs inline).
std::vector<double> blockedRowSums(ThreadPool *pool, int64_t rows,
                                   int64_t rowLength, const BlockTerm &term);

/// Sum of row[0, n) in double: eight lanes (vectorised), lane s % 8 takes
/// element s, the lanes then added in order; a fixed order (the bias
/// gradients of linear_grad_params and the fused layer gradient).
double sumRow(const float *row, int64_t n);

/// sums[r] += sumRow(rows + r * ld, n) for r < count, bit for bit: four
/// rows at a time, each row's eight lanes one AVX-512 vector of doubles
/// where the CPU has it (the baseline build's sumRow adds two lanes per
/// SSE2 instruction), every lane's additions in the same order.
void sumRows(const float *rows, int64_t ld, int64_t count, int64_t n,
             double *sums);

/// Sequential sum of v[i]^2 over [0, n), in double.
double sumOfSquares(const float *v, int64_t n);

/// Sequential sum of (a[i] - b[i])^2 over [0, n), in double.
double sumOfSquaredDifferences(const float *a, const float *b, int64_t n);

} // namespace shodh
