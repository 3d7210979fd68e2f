//===- PeriodicSolverTest.cpp - Manufactured solutions for PeriodicSolver -===//
//
// Each operator is checked against a manufactured solution: u is a trig
// polynomial with several modes (mixed kx * ky terms, negative wavenumbers,
// cos and sin parts, |k_j| < R/2), f = L u is computed analytically in real
// space, and solve(f) must give back u. The only error is FFT round-off,
// ~ eps * log2(R^2) * (largest / smallest symbol over the modes used), a few
// 1e-14 here; 1e-12 relative leaves margin without hiding a wrong symbol
// (a sign or factor error gives O(1) differences).
//
//===----------------------------------------------------------------------===//
#include "runtime/data/gen/PeriodicSolver.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace shodh;

namespace {

/// One term A cos(2 pi k.x) + B sin(2 pi k.x) of a manufactured solution.
struct Mode {
  int kx, ky;
  double cosCoeff, sinCoeff;
};

/// Several modes: axis-aligned, mixed, negative, up to |k| = 13 on R = 32.
const std::vector<Mode> kModes = {{1, 0, 0.7, -0.2},   {0, 2, -0.4, 0.5},
                                  {3, -2, 0.3, 0.25},  {-4, 5, -0.15, 0.1},
                                  {7, 7, 0.05, -0.08}, {13, -9, 0.01, 0.02}};

/// u (with an optional constant) and the analytic L u on the R x R grid.
void manufacture(const ScalarOperator &op, int64_t res, double constant,
                 std::vector<double> &u, std::vector<double> &f) {
  u.assign(static_cast<size_t>(res * res), constant);
  f.assign(static_cast<size_t>(res * res), op.c * constant);
  for (int64_t r = 0; r < res; ++r) {
    for (int64_t col = 0; col < res; ++col) {
      double x = double(col) / double(res), y = double(r) / double(res);
      for (const Mode &m : kModes) {
        double phase = 2.0 * M_PI * (m.kx * x + m.ky * y);
        double val =
            m.cosCoeff * std::cos(phase) + m.sinCoeff * std::sin(phase);
        double dval =
            -m.cosCoeff * std::sin(phase) + m.sinCoeff * std::cos(phase);
        double kAk = op.a11 * m.kx * m.kx + op.a22 * m.ky * m.ky +
                     2.0 * op.a12 * m.kx * m.ky;
        u[r * res + col] += val;
        // -div(A grad) -> 4 pi^2 k^T A k; b.grad -> 2 pi (b.k) d/dphase; c ->
        // c.
        f[r * res + col] += 4.0 * M_PI * M_PI * kAk * val +
                            2.0 * M_PI * (op.bx * m.kx + op.by * m.ky) * dval +
                            op.c * val;
      }
    }
  }
}

/// max |a - b| / max |b|.
double relativeMaxError(const std::vector<double> &a,
                        const std::vector<double> &b) {
  double err = 0.0, scale = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    err = std::max(err, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return err / scale;
}

/// Solves the manufactured problem for `op` and checks both solve and apply.
void checkManufactured(const ScalarOperator &op, double constant) {
  const int64_t res = 32;
  std::vector<double> u, f;
  manufacture(op, res, constant, u, f);
  PeriodicSolver solver(res);
  EXPECT_LT(relativeMaxError(solver.solve(f, op), u), 1e-12);
  EXPECT_LT(relativeMaxError(solver.apply(u, op), f), 1e-12);
}

TEST(PeriodicSolver, PoissonAnisotropicManufactured) {
  // 0.01 K with K = R(-0.7) diag(1, 3.5) R(0.7): SPD with a sizeable K12.
  double c = std::cos(0.7), s = std::sin(0.7), e = 3.5;
  ScalarOperator op{0.01 * (c * c + e * s * s),
                    0.01 * (s * s + e * c * c),
                    0.01 * (e - 1.0) * s * c,
                    0.0,
                    0.0,
                    0.0};
  checkManufactured(op, 0.0);
}

TEST(PeriodicSolver, AdvectionDiffusionManufactured) {
  double lambda = 0.3;
  ScalarOperator op{(1 - lambda) * 0.012,  (1 - lambda) * 0.031,
                    (1 - lambda) * -0.009, lambda * 0.6,
                    lambda * -0.8,         0.0};
  checkManufactured(op, 0.0);
}

TEST(PeriodicSolver, HelmholtzManufacturedKeepsMean) {
  // omega = 7 is not resonant on the grid: 0.01 4 pi^2 |k|^2 = 7 needs
  // |k|^2 = 17.7; the closest, |k|^2 = 18, leaves |s| = 0.106. The reaction
  // term makes the zero mode solvable: u keeps its constant.
  ScalarOperator op{0.01, 0.01, 0.0, 0.0, 0.0, -7.0};
  checkManufactured(op, 0.3);
}

TEST(PeriodicSolver, ZeroModeOfPureDiffusionIsZero) {
  PeriodicSolver solver(16);
  std::vector<double> f(256, 0.25); // a constant source: only the zero mode
  ScalarOperator op{0.01, 0.02, 0.0, 0.0, 0.0, 0.0};
  for (double v : solver.solve(f, op))
    EXPECT_EQ(v, 0.0);
}

TEST(PeriodicSolver, ResonanceThrows) {
  PeriodicSolver solver(16);
  // s(k) = 0.01 4 pi^2 |k|^2 - omega vanishes at |k| = 1.
  ScalarOperator op{0.01, 0.01, 0.0, 0.0, 0.0, -0.01 * 4.0 * M_PI * M_PI};
  EXPECT_LT(solver.smallestSymbol(op), PeriodicSolver::kSingular);
  std::vector<double> f(256, 0.0);
  f[1] = 1.0;
  EXPECT_THROW(solver.solve(f, op), Error);
}

// The Nyquist rule keeps L real: solve then apply is the identity (up to
// round-off, same bound as above) on a mean-free field with content at every
// wavenumber, Nyquist included, for an operator with K12 and advection.
TEST(PeriodicSolver, SolveInvertsApplyWithNyquistContent) {
  const int64_t res = 16;
  std::vector<double> f(static_cast<size_t>(res * res));
  for (size_t i = 0; i < f.size(); ++i)
    f[i] = std::sin(1.7 * double(i * i % 97)) + ((i % 2) ? 0.5 : -0.5);
  double mean = std::accumulate(f.begin(), f.end(), 0.0) / double(f.size());
  for (double &v : f)
    v -= mean;
  ScalarOperator op{0.02, 0.011, 0.006, 0.4, -0.3, 0.0};
  PeriodicSolver solver(res);
  EXPECT_LT(relativeMaxError(solver.apply(solver.solve(f, op), op), f), 1e-12);
}

TEST(PeriodicSolver, ForwardInverseRoundTrip) {
  PeriodicSolver solver(12); // even, not a power of two
  std::vector<double> f(144);
  for (size_t i = 0; i < f.size(); ++i)
    f[i] = std::cos(0.3 * double(i)) + 0.1 * double(i % 5);
  EXPECT_LT(relativeMaxError(solver.inverse(solver.forward(f)), f), 1e-14);
}

TEST(PeriodicSolver, RejectsBadSizes) {
  EXPECT_THROW(PeriodicSolver(1), Error);
  PeriodicSolver solver(8);
  EXPECT_THROW(solver.forward(std::vector<double>(63)), Error);
}

} // namespace
