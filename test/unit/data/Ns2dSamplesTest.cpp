//===- Ns2dSamplesTest.cpp - Navier–Stokes trajectories and resampling ----===//
//
// SpectralResample is checked on trigonometric polynomials (exact up to FFT
// round-off when every mode fits both grids, the others dropped). The sampler
// is checked for: its initial field not depending on the solve grid, the
// recorded snapshots matching a direct solve, point vs spectral subsampling,
// determinism across threads, and flag-naming errors.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/gen/Ns2dSamples.h"
#include "runtime/data/gen/SpectralResample.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

using namespace shodh;

namespace {

/// Largest |a - b|.
double maxDiff(const std::vector<double> &a, const std::vector<double> &b) {
  EXPECT_EQ(a.size(), b.size());
  double err = 0.0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    err = std::max(err, std::abs(a[i] - b[i]));
  return err;
}

/// sum of a few modes, |k_j| <= kMax, plus one mode at `extra` (0: none).
std::vector<double> trig(int64_t n, int extra) {
  std::vector<double> f(static_cast<size_t>(n * n));
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c) {
      double x = double(c) / n, y = double(r) / n;
      f[r * n + c] = std::cos(2 * M_PI * (3 * x - 5 * y)) +
                     0.3 * std::sin(2 * M_PI * (7 * x + 2 * y)) +
                     (extra ? 0.2 * std::cos(2 * M_PI * extra * y) : 0.0);
    }
  return f;
}

/// Small, fast options: 32^2 output, short records.
Ns2dOptions smallOptions() {
  Ns2dOptions o;
  o.res = 32;
  o.solveRes = 32;
  o.steps = 3;
  o.recordEvery = 0.05;
  o.dtMax = 1e-3;
  return o;
}

TEST(SpectralResample, TrigPolynomialsMoveExactly) {
  // Modes up to 7: exact on 16 (|k| < 8), 32, 48 and 64.
  for (auto [n, m] : {std::pair<int64_t, int64_t>{64, 32}, {32, 48}, {48, 16}})
    EXPECT_LT(maxDiff(resampleField(trig(n, 0), n, m), trig(m, 0)), 1e-13)
        << n << " -> " << m;
  // A mode at |ky| = 12 survives 64 -> 32 (12 < 16) but not 64 -> 24.
  EXPECT_LT(maxDiff(resampleField(trig(64, 12), 64, 32), trig(32, 12)), 1e-13);
  EXPECT_LT(maxDiff(resampleField(trig(64, 12), 64, 24), trig(24, 0)), 1e-13);
  EXPECT_THROW(resampleSpectrum(std::vector<std::complex<double>>(5), 8, 4),
               Error);
}

TEST(Ns2dSamples, InitialFieldDoesNotDependOnTheSolveGrid) {
  Ns2dOptions a = smallOptions(), b = smallOptions();
  b.solveRes = 64;
  Ns2dSampler coarse(a), fine(b);
  std::vector<double> w32 = coarse.initialVorticity(5, 2);
  std::vector<double> w64 = resampleField(fine.initialVorticity(5, 2), 64, 32);
  double scale = 0.0;
  for (double v : w32)
    scale = std::max(scale, std::abs(v));
  EXPECT_GT(scale, 0.1);
  EXPECT_LT(maxDiff(w32, w64), 1e-12 * scale);
  // Different samples differ.
  EXPECT_GT(maxDiff(w32, coarse.initialVorticity(5, 3)), 0.1 * scale);
}

TEST(Ns2dSamples, SnapshotsAreTheSolverStatesAtTheRecordTimes) {
  Ns2dOptions o = smallOptions();
  Ns2dSampler sampler(o);
  int calls = 0;
  Ns2dSample s = sampler.sample(1, 0, [&] { ++calls; });
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(s.snapshots.size(), size_t(3 * 32 * 32));
  EXPECT_EQ(s.stats.steps, 150); // 0.15 / 1e-3
  Ns2dParams p;
  p.res = 32;
  p.nu = o.nu;
  p.dtMax = o.dtMax;
  Ns2dSolver solver(p);
  solver.setForcing(sampler.forcing(32));
  solver.setVorticity(sampler.initialVorticity(1, 0));
  EXPECT_EQ(maxDiff(s.initial, solver.vorticity()), 0.0);
  for (int j = 1; j <= 3; ++j) {
    solver.advanceTo(j * 0.05);
    std::vector<double> snap(s.snapshots.begin() + (j - 1) * 1024,
                             s.snapshots.begin() + j * 1024);
    EXPECT_EQ(maxDiff(snap, solver.vorticity()), 0.0) << "snapshot " << j;
  }
}

