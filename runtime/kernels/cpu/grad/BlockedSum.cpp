//===- BlockedSum.cpp - Deterministic double-precision reductions ---------===//
//
// See BlockedSum.h: fixed blocks per row, partials combined in block order.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/BlockedSum.h"

#include <algorithm>

namespace shodh {

std::vector<double> blockedRowSums(ThreadPool *pool, int64_t rows,
                                   int64_t rowLength, const BlockTerm &term) {
  const int64_t blocks =
      std::max<int64_t>(1, (rowLength + kReduceBlock - 1) / kReduceBlock);
  std::vector<double> partial(static_cast<size_t>(rows * blocks), 0.0);
  parallelFor(pool, rows * blocks, 1, [&](int64_t u0, int64_t u1) {
    for (int64_t u = u0; u < u1; ++u) {
      int64_t row = u / blocks, begin = (u % blocks) * kReduceBlock;
      partial[u] = term(row, begin, std::min(rowLength, begin + kReduceBlock));
    }
  });
  std::vector<double> sums(static_cast<size_t>(rows), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t b = 0; b < blocks; ++b)
      sums[r] += partial[r * blocks + b];
  return sums;
}

double sumRow(const float *row, int64_t n) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t s = 0;
  for (; s + 8 <= n; s += 8)
    for (int j = 0; j < 8; ++j)
      lane[j] += row[s + j];
  for (int j = 0; s < n; ++s, ++j)
    lane[j] += row[s];
  double sum = 0;
  for (double v : lane)
    sum += v;
  return sum;
}

double sumOfSquares(const float *v, int64_t n) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i)
    acc += double(v[i]) * double(v[i]);
  return acc;
}

double sumOfSquaredDifferences(const float *a, const float *b, int64_t n) {
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    double d = double(a[i]) - double(b[i]);
    acc += d * d;
  }
  return acc;
}

} // namespace shodh
