//===- ExpertFnoTest.cpp - expert_fno and expert_fno_grad -----------------===//
//
// The grouped FNO experts against a naive double reference (rfftn, the
// kept modes of each expert's count read from the stacked weight, irfftn,
// skip path, exact GELU): 2-D and 3-D patch tokens, experts with different
// mode counts, an empty expert and dropped rows; the gradient by central
// finite differences of <y, g> (complex weights: dL/dRe + i dL/dIm) and
// thread-count independence.
//
//===----------------------------------------------------------------------===//
#include "test/unit/ExpectError.h"
#include "test/unit/kernels/SpectralReference.h"
#include "test/unit/moe/ExpertTestSupport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace shodh;
using namespace shodh::testing;
namespace ref = shodh::reference;

namespace {

/// An expert_fno problem: B = 2, R = 3 (6 rows); E = 3 experts with modes
/// `modes`, groups [0, 3), [3, 3) (empty), [3, 5); row 5 dropped.
struct FnoCase {
  std::vector<int64_t> grid;
  std::vector<int64_t> modes;
  int64_t B = 2, R = 3, C = 2, O = 3, E = 3;
  std::vector<int64_t> off = {0, 3, 3, 5};
  int64_t mmax = 0, points = 1;
  std::vector<int64_t> stack; ///< stacked truncated extents
  Buffer x, ws, wk, bk;

  FnoCase(std::vector<int64_t> g, std::vector<int64_t> m)
      : grid(std::move(g)), modes(std::move(m)) {
    mmax = *std::max_element(modes.begin(), modes.end());
    for (size_t a = 0; a < grid.size(); ++a) {
      points *= grid[a];
      stack.push_back(a + 1 == grid.size() ? mmax : 2 * mmax);
    }
    x = randomBuffer(DType::F32, shapeOf(C), 41);
    std::vector<int64_t> wshape = {E, C, O};
    wshape.insert(wshape.end(), stack.begin(), stack.end());
    ws = randomBuffer(DType::C64, wshape, 42, 0.5f);
    wk = randomBuffer(DType::F32, {E, O, C}, 43);
    bk = randomBuffer(DType::F32, {E, O}, 44);
  }

  std::vector<int64_t> shapeOf(int64_t channels) const {
    std::vector<int64_t> s = {B, R, channels};
    s.insert(s.end(), grid.begin(), grid.end());
    return s;
  }

  /// y of the reference for x (real), wspec (interleaved re/im), wk, bk.
  std::vector<double> forward(const std::vector<std::vector<double>> &p) const {
    const std::vector<int64_t> half = ref::halfShape(grid);
    const int64_t hs = ref::prod(half), ss = ref::prod(stack);
    std::vector<double> y(size_t(B * R * O * points), 0.0);
    for (int64_t e = 0; e < E; ++e) {
      std::vector<int64_t> m(grid.size(), modes[size_t(e)]);
      for (int64_t r = off[size_t(e)]; r < off[size_t(e) + 1]; ++r) {
        std::vector<std::vector<ref::cd>> X;
        for (int64_t c = 0; c < C; ++c)
          X.push_back(ref::rfftn(
              std::vector<double>(p[0].begin() + (r * C + c) * points,
                                  p[0].begin() + (r * C + c + 1) * points),
              grid));
        for (int64_t o = 0; o < O; ++o) {
          std::vector<ref::cd> Y(static_cast<size_t>(hs));
          for (int64_t k = 0; k < hs; ++k) {
            std::vector<int64_t> kk = ref::unflatten(k, half);
            if (!ref::kept(kk, grid, m))
              continue;
            int64_t pos = ref::truncPosition(kk, grid, stack_modes());
            for (int64_t c = 0; c < C; ++c) {
              size_t w = size_t(((e * C + c) * O + o) * ss + pos) * 2;
              Y[size_t(k)] +=
                  X[size_t(c)][size_t(k)] * ref::cd(p[1][w], p[1][w + 1]);
            }
          }
          std::vector<double> z = ref::irfftn(Y, grid);
          for (int64_t s = 0; s < points; ++s) {
            double v = z[size_t(s)] + p[3][e * O + o];
            for (int64_t c = 0; c < C; ++c)
              v += p[2][(e * O + o) * C + c] * p[0][(r * C + c) * points + s];
            y[size_t((r * O + o) * points + s)] =
                0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
          }
        }
      }
    }
    return y;
  }

