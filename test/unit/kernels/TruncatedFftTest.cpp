//===- TruncatedFftTest.cpp - Pruned transforms against direct DFTs -------===//
//
// TruncatedFft::forward must equal the kept corners of numpy's rfftn and
// inverse must equal N * irfftn of the zero-padded corners (numpy's ifft over
// the full axes then irfft on the last axis, so non-Hermitian DC / Nyquist
// columns are treated as numpy treats them), computed by the O(N^2) double
// DFTs of SpectralReference.h. Grids cover 1-3 axes, odd and even sizes
// (odd sizes also make every other grid misaligned, taking the copy path),
// modes at both limits (2m = N, m = N/2 + 1) and several rows on 1-3
// threads, each with the last axis by FFTW and by the direct DFT (sgemm).
// f32 FFTs of a few hundred points: errors ~1e-6 of the values' scale;
// tolerance 2e-5 * scale.
//
//===----------------------------------------------------------------------===//
#include "SpectralReference.h"
#include "runtime/core/ThreadPool.h"
#include "runtime/kernels/cpu/spectral/TruncatedFft.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace shodh;
namespace ref = shodh::reference;

namespace {

struct Case {
  std::vector<int64_t> grid, modes;
  int threads;
};

class TruncatedFftCases
    : public ::testing::TestWithParam<std::tuple<Case, LastAxisTransform>> {};

TEST_P(TruncatedFftCases, MatchesDirectTransforms) {
  const Case &c = std::get<0>(GetParam());
  const LastAxisTransform mode = std::get<1>(GetParam());
  SpectralGeometry g{c.grid, c.modes};
  ASSERT_EQ(g.validate(), "");
  const int64_t rows = 5, n = ref::prod(c.grid), ts = g.truncSize();
  std::vector<int64_t> hs = ref::halfShape(c.grid);
  ThreadPool pool(c.threads);
  TruncatedFft fft(g, pool.size(), mode);
  ASSERT_EQ(fft.lastAxisDft(), mode == LastAxisTransform::Dft);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);

  std::vector<float> real(size_t(rows * n));
  for (float &v : real)
    v = u(rng);
  std::vector<cfloat> trunc(size_t(rows * ts));
  fft.forward(&pool, real.data(), trunc.data(), rows, 0.5f);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> x(real.begin() + r * n, real.begin() + (r + 1) * n);
    std::vector<ref::cd> X = ref::rfftn(x, c.grid);
    for (int64_t kf = 0; kf < ref::prod(hs); ++kf) {
      std::vector<int64_t> k = ref::unflatten(kf, hs);
      if (!ref::kept(k, c.grid, c.modes))
        continue;
      cfloat got = trunc[size_t(r * ts + ref::truncPosition(k, c.grid, c.modes))];
      ASSERT_NEAR(got.real(), 0.5 * X[kf].real(), 2e-5 * n) << "row " << r << " k " << kf;
      ASSERT_NEAR(got.imag(), 0.5 * X[kf].imag(), 2e-5 * n) << "row " << r << " k " << kf;
    }
  }

  for (cfloat &v : trunc)
    v = {u(rng), u(rng)};
  std::vector<float> back(size_t(rows * n), 7.0f);
  fft.inverse(&pool, trunc.data(), back.data(), rows, 2.0f);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<ref::cd> X(size_t(ref::prod(hs)));
    for (int64_t kf = 0; kf < ref::prod(hs); ++kf) {
      std::vector<int64_t> k = ref::unflatten(kf, hs);
      if (ref::kept(k, c.grid, c.modes))
        X[kf] = ref::cd(trunc[size_t(r * ts + ref::truncPosition(k, c.grid, c.modes))]);
    }
    std::vector<double> want = ref::irfftn(X, c.grid);
    for (int64_t i = 0; i < n; ++i)
      ASSERT_NEAR(back[size_t(r * n + i)], 2.0 * n * want[i], 2e-5 * 2 * ts)
          << "row " << r << " point " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Grids, TruncatedFftCases,
    ::testing::Combine(
        ::testing::Values(Case{{16}, {5}, 2}, Case{{9}, {5}, 3}, Case{{8, 6}, {2, 2}, 2},
                          Case{{8, 6}, {4, 4}, 1}, Case{{7, 5}, {3, 3}, 2},
                          Case{{6, 9}, {1, 5}, 3}, Case{{16, 16}, {5, 3}, 2},
                          Case{{6, 4, 5}, {2, 1, 3}, 2}, Case{{8, 8, 8}, {4, 2, 5}, 3},
                          Case{{5, 7, 6}, {2, 3, 2}, 1}, Case{{12, 32}, {3, 12}, 2},
                          Case{{6, 8}, {2, 1}, 2}, Case{{10, 4}, {3, 3}, 3}),
        ::testing::Values(LastAxisTransform::Fftw, LastAxisTransform::Dft)));

