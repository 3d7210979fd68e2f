//===- SmallGemmTest.cpp - SmallGemm's two paths against a double loop ----===//
//
// Y = bias + A X (+ addend) for shapes around the kernel's blocks (8 rows,
// 48 columns: m, n one below / at / one above, tails of 1), depths 0 to past
// the kernel's limit of 128, A row-major and transposed, strided X and Y,
// with and without bias, with a separate addend and with Y as its own
// addend; through the AVX-512 kernel (where the CPU has it) and through
// cblas. Tolerance per element: (k + 2) u times the sum of the magnitudes
// of its terms (a sum of k + 2 rounded terms in any order, with FMA).
// Columns of Y outside the product and rows past m must stay untouched.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/SmallGemm.h"

#include "RandomFloats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace shodh;
using shodh::testing::randomFloats;

namespace {

enum class Addend { None, Separate, InPlace };

struct Case {
  int64_t m, n, k;
  bool transA, bias;
  Addend addend;
};

/// Runs one case with the kernel on or off and checks every element.
void check(const Case &c, bool kernel) {
  SCOPED_TRACE("m " + std::to_string(c.m) + " n " + std::to_string(c.n) +
               " k " + std::to_string(c.k) + (c.transA ? " A^T" : "") +
               (c.bias ? " bias" : "") + " addend " +
               std::to_string(int(c.addend)) + (kernel ? " kernel" : " cblas"));
  const int64_t ldx = c.n + 5, ldy = c.n + 3, lda = (c.transA ? c.m : c.k) + 2;
  std::vector<float> a =
      randomFloats(size_t(lda * (c.transA ? c.k : c.m) + 1), 1);
  std::vector<float> x = randomFloats(size_t(ldx * c.k + 1), 2);
  std::vector<float> bias = randomFloats(size_t(c.m), 3);
  std::vector<float> addend = randomFloats(size_t(ldy * c.m), 4);
  // One spare row past m: it must not be written.
  std::vector<float> y =
      c.addend == Addend::InPlace ? addend : randomFloats(size_t(ldy * c.m), 5);
  y.resize(size_t(ldy * (c.m + 1)), 7.0f);
  const std::vector<float> before = y;

  SmallGemm g;
  g.m = c.m, g.n = c.n, g.k = c.k;
  g.a = a.data();
  g.aRowStride = c.transA ? 1 : lda;
  g.aColStride = c.transA ? lda : 1;
  g.x = x.data(), g.ldx = ldx;
  g.bias = c.bias ? bias.data() : nullptr;
  g.addend = c.addend == Addend::Separate  ? addend.data()
             : c.addend == Addend::InPlace ? y.data()
                                           : nullptr;
  g.ldAddend = ldy;
  g.y = y.data(), g.ldy = ldy;
  setSmallGemmKernel(kernel);
  g.run();
  setSmallGemmKernel(true);

  const double u = std::ldexp(1.0, -24);
  for (int64_t r = 0; r <= c.m; ++r)
    for (int64_t j = 0; j < ldy; ++j) {
      const size_t at = size_t(r * ldy + j);
      if (r == c.m || j >= c.n) {
        ASSERT_EQ(y[at], before[at])
            << "wrote outside Y at row " << r << " column " << j;
        continue;
      }
      double want = c.bias ? bias[size_t(r)] : 0.0, mag = std::fabs(want);
      for (int64_t k = 0; k < c.k; ++k) {
        double t = double(a[size_t(c.transA ? k * lda + r : r * lda + k)]) *
                   x[size_t(k * ldx + j)];
        want += t, mag += std::fabs(t);
      }
      if (c.addend != Addend::None) {
        double add = c.addend == Addend::Separate ? addend[at] : before[at];
        want += add, mag += std::fabs(add);
      }
      ASSERT_NEAR(y[at], want, (double(c.k) + 2) * u * mag + 1e-30)
          << "row " << r << " column " << j;
    }
}

TEST(SmallGemm, MatchesDoubleOnBothPaths) {
  for (int64_t m : {1, 7, 8, 9, 32, 33})
    for (int64_t n : {1, 15, 16, 17, 32, 33, 47, 48, 49, 80, 131, 512})
      for (int64_t k : {0, 1, 3, 32})
        for (bool kernel : {true, false}) {
          check({m, n, k, false, true, Addend::None}, kernel);
          check({m, n, k, true, false, Addend::InPlace}, kernel);
        }
}

TEST(SmallGemm, BiasAndAddendCombinations) {
  for (Addend add : {Addend::None, Addend::Separate, Addend::InPlace})
    for (bool bias : {false, true})
      for (bool transA : {false, true})
        for (bool kernel : {true, false})
          check({24, 100, 5, transA, bias, add}, kernel);
}

TEST(SmallGemm, DepthsAroundTheKernelLimit) {
  // 128 is the deepest product the kernel takes, 129 goes through cblas.
  for (int64_t k : {127, 128, 129})
    for (bool kernel : {true, false})
      check({16, 64, k, k % 2 == 0, true, Addend::Separate}, kernel);
}

TEST(SmallGemm, ChannelMlpShape) {
  check({128, 512, 32, false, true, Addend::None}, true); // the hidden tile
  check({32, 512, 128, true, false, Addend::None}, true); // its input gradient
}

/// Y of the product streamed and stored plainly, bitwise equal (the same
/// sums), nothing written outside Y: on a 64-byte aligned Y with rows a
/// multiple of 16 floats apart (whole vectors streamed, masked tails stored
/// plainly; shift 0), and shifted by one float (nothing aligned: all plain
/// stores).
void checkStreaming(int64_t n, int64_t shift) {
  const int64_t m = 17, k = 32, ldy = (n + 15) / 16 * 16 + 16;
  std::vector<float> a = randomFloats(size_t(m * k), 1),
                     x = randomFloats(size_t(k * n), 2);
  std::vector<float> bias = randomFloats(size_t(m), 3);
  std::vector<std::vector<float>> ys;
  for (bool stream : {false, true}) {
    std::vector<float> buf(size_t(ldy * (m + 1) + 32), 7.0f);
    float *y = buf.data() +
               (64 - reinterpret_cast<uintptr_t>(buf.data()) % 64) % 64 /
                   sizeof(float) +
               shift;
    SmallGemm g;
    g.m = m, g.n = n, g.k = k;
    g.a = a.data(), g.aRowStride = k;
    g.x = x.data(), g.ldx = n;
    g.bias = bias.data();
    g.y = y, g.ldy = ldy;
    g.stream = stream;
    g.run();
    ys.push_back(buf);
  }
  ASSERT_EQ(ys[0], ys[1]) << "shift " << shift;
  EXPECT_EQ(std::count(ys[1].begin(), ys[1].end(), 7.0f),
            std::ptrdiff_t(ys[1].size()) - m * n)
      << "shift " << shift << ": wrote outside Y";
}

TEST(SmallGemm, StreamingStoresWriteTheSameValues) {
  // Tails of 35 (three vectors, masked), 32 (two whole vectors: streamed)
  // and 32 after ten whole strips (a 512-column block).
  for (int64_t n : {131, 80, 512})
    for (int64_t shift : {0, 1}) {
      SCOPED_TRACE("n " + std::to_string(n));
      checkStreaming(n, shift);
    }
}

/// streamCopy copies exactly n floats whatever the alignment of either end
/// (the aligned middle streamed, the ends stored plainly).
TEST(SmallGemm, StreamCopyCopiesExactly) {
  std::vector<float> src = randomFloats(300, 9);
  for (int64_t shift : {0, 1, 5, 15})
    for (int64_t n : {0, 1, 15, 16, 17, 100, 250}) {
      std::vector<float> buf(320, 7.0f);
      float *dst = buf.data() +
                   (64 - reinterpret_cast<uintptr_t>(buf.data()) % 64) % 64 /
                       sizeof(float) +
                   shift;
      streamCopy(src.data() + 3, dst, n);
      streamFence();
      const int64_t at = dst - buf.data();
      for (int64_t i = 0; i < int64_t(buf.size()); ++i)
        ASSERT_EQ(buf[size_t(i)],
                  i >= at && i < at + n ? src[size_t(i - at + 3)] : 7.0f)
            << "shift " << shift << " n " << n << " index " << i;
    }
}

TEST(SmallGemm, KernelActiveFollowsTheHook) {
  setSmallGemmKernel(false);
  EXPECT_FALSE(smallGemmKernelActive());
  setSmallGemmKernel(true);
#if defined(__x86_64__)
  EXPECT_EQ(smallGemmKernelActive(), bool(__builtin_cpu_supports("avx512f")));
#else
  EXPECT_FALSE(smallGemmKernelActive());
#endif
}

} // namespace
