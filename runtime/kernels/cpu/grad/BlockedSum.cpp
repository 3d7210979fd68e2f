//===- BlockedSum.cpp - Deterministic double-precision reductions ---------===//
//
// See BlockedSum.h: fixed blocks per row, partials combined in block order.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/BlockedSum.h"
#include "runtime/kernels/cpu/VectorClones.h"


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

namespace {

/// sumRow's tail (row[s0, n), fewer than 8, into lanes 0..) and its lanes
/// added in order.
SHODH_INLINE_BODY double finishRow(double (&lane)[8], const float *row,
                                   int64_t s0, int64_t n) {
  for (int j = 0; s0 < n; ++s0, ++j)
    lane[j] += row[s0];
  double sum = 0;
  for (double v : lane)
    sum += v;
  return sum;
}

} // namespace

double sumRow(const float *row, int64_t n) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t s = 0;
  for (; s + 8 <= n; s += 8)
    for (int j = 0; j < 8; ++j)
      lane[j] += row[s + j];
  return finishRow(lane, row, s, n);
}

namespace {

#ifdef SHODH_AVX512_INTRINSICS
/// Four rows from p (rows ld apart): each row's eight lanes one vector of
/// doubles (exact conversions, each lane's additions in sumRow's order),
/// four independent chains; then sumRow's tail and lane sum.
__attribute__((target("avx512f"))) void sumFourRows(const float *p, int64_t ld,
                                                    int64_t n, double *sums) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t s = 0;
  for (; s + 8 <= n; s += 8) {
    a0 = _mm512_add_pd(a0, _mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p + s)));
    a1 = _mm512_add_pd(
        a1, _mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p + ld + s)));
    a2 = _mm512_add_pd(
        a2, _mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p + 2 * ld + s)));
    a3 = _mm512_add_pd(
        a3, _mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p + 3 * ld + s)));
  }
  const __m512d acc[4] = {a0, a1, a2, a3};
  for (int q = 0; q < 4; ++q) {
    double lane[8];
    _mm512_storeu_pd(lane, acc[q]);
    sums[q] += finishRow(lane, p + q * ld, s, n);
  }
}
#endif

} // namespace

void sumRows(const float *rows, int64_t ld, int64_t count, int64_t n,
             double *sums) {
  int64_t r = 0;
#ifdef SHODH_AVX512_INTRINSICS
  if (cpuHasAvx512())
    for (; r + 4 <= count; r += 4)
      sumFourRows(rows + r * ld, ld, n, sums + r);
#endif
  for (; r < count; ++r)
    sums[r] += sumRow(rows + r * ld, n);
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