// The default picks the direct DFT for few kept last-axis modes (FNO's 12 of
// 33 on 64²) and FFTW beyond kDftLastAxisMaxModes or for grids of few lines;
// both give the same spectra to f32 rounding.
TEST(TruncatedFft, AutoPicksTheLastAxisTransformBySize) {
  EXPECT_TRUE(TruncatedFft(SpectralGeometry{{64, 64}, {12, 12}}, 1,
                           LastAxisTransform::Auto).lastAxisDft());
  EXPECT_TRUE(TruncatedFft(SpectralGeometry{{256}, {16}}, 1, LastAxisTransform::Auto)
                  .lastAxisDft());
  EXPECT_FALSE(TruncatedFft(SpectralGeometry{{64, 64}, {12, 17}}, 1,
                            LastAxisTransform::Auto).lastAxisDft());
  EXPECT_FALSE(TruncatedFft(SpectralGeometry{{4, 16}, {2, 4}}, 1,
                            LastAxisTransform::Auto).lastAxisDft());
  EXPECT_FALSE(TruncatedFft(SpectralGeometry{{2048}, {8}}, 1, LastAxisTransform::Auto)
                   .lastAxisDft());

  SpectralGeometry g{{64, 64}, {12, 12}};
  const int64_t rows = 3, n = 64 * 64, ts = g.truncSize();
  std::vector<float> real(size_t(rows * n));
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float &v : real)
    v = u(rng);
  TruncatedFft viaFftw(g, 2, LastAxisTransform::Fftw), viaDft(g, 2, LastAxisTransform::Dft);
  std::vector<cfloat> a(size_t(rows * ts)), b(size_t(rows * ts));
  viaFftw.forward(nullptr, real.data(), a.data(), rows);
  viaDft.forward(nullptr, real.data(), b.data(), rows);
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_LT(std::abs(a[i] - b[i]), 1e-5f * n) << "element " << i;
  std::vector<float> x(size_t(rows * n)), y(size_t(rows * n));
  viaFftw.inverse(nullptr, a.data(), x.data(), rows, 1.0f / float(n));
  viaDft.inverse(nullptr, a.data(), y.data(), rows, 1.0f / float(n));
  for (size_t i = 0; i < x.size(); ++i)
    ASSERT_NEAR(x[i], y[i], 1e-5f) << "point " << i;
}

// The inverse's epilogue runs on each grid right after that grid is
// written, before the next one (so the grid is still in cache): in the
// epilogue the next grid must still hold the sentinel.
TEST(TruncatedFft, EpilogueFollowsEachGrid) {
  for (LastAxisTransform mode : {LastAxisTransform::Fftw, LastAxisTransform::Dft}) {
    SpectralGeometry g{{12, 10}, {4, 3}};
    const int64_t rows = 6, n = 120, ts = g.truncSize();
    std::vector<cfloat> trunc(size_t(rows * ts), cfloat(0.5f, -0.25f));
    std::vector<float> real(size_t(rows * n), -7.0f);
    TruncatedFft fft(g, 1, mode);
    int calls = 0, early = 0;
    TruncatedFft::Epilogue check = [&](int64_t offset, int64_t count) {
      ++calls;
      EXPECT_EQ(count, n);
      if (offset + count < rows * n && real[size_t(offset + count)] != -7.0f)
        ++early;
    };
    fft.inverse(nullptr, trunc.data(), real.data(), rows, 1.0f, &check);
    EXPECT_EQ(calls, rows);
    EXPECT_EQ(early, 0) << "epilogue calls after the next grid was written";
  }
}

