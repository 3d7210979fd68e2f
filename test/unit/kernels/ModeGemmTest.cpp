//===- ModeGemmTest.cpp - Per-mode complex products against loop nests ----===//
//
// ModeGemm's three products (forward, adjoint input, adjoint weight with a
// per-mode scale) against direct double loops, for sizes that leave partial
// mode blocks (K not a multiple of 16) and partial column tiles (N not a
// multiple of 4), on 1 and 3 threads, with the kernel's 16-lane and 8-lane
// passes; both passes must agree bit for bit, and so must B packed once
// (packB) with A's rows taken a few at a time (runPacked). f32 sums of <= 40
// products: tolerance 1e-5 of the values' scale.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/spectral/ModeGemm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <complex>
#include <random>
#include <vector>

using namespace shodh;

namespace {

using cd = std::complex<double>;

struct Dims {
  int64_t B, I, O, K;
};

std::vector<cfloat> random(int64_t n, uint32_t seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<cfloat> v(static_cast<size_t>(n));
  for (cfloat &c : v)
    c = {u(g), u(g)};
  return v;
}

/// Runs `g` on `threads` threads (scratch deliberately misaligned by one
/// float: run aligns its tiles itself).
std::vector<cfloat> run(const ModeGemm &g, const std::vector<cfloat> &a,
                        const std::vector<cfloat> &b, const float *scale, int threads) {
  ThreadPool pool(threads);
  std::vector<float> scratch(size_t(g.scratchFloats(pool.size()) + 1));
  std::vector<cfloat> c(size_t(g.rows * g.cols * g.modes), cfloat(7.0f, 7.0f));
  g.run(&pool, a.data(), b.data(), c.data(), scale, scratch.data() + 1);
  return c;
}

void expectNear(const std::vector<cfloat> &got, const std::vector<cd> &want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i].real(), want[i].real(), 1e-5 * 8) << "element " << i;
    ASSERT_NEAR(got[i].imag(), want[i].imag(), 1e-5 * 8) << "element " << i;
  }
}

class ModeGemmCases : public ::testing::TestWithParam<std::tuple<Dims, int, int>> {
protected:
  void TearDown() override { setModeGemmLanes(0); }
};

TEST_P(ModeGemmCases, MatchLoopNests) {
  auto [d, threads, lanes] = GetParam();
  setModeGemmLanes(lanes);
  std::vector<cfloat> x = random(d.B * d.I * d.K, 1), w = random(d.I * d.O * d.K, 2),
                      dy = random(d.B * d.O * d.K, 3);
  std::vector<float> scale(size_t(d.K));
  for (int64_t k = 0; k < d.K; ++k)
    scale[size_t(k)] = 0.5f + float(k % 3);
  auto X = [&](int64_t b, int64_t i, int64_t k) { return cd(x[size_t((b * d.I + i) * d.K + k)]); };
  auto W = [&](int64_t i, int64_t o, int64_t k) { return cd(w[size_t((i * d.O + o) * d.K + k)]); };
  auto DY = [&](int64_t b, int64_t o, int64_t k) { return cd(dy[size_t((b * d.O + o) * d.K + k)]); };

  std::vector<cd> out(size_t(d.B * d.O * d.K)), dx(size_t(d.B * d.I * d.K)),
      dw(size_t(d.I * d.O * d.K));
  for (int64_t k = 0; k < d.K; ++k)
    for (int64_t b = 0; b < d.B; ++b)
      for (int64_t i = 0; i < d.I; ++i)
        for (int64_t o = 0; o < d.O; ++o) {
          out[size_t((b * d.O + o) * d.K + k)] += X(b, i, k) * W(i, o, k);
          dx[size_t((b * d.I + i) * d.K + k)] += DY(b, o, k) * std::conj(W(i, o, k));
          dw[size_t((i * d.O + o) * d.K + k)] +=
              double(scale[size_t(k)]) * std::conj(X(b, i, k)) * DY(b, o, k);
        }
  expectNear(run(ModeGemm::forward(d.B, d.I, d.O, d.K), x, w, nullptr, threads), out);
  expectNear(run(ModeGemm::adjointInput(d.B, d.I, d.O, d.K), dy, w, nullptr, threads), dx);
  expectNear(run(ModeGemm::adjointWeight(d.B, d.I, d.O, d.K), x, dy, scale.data(), threads),
             dw);
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, ModeGemmCases,
    ::testing::Combine(::testing::Values(Dims{3, 5, 6, 21}, Dims{2, 4, 4, 16}, Dims{1, 3, 9, 37},
                                         Dims{4, 8, 5, 7}),
                       ::testing::Values(1, 3), ::testing::Values(16, 8)));

TEST(ModeGemm, LanePassesAgreeBitwise) {
  const Dims d{5, 7, 9, 45};
  std::vector<cfloat> x = random(d.B * d.I * d.K, 4), w = random(d.I * d.O * d.K, 5);
  ModeGemm g = ModeGemm::forward(d.B, d.I, d.O, d.K);
  setModeGemmLanes(16);
  std::vector<cfloat> wide = run(g, x, w, nullptr, 2);
  setModeGemmLanes(8);
  std::vector<cfloat> narrow = run(g, x, w, nullptr, 2);
  setModeGemmLanes(0);
  EXPECT_EQ(wide, narrow);
}

/// runPacked on groups of `rows` rows of A against B packed once (on
/// `threads` threads, buffers misaligned by one float) gives run()'s bits.
void expectPackedMatchesRun(const ModeGemm &whole, ModeGemm group,
                            const std::vector<cfloat> &a,
                            const std::vector<cfloat> &b, const float *scale,
                            int threads) {
  ThreadPool pool(threads);
  std::vector<float> packed(size_t(group.packedBFloats() + 1), 9.0f),
      scratch(size_t(group.packedScratchFloats() + 1), 9.0f);
  group.packB(&pool, b.data(), packed.data() + 1);
  const int64_t step = group.rows;
  std::vector<cfloat> c(size_t(whole.rows * whole.cols * whole.modes),
                        cfloat(7.0f, 7.0f));
  for (int64_t r = 0; r < whole.rows; r += step) {
    group.rows = std::min(step, whole.rows - r);
    group.runPacked(a.data() + r * whole.inner * whole.modes, packed.data() + 1,
                    c.data() + r * whole.cols * whole.modes, scale,
                    scratch.data() + 1);
  }
  EXPECT_EQ(c, run(whole, a, b, scale, 1));
}

TEST_P(ModeGemmCases, PackedRowGroupsMatchRunBitwise) {
  auto [d, threads, lanes] = GetParam();
  setModeGemmLanes(lanes);
  std::vector<cfloat> x = random(d.B * d.I * d.K, 6),
                      w = random(d.I * d.O * d.K, 7),
                      dy = random(d.B * d.O * d.K, 8);
  std::vector<float> scale(size_t(d.K));
  for (int64_t k = 0; k < d.K; ++k)
    scale[size_t(k)] = 1.5f - float(k % 4) * 0.25f;
  for (int64_t rows : {1, 2, 3}) {
    SCOPED_TRACE(rows);
    expectPackedMatchesRun(ModeGemm::forward(d.B, d.I, d.O, d.K),
                           ModeGemm::forward(rows, d.I, d.O, d.K), x, w,
                           nullptr, threads);
    // B stored transposed and conjugated (the fused layer gradient's form).
    expectPackedMatchesRun(ModeGemm::adjointInput(d.B, d.I, d.O, d.K),
                           ModeGemm::adjointInput(rows, d.I, d.O, d.K), dy, w,
                           scale.data(), threads);
  }
}

} // namespace
