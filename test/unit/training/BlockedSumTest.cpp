//===- BlockedSumTest.cpp - The double-precision row sums -----------------===//
//
// sumRow against a double loop in its documented order (lane s % 8, then
// the lanes in order), and sumRows (four rows at a time, AVX-512 where the
// CPU has it) against sumRow bit for bit, for row lengths around the
// 8-element lanes and row counts around the 4-row blocks, strided rows.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/BlockedSum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

using namespace shodh;

namespace {

TEST(BlockedSum, SumRowFollowsItsLaneOrder) {
  std::mt19937 g(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int64_t n : {0, 1, 7, 8, 9, 16, 100, 513}) {
    std::vector<float> row(static_cast<size_t>(n));
    for (float &v : row)
      v = u(g) * 1e3f;
    double lane[8] = {};
    for (int64_t s = 0; s < n; ++s)
      lane[s % 8] += row[size_t(s)];
    double want = 0;
    for (double v : lane)
      want += v;
    EXPECT_EQ(sumRow(row.data(), n), want) << "n " << n;
  }
}

TEST(BlockedSum, SumRowsEqualsSumRowBitwise) {
  std::mt19937 g(2);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (int64_t n : {0, 1, 7, 8, 9, 511, 512, 513})
    for (int64_t count : {1, 3, 4, 5, 8, 32, 33}) {
      const int64_t ld = n + 3;
      std::vector<float> rows(size_t(ld * count + 1));
      for (float &v : rows)
        v = u(g);
      std::vector<double> want(size_t(count), 0.25), got = want;
      for (int64_t r = 0; r < count; ++r)
        want[size_t(r)] += sumRow(rows.data() + r * ld, n);
      sumRows(rows.data(), ld, count, n, got.data());
      EXPECT_EQ(got, want) << "n " << n << ", " << count << " rows";
    }
}

} // namespace