TEST(Ns2dSamples, SubsamplingFromAFinerSolveGrid) {
  // Solved on 64, stored on 32: `spectral` is the fine state resampled
  // (SpectralResample, tested above), `points` every second grid point.
  Ns2dOptions o = smallOptions();
  o.solveRes = 64;
  o.steps = 1;
  Ns2dSampler spectral(o);
  o.subsampling = Ns2dSubsampling::Points;
  Ns2dSampler points(o);
  Ns2dSample a = spectral.sample(2, 0), b = points.sample(2, 0);
  Ns2dParams p;
  p.res = 64;
  p.nu = o.nu;
  p.dtMax = o.dtMax;
  Ns2dSolver solver(p);
  solver.setForcing(spectral.forcing(64));
  solver.setVorticity(spectral.initialVorticity(2, 0));
  solver.advanceTo(o.recordEvery);
  std::vector<double> fine = solver.vorticity(), everyOther(32 * 32);
  for (int64_t r = 0; r < 32; ++r)
    for (int64_t c = 0; c < 32; ++c)
      everyOther[r * 32 + c] = fine[2 * r * 64 + 2 * c];
  EXPECT_LT(maxDiff(a.snapshots, resampleField(fine, 64, 32)), 1e-14);
  EXPECT_EQ(maxDiff(b.snapshots, everyOther), 0.0);
  // They differ by the aliased modes 16 <= |k_j| <= 21: small, not zero.
  double d = maxDiff(a.snapshots, b.snapshots);
  EXPECT_GT(d, 0.0);
  EXPECT_LT(d, 0.05);
}

TEST(Ns2dSamples, DeterministicAcrossThreads) {
  Ns2dOptions o = smallOptions();
  Ns2dSampler serial(o);
  std::vector<Ns2dSample> expected;
  for (uint64_t i = 0; i < 4; ++i)
    expected.push_back(serial.sample(9, i));
  std::vector<Ns2dSample> got(4);
  std::vector<std::thread> pool;
  for (int t = 0; t < 2; ++t)
    pool.emplace_back([&, t] {
      Ns2dSampler sampler(o);
      for (uint64_t i = 3 - t; i < 4; i -= 2) // reversed, interleaved
        got[i] = sampler.sample(9, i);
    });
  for (std::thread &t : pool)
    t.join();
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(got[i].snapshots, expected[i].snapshots) << "sample " << i;
    EXPECT_EQ(got[i].initial, expected[i].initial) << "sample " << i;
  }
}

TEST(Ns2dSamples, DefaultSolveGrid) {
  EXPECT_EQ(defaultNs2dSolveRes(1e-3, 64), 64);
  EXPECT_EQ(defaultNs2dSolveRes(1e-3, 32), 64);
  EXPECT_EQ(defaultNs2dSolveRes(1e-3, 48), 96);
  EXPECT_EQ(defaultNs2dSolveRes(1e-4, 64), 256);
  EXPECT_EQ(defaultNs2dSolveRes(1e-5, 96), 384);
  EXPECT_EQ(defaultNs2dSolveRes(1e-5, 512), 512);
}

TEST(Ns2dSamples, ErrorsNameTheFlag) {
  auto message = [](Ns2dOptions o) {
    try {
      checkNs2dOptions(o);
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  Ns2dOptions o = smallOptions();
  EXPECT_EQ(message(o), "no error");
  o.solveRes = 48;
  o.subsampling = Ns2dSubsampling::Points;
  EXPECT_EQ(message(o), "--subsample points needs --solve-res (48) to be a "
                        "multiple of --res (32)");
  o = smallOptions();
  o.solveRes = 16;
  EXPECT_EQ(message(o), "--solve-res must be even, at least --res (32) and "
                        "at most 4096 (got 16)");
  o = smallOptions();
  o.dtMax = 0.1;
  EXPECT_EQ(message(o), "--dt-max must be in (0, --record-every] (got 0.1)");
  o = smallOptions();
  o.nu = -1;
  EXPECT_EQ(message(o), "--nu must be in (0, 1] (got -1)");
}

} // namespace