class ThreadCounts : public ::testing::TestWithParam<SpectralGeometry> {};

TEST_P(ThreadCounts, DoNotChangeResults) {
  const SpectralGeometry &g = GetParam();
  const int64_t rows = g.dims() == 1 ? 700 : 7, ts = g.truncSize();
  int64_t n = 1;
  for (int64_t v : g.grid)
    n *= v;
  std::vector<float> real(size_t(rows * n));
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float &v : real)
    v = u(rng);
  std::vector<cfloat> a(size_t(rows * ts)), b(size_t(rows * ts));
  ThreadPool one(1), three(3);
  for (LastAxisTransform mode : {LastAxisTransform::Fftw, LastAxisTransform::Dft}) {
    TruncatedFft f1(g, 1, mode), f3(g, 3, mode);
    f1.forward(&one, real.data(), a.data(), rows);
    f3.forward(&three, real.data(), b.data(), rows);
    EXPECT_EQ(a, b);
    std::vector<float> x(size_t(rows * n)), y(size_t(rows * n));
    f1.inverse(&one, a.data(), x.data(), rows, 1.0f);
    f3.inverse(nullptr, a.data(), y.data(), rows, 1.0f);
    EXPECT_EQ(x, y);
  }
}

// A line's spectrum and inverse do not depend on how many lines are
// transformed with it (the batch): 1-D lines go through the DFT sgemm in
// blocks of 256 rows, and a short last block (3 rows of a batch of 1 against
// 700) is padded, as OpenBLAS computes a row with other bits in a call of
// fewer rows.
TEST(TruncatedFft, OneDimensionalLinesDoNotDependOnTheBatch) {
  for (SpectralGeometry g :
       {SpectralGeometry{{64}, {16}}, SpectralGeometry{{20}, {6}},
        SpectralGeometry{{256}, {12}}}) {
    const int64_t n = g.grid[0], ts = g.truncSize(), all = 700;
    std::vector<float> real(size_t(all * n));
    std::mt19937 rng(9);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (float &v : real)
      v = u(rng);
    TruncatedFft fft(g, 1, LastAxisTransform::Dft);
    ASSERT_TRUE(fft.lastAxisDft());
    std::vector<cfloat> a(size_t(all * ts));
    fft.forward(nullptr, real.data(), a.data(), all);
    std::vector<float> x(size_t(all * n));
    fft.inverse(nullptr, a.data(), x.data(), all, 1.0f / float(n));
    for (int64_t rows : {1, 3, 40}) {
      std::vector<cfloat> b(size_t(rows * ts));
      fft.forward(nullptr, real.data(), b.data(), rows);
      EXPECT_TRUE(std::equal(b.begin(), b.end(), a.begin()))
          << "forward, grid " << n << ", " << rows << " of " << all << " lines";
      std::vector<float> y(size_t(rows * n));
      fft.inverse(nullptr, a.data(), y.data(), rows, 1.0f / float(n));
      EXPECT_TRUE(std::equal(y.begin(), y.end(), x.begin()))
          << "inverse, grid " << n << ", " << rows << " of " << all << " lines";
    }
  }
}

// 1-D lines go through the DFT sgemm many rows at a time: 700 rows (three
// 256-row blocks) on 1 and 3 threads.
INSTANTIATE_TEST_SUITE_P(Grids, ThreadCounts,
                         ::testing::Values(SpectralGeometry{{12, 10}, {4, 3}},
                                           SpectralGeometry{{20}, {6}}));

} // namespace