  std::vector<int64_t> stack_modes() const {
    return std::vector<int64_t>(grid.size(), mmax);
  }

  std::vector<std::vector<double>> params() const {
    return {toDouble(x), toDouble(ws), toDouble(wk), toDouble(bk)};
  }

  std::vector<NamedAttr> attrs() const { return {{"modes", modes}}; }
};

void checkForward(FnoCase &c) {
  Buffer off = offsetsBuffer(c.off);
  Buffer y = Buffer::make(DType::F32, c.shapeOf(c.O));
  std::fill(y.data.begin(), y.data.end(), 5.0f);
  runKernel("expert_fno", c.attrs(), {&c.x, &off, &c.ws, &c.wk, &c.bk}, {&y});
  std::vector<double> want = c.forward(c.params());
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(y.data[i], want[i], 1e-4) << "element " << i;
  for (int64_t i = 5 * c.O * c.points; i < 6 * c.O * c.points; ++i)
    ASSERT_EQ(y.data[size_t(i)], 0.0f); // the dropped row
}

TEST(ExpertFno, MatchesReference2d) {
  FnoCase c({8, 6}, {2, 1, 3});
  checkForward(c);
}

TEST(ExpertFno, MatchesReference3d) {
  FnoCase c({4, 4, 6}, {1, 2, 2});
  checkForward(c);
}

TEST(ExpertFno, GradientMatchesFiniteDifferences) {
  FnoCase c({6, 8}, {2, 1, 3});
  Buffer off = offsetsBuffer(c.off);
  Buffer dy = randomBuffer(DType::F32, c.shapeOf(c.O), 45);
  Buffer dx = Buffer::make(DType::F32, c.shapeOf(c.C)),
         dws = Buffer::make(DType::C64, c.ws.shape),
         dwk = Buffer::make(DType::F32, c.wk.shape),
         dbk = Buffer::make(DType::F32, c.bk.shape);
  for (Buffer *b : {&dx, &dws, &dwk, &dbk})
    std::fill(b->data.begin(), b->data.end(), 3.0f);
  runKernel("expert_fno_grad", c.attrs(),
            {&c.x, &off, &dy, &c.ws, &c.wk, &c.bk}, {&dx, &dws, &dwk, &dbk});
  std::vector<std::vector<double>> p = c.params();
  std::vector<double> g = toDouble(dy);
  auto loss = [&] {
    std::vector<double> y = c.forward(p);
    double l = 0;
    for (size_t i = 0; i < y.size(); ++i)
      l += y[i] * g[i];
    return l;
  };
  const Buffer *grads[] = {&dx, &dws, &dwk, &dbk};
  const double eps = 1e-5;
  for (size_t t = 0; t < 4; ++t) {
    // Every element of the small tensors, a stride through the large ones
    // (the stride 7 visits both parts of complex entries, all experts).
    size_t step = p[t].size() > 200 ? 7 : 1;
    for (size_t i = 0; i < p[t].size(); i += step) {
      double keep = p[t][i];
      p[t][i] = keep + eps;
      double lp = loss();
      p[t][i] = keep - eps;
      double lm = loss();
      p[t][i] = keep;
      double fd = (lp - lm) / (2 * eps);
      ASSERT_NEAR(grads[t]->data[i], fd, 2e-4 + 2e-3 * std::abs(fd))
          << "tensor " << t << " element " << i;
    }
  }
  // Empty expert 1: zero weight gradients; dropped row 5: dx = 0; expert 0
  // (m = 2 < mmax = 3) gets zero outside its sub-block (e.g. index 2 of the
  // last axis).
  const int64_t ss = c.stack[0] * c.stack[1];
  for (int64_t i = 0; i < c.C * c.O * ss * 2; ++i)
    ASSERT_EQ(dws.data[size_t(c.C * c.O * ss * 2 + i)], 0.0f);
  for (int64_t i = 0; i < c.O * c.C; ++i)
    ASSERT_EQ(dwk.data[size_t(c.O * c.C + i)], 0.0f);
  for (int64_t i = 5 * c.C * c.points; i < 6 * c.C * c.points; ++i)
    ASSERT_EQ(dx.data[size_t(i)], 0.0f);
  EXPECT_EQ(dws.complex()[2], std::complex<float>());
}

/// expert_fno then expert_fno_grad of `c` with cotangent `dy`: y, dx, dws,
/// dwk and dbk concatenated (on `threads` threads, with `scratch` shared
/// when given).
TensorFloats forwardAndGradient(FnoCase &c, Buffer &off, Buffer &dy,
                                      int threads,
                                      ScratchPool *scratch = nullptr) {
  Buffer y = Buffer::make(DType::F32, c.shapeOf(c.O));
  runKernel("expert_fno", c.attrs(), {&c.x, &off, &c.ws, &c.wk, &c.bk}, {&y},
            threads, scratch);
  Buffer dx = Buffer::make(DType::F32, c.shapeOf(c.C)),
         dws = Buffer::make(DType::C64, c.ws.shape),
         dwk = Buffer::make(DType::F32, c.wk.shape),
         dbk = Buffer::make(DType::F32, c.bk.shape);
  runKernel("expert_fno_grad", c.attrs(),
            {&c.x, &off, &dy, &c.ws, &c.wk, &c.bk}, {&dx, &dws, &dwk, &dbk},
            threads, scratch);
  TensorFloats all = y.data;
  for (Buffer *b : {&dx, &dws, &dwk, &dbk})
    all.insert(all.end(), b->data.begin(), b->data.end());
  return all;
}

// In a session both kernels take their working memory from the session's
// shared ScratchPool, which holds whatever the previous kernel left: with
// the pool pre-filled with NaN bytes the results must be bitwise those of a
// run on the kernels' own (zeroed) scratch, and the two kernels must share
// the pool's block (it does not grow past the larger need).
TEST(ExpertFno, SharedScratchGivesTheSameBitsAsOwnScratch) {
  FnoCase c({8, 6}, {2, 1, 3});
  Buffer off = offsetsBuffer(c.off);
  Buffer dy = randomBuffer(DType::F32, c.shapeOf(c.O), 47);
  auto runBoth = [&](ScratchPool *scratch) {
    return forwardAndGradient(c, off, dy, 2, scratch);
  };
  TensorFloats own = runBoth(nullptr);
  ScratchPool pool;
  runBoth(&pool); // sizes the pool
  const uint64_t used = pool.capacity();
  EXPECT_GT(used, 0u);
  std::memset(pool.acquire(used), 0xFF, used); // NaN everywhere
  TensorFloats shared = runBoth(&pool);
  EXPECT_EQ(pool.capacity(), used);
  ASSERT_EQ(own.size(), shared.size());
  EXPECT_EQ(std::memcmp(own.data(), shared.data(), own.size() * sizeof(float)),
            0);
}

TEST(ExpertFno, ResultsDoNotDependOnThreadCount) {
  FnoCase c({8, 8}, {2, 1, 3});
  Buffer off = offsetsBuffer(c.off);
  Buffer dy = randomBuffer(DType::F32, c.shapeOf(c.O), 46);
  EXPECT_EQ(forwardAndGradient(c, off, dy, 1),
            forwardAndGradient(c, off, dy, 3));
}

TEST(ExpertFno, RejectsModesThatDoNotFitOrMismatchTheExperts) {
  FnoCase c({8, 6}, {2, 1, 3});
  Buffer off = offsetsBuffer(c.off);
  Buffer y = Buffer::make(DType::F32, c.shapeOf(c.O));
  expectError(
      [&] {
        runKernel("expert_fno", {{"modes", std::vector<int64_t>{2, 3}}},
                  {&c.x, &off, &c.ws, &c.wk, &c.bk}, {&y});
      },
      "'modes' has 2 entries but wspec has 3 experts");
  expectError(
      [&] {
        runKernel("expert_fno", {{"modes", std::vector<int64_t>{2, 0, 3}}},
                  {&c.x, &off, &c.ws, &c.wk, &c.bk}, {&y});
      },
      "modes[1] must be positive, got 0");
  FnoCase big({4, 6}, {1, 1, 3});
  Buffer yb = Buffer::make(DType::F32, big.shapeOf(big.O));
  expectError(
      [&] {
        runKernel("expert_fno", big.attrs(),
                  {&big.x, &off, &big.ws, &big.wk, &big.bk}, {&yb});
      },
      "largest mode count");
}

} // namespace
