//===- WeightGemmTest.cpp - WeightGemm's two paths against a double loop --===//
//
// C = (C or 0) + A B^T for shapes around the kernel's blocks (row blocks of
// 12 / 8 / 4 and a clamped tail of 1 to 3 rows; 32-column strips with
// 16-lane halves: n one below / at / one above, and the cblas path below
// 8 rows or columns; positions in 512-chunks and 4 x 4 transposes: k one
// below / at / one above, tails of 1 to 3), strided operands, overwrite and
// accumulate, through the AVX-512 kernel (where the CPU has it) and through
// cblas. Tolerance per element: (k + 2) u times the sum of the magnitudes of
// its terms. Columns of C past n and the row past m must stay untouched. The
// kernel's sum order is fixed, so its results cannot depend on how a caller
// cuts the positions into calls beyond the calls themselves: checked bitwise
// for one split, and C^T from the swapped operands is C's transpose bit for
// bit.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/WeightGemm.h"

#include "RandomFloats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace shodh;
using shodh::testing::randomFloats;

namespace {

/// Runs C[m x n] (+)= A B^T with the kernel on or off and checks every
/// element against a double sum.
void check(int64_t m, int64_t n, int64_t k, bool accumulate, bool kernel) {
  SCOPED_TRACE("m " + std::to_string(m) + " n " + std::to_string(n) + " k " +
               std::to_string(k) + (accumulate ? " accumulate" : "") +
               (kernel ? " kernel" : " cblas"));
  const int64_t lda = k + 3, ldb = k + 5, ldc = n + 2;
  std::vector<float> a = randomFloats(size_t(lda * m + 1), 1),
                     b = randomFloats(size_t(ldb * n + 1), 2);
  std::vector<float> c =
      randomFloats(size_t(ldc * (m + 1)), 3); // a spare row past m
  const std::vector<float> before = c;
  WeightGemm g;
  g.m = m, g.n = n, g.k = k;
  g.a = a.data(), g.lda = lda, g.b = b.data(), g.ldb = ldb, g.c = c.data(),
  g.ldc = ldc;
  g.accumulate = accumulate;
  setWeightGemmKernel(kernel);
  g.run();
  setWeightGemmKernel(true);
  const double u = std::ldexp(1.0, -24);
  for (int64_t r = 0; r <= m; ++r)
    for (int64_t j = 0; j < ldc; ++j) {
      const size_t at = size_t(r * ldc + j);
      if (r == m || j >= n) {
        ASSERT_EQ(c[at], before[at])
            << "wrote outside C at row " << r << " column " << j;
        continue;
      }
      double want = accumulate ? before[at] : 0.0, mag = std::fabs(want);
      for (int64_t q = 0; q < k; ++q) {
        double t = double(a[size_t(r * lda + q)]) * b[size_t(j * ldb + q)];
        want += t, mag += std::fabs(t);
      }
      ASSERT_NEAR(c[at], want, (double(k) + 2) * u * mag + 1e-30)
          << "row " << r << " column " << j;
    }
}

TEST(WeightGemm, MatchesDoubleOnBothPaths) {
  for (int64_t m : {1, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 16, 21, 32})
    for (int64_t n : {1, 3, 15, 16, 17, 31, 32, 33, 70})
      for (int64_t k : {1, 3, 127, 511, 512, 513, 1030})
        for (bool kernel : {true, false})
          check(m, n, k, (m + n + k) % 2 == 1, kernel);
}

TEST(WeightGemm, OverwriteAndAccumulate) {
  for (bool accumulate : {false, true})
    for (bool kernel : {true, false}) {
      check(32, 32, 512, accumulate, kernel);  // a skip linear's unit
      check(128, 32, 512, accumulate, kernel); // the channel MLP's tile
    }
}

TEST(WeightGemm, NoPositionsLeavesOrClearsC) {
  for (bool kernel : {true, false}) {
    check(9, 20, 0, false, kernel); // run() sends k = 0 to the cblas form
    check(9, 20, 0, true, kernel);
  }
}

TEST(WeightGemm, SplitIntoCallsIsTheSumInOrder) {
  // Positions [0, 1030) in one call, or [0, 170) then [170, 1030) with
  // accumulate: the kernel adds each position in order either way.
  if (!weightGemmKernelActive())
    GTEST_SKIP() << "no AVX-512 on this CPU: the cblas path promises no order";
  const int64_t m = 20, n = 40, k = 1030;
  std::vector<float> a = randomFloats(size_t(m * k), 4),
                     b = randomFloats(size_t(n * k), 5);
  std::vector<float> whole(size_t(m * n)), split(size_t(m * n));
  WeightGemm g;
  g.m = m, g.n = n, g.k = k, g.a = a.data(), g.lda = k, g.b = b.data(),
  g.ldb = k;
  g.c = whole.data(), g.ldc = n;
  g.run();
  g.c = split.data(), g.k = 170;
  g.run();
  g.a += 170, g.b += 170, g.k = 860, g.accumulate = true;
  g.run();
  EXPECT_EQ(whole, split);
}

TEST(WeightGemm, SwappedOperandsGiveTheTranspose) {
  // A B^T and B A^T on the kernel (both sides >= 8): each element the same
  // FMAs of the same products.
  if (!weightGemmKernelActive())
    GTEST_SKIP() << "no AVX-512 on this CPU: the cblas path promises no order";
  for (auto [m, n] : {std::pair<int64_t, int64_t>{32, 32}, {16, 8}, {13, 40}}) {
    const int64_t k = 700;
    std::vector<float> a = randomFloats(size_t(m * k), 6),
                       b = randomFloats(size_t(n * k), 7);
    std::vector<float> c(size_t(m * n)), ct(size_t(n * m));
    WeightGemm g;
    g.m = m, g.n = n, g.k = k, g.a = a.data(), g.lda = k, g.b = b.data(),
    g.ldb = k;
    g.c = c.data(), g.ldc = n;
    g.run();
    WeightGemm t;
    t.m = n, t.n = m, t.k = k, t.a = b.data(), t.lda = k, t.b = a.data(),
    t.ldb = k;
    t.c = ct.data(), t.ldc = m;
    t.run();
    for (int64_t r = 0; r < m; ++r)
      for (int64_t j = 0; j < n; ++j)
        ASSERT_EQ(c[size_t(r * n + j)], ct[size_t(j * m + r)])
            << m << " x " << n << " at " << r << ", " << j;
  }
}

TEST(WeightGemm, KernelActiveFollowsTheHook) {
  setWeightGemmKernel(false);
  EXPECT_FALSE(weightGemmKernelActive());
  setWeightGemmKernel(true);
#if defined(__x86_64__)
  EXPECT_EQ(weightGemmKernelActive(), bool(__builtin_cpu_supports("avx512f")));
#else
  EXPECT_FALSE(weightGemmKernelActive());
#endif
}

} // namespace
