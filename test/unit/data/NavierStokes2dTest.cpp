//===- NavierStokes2dTest.cpp - Exact solutions and invariants of Ns2dSolver
//===//
//
// References independent of the solver's code:
//  - single-shell fields (all modes with one |k|^2) have psi proportional to
//    w, so u . grad w = 0 and the exact solution is a per-mode exponential
//    relaxation; Crank–Nicolson's amplification (1 - h)/(1 + h), h = a dt / 2,
//    differs from exp(-a dt) by a^3 dt^3 / 12 per step, so after t / dt steps
//    the relative error is <= t a^3 dt^2 / 12;
//  - the PDE itself: dw/dt from central differences of the solver's states
//    against -u . grad w + nu Lap w + f assembled here (spectral derivatives
//    through PeriodicSolver, 2/3 rule reimplemented);
//  - invariants: div u = 0, w = v_x - u_y, mean w = 0, and without forcing
//    dE/dt = -2 nu Z (the dealiased nonlinear term moves no energy);
//  - second-order convergence in dt against a run with a 16x smaller step.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/gen/NavierStokes2d.h"
#include "runtime/data/gen/GaussianRandomField.h"
#include "runtime/data/gen/PeriodicSolver.h"
#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace shodh;

namespace {

/// Samples `fn(x, y)` on the n x n grid (x along the last axis).
std::vector<double> gridField(int64_t n,
                              const std::function<double(double, double)> &fn) {
  std::vector<double> f(static_cast<size_t>(n * n));
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < n; ++c)
      f[r * n + c] = fn(double(c) / double(n), double(r) / double(n));
  return f;
}

/// FNO's forcing 0.1 (sin 2 pi (x + y) + cos 2 pi (x + y)).
std::vector<double> fnoForcing(int64_t n) {
  return gridField(n, [](double x, double y) {
    return 0.1 * (std::sin(2 * M_PI * (x + y)) + std::cos(2 * M_PI * (x + y)));
  });
}

/// Largest |a - b| relative to max |b|.
double relativeMaxError(const std::vector<double> &a,
                        const std::vector<double> &b) {
  double err = 0.0, scale = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    err = std::max(err, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return err / scale;
}

/// Spectral derivative along x (axis 0) or y (axis 1), Nyquist zeroed.
std::vector<double> derivative(PeriodicSolver &fft,
                               const std::vector<double> &f, int axis) {
  std::vector<std::complex<double>> spec = fft.forward(f);
  for (int64_t row = 0; row < fft.res(); ++row)
    for (int64_t col = 0; col < fft.halfCols(); ++col) {
      Wavevector k = fft.wavevector(row, col);
      bool nyquist = axis == 0 ? k.nyquistX : k.nyquistY;
      double kj = nyquist ? 0.0 : 2 * M_PI * (axis == 0 ? k.kx : k.ky);
      spec[row * fft.halfCols() + col] *= std::complex<double>(0.0, kj);
    }
  return fft.inverse(spec);
}

/// Keeps the modes with |kx|, |ky| < n/3 (the 2/3 rule).
std::vector<double> dealias(PeriodicSolver &fft, const std::vector<double> &f) {
  std::vector<std::complex<double>> spec = fft.forward(f);
  for (int64_t row = 0; row < fft.res(); ++row)
    for (int64_t col = 0; col < fft.halfCols(); ++col) {
      Wavevector k = fft.wavevector(row, col);
      if (3 * std::abs(k.kx) >= fft.res() || 3 * std::abs(k.ky) >= fft.res())
        spec[row * fft.halfCols() + col] = 0.0;
    }
  return fft.inverse(spec);
}

/// A GRF initial vorticity (FNO's alpha = 2.5, tau = 7) on n x n.
std::vector<double> grfVorticity(int64_t n, uint64_t index) {
  GrfParams p;
  p.res = n;
  return sampleGaussianRandomField(p, 7, index);
}

/// Solver on n x n with viscosity nu, step cap dtMax.
Ns2dParams params(int64_t n, double nu, double dtMax = 1e-4) {
  Ns2dParams p;
  p.res = n;
  p.nu = nu;
  p.dtMax = dtMax;
  return p;
}

TEST(NavierStokes2d, SingleShellDecaysExactly) {
  // |k|^2 = 25 shell: (3, 4) and (5, 0). a = nu 4 pi^2 25 ~ 0.99.
  const int64_t n = 32;
  const double nu = 1e-3, t = 1.0, a = nu * 4 * M_PI * M_PI * 25;
  auto shell = [](double x, double y) {
    return std::cos(2 * M_PI * (3 * x + 4 * y)) +
           0.5 * std::sin(2 * M_PI * 5 * x);
  };
  Ns2dSolver solver(params(n, nu));
  solver.setVorticity(gridField(n, shell));
  solver.advanceTo(t);
  EXPECT_EQ(solver.stepStats().steps, 10000);
  std::vector<double> exact = gridField(
      n, [&](double x, double y) { return shell(x, y) * std::exp(-a * t); });
  // Against the exact solution: the CN error t a^3 dt^2 / 12 = 8.0e-10.
  EXPECT_LT(relativeMaxError(solver.vorticity(), exact), 1e-9);
  // Against CN's own amplification ((1 - h) / (1 + h))^steps, h = a dt / 2:
  // only round-off remains, so the nonlinear term contributed nothing.
  const double h = 0.5 * a * 1e-4, g = std::pow((1 - h) / (1 + h), 10000);
  std::vector<double> discrete =
      gridField(n, [&](double x, double y) { return shell(x, y) * g; });
  EXPECT_LT(relativeMaxError(solver.vorticity(), discrete), 1e-12);
}

TEST(NavierStokes2d, ForcedShellRelaxesToSteadyState) {
  // Forcing and w0 on the |k|^2 = 2 shell: w(t) = ws + (w0 - ws) exp(-a t),
  // ws = f / a, a = nu 8 pi^2; AB2 is exact for a constant forcing and the
  // CN fixed point is exactly f / a, so only the CN transient error remains.
  const int64_t n = 32;
  const double nu = 1e-2, t = 1.0, a = nu * 8 * M_PI * M_PI;
  auto w0 = [](double x, double y) {
    return std::cos(2 * M_PI * x) * std::cos(2 * M_PI * y);
  };
  auto f = [](double x, double y) {
    return 0.1 * (std::sin(2 * M_PI * (x + y)) + std::cos(2 * M_PI * (x + y)));
  };
  Ns2dSolver solver(params(n, nu));
  solver.setForcing(fnoForcing(n));
  solver.setVorticity(gridField(n, w0));
  solver.advanceTo(t);
  std::vector<double> exact = gridField(n, [&](double x, double y) {
    return f(x, y) / a + (w0(x, y) - f(x, y) / a) * std::exp(-a * t);
  });
  // t a^3 dt^2 / 12 = 4e-10 relative to |w0 - ws| ~ |w|.
  EXPECT_LT(relativeMaxError(solver.vorticity(), exact), 1e-9);
}

TEST(NavierStokes2d, SatisfiesThePde) {
  // (w(t+h) - w(t-h)) / 2h = -u.grad w + nu Lap w + f + O(h^2 w''').
  const int64_t n = 64;
  const double nu = 1e-3, t = 0.5, h = 1e-3;
  Ns2dSolver solver(params(n, nu));
  solver.setForcing(fnoForcing(n));
  solver.setVorticity(grfVorticity(n, 0));
  solver.advanceTo(t - h);
  std::vector<double> before = solver.vorticity();
  solver.advanceTo(t);
  std::vector<double> w = solver.vorticity(), u, v;
  solver.velocity(u, v);
  solver.advanceTo(t + h);
  std::vector<double> after = solver.vorticity();

  PeriodicSolver fft(n);
  std::vector<double> wx = derivative(fft, w, 0), wy = derivative(fft, w, 1);
  std::vector<double> wxx = derivative(fft, wx, 0),
                      wyy = derivative(fft, wy, 1);
  std::vector<double> adv(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    adv[i] = u[i] * wx[i] + v[i] * wy[i];
  adv = dealias(fft, adv);
  std::vector<double> f = fnoForcing(n), dwdt(w.size()), rhs(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    dwdt[i] = (after[i] - before[i]) / (2 * h);
    rhs[i] = -adv[i] + nu * (wxx[i] + wyy[i]) + f[i];
  }
  // h^2 |w'''| / 6 relative to |dw/dt|: measured 3e-7; a sign or factor
  // error in any term gives O(1e-1) or more.
  EXPECT_LT(relativeMaxError(dwdt, rhs), 1e-5);
}

TEST(NavierStokes2d, VelocityIsDivergenceFreeAndCirculationStaysZero) {
  const int64_t n = 64;
  Ns2dSolver solver(params(n, 1e-4));
  solver.setForcing(fnoForcing(n));
  std::vector<double> w0 = grfVorticity(n, 1);
  for (double &x : w0)
    x += 0.3; // a mean: setVorticity must drop it
  solver.setVorticity(w0);
  solver.advanceTo(0.5);
  std::vector<double> w = solver.vorticity(), u, v;
  solver.velocity(u, v);
  PeriodicSolver fft(n);
  std::vector<double> ux = derivative(fft, u, 0), vy = derivative(fft, v, 1);
  std::vector<double> vx = derivative(fft, v, 0), uy = derivative(fft, u, 1);
  double maxDiv = 0.0, maxGrad = 0.0, mean = 0.0;
  std::vector<double> curl(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    maxDiv = std::max(maxDiv, std::abs(ux[i] + vy[i]));
    maxGrad = std::max(maxGrad, std::abs(ux[i]));
    curl[i] = vx[i] - uy[i];
    mean += w[i] / double(w.size());
  }
  EXPECT_LT(maxDiv, 1e-12 * maxGrad); // round-off of the transforms
  EXPECT_LT(relativeMaxError(curl, w), 1e-12);
  EXPECT_LT(std::abs(mean), 1e-15);
}

TEST(NavierStokes2d, UnforcedEnergyAndEnstrophyDecay) {
  // dE/dt = -2 nu Z exactly for the dealiased semi-discrete system: the
  // energy lost between records matches 2 nu times the trapezoidal integral
  // of Z (quadrature and time-step errors: measured 2.4e-5 relative; a
  // nonlinear term that moved energy would show at O(1)).
  const int64_t n = 64;
  const double nu = 1e-3, dt = 0.02;
  Ns2dSolver solver(params(n, nu));
  solver.setVorticity(grfVorticity(n, 2));
  double e = solver.energy(), z = solver.enstrophy();
  ASSERT_GT(e, 0.0);
  for (int j = 1; j <= 25; ++j) {
    solver.advanceTo(j * dt);
    double e1 = solver.energy(), z1 = solver.enstrophy();
    EXPECT_LT(e1, e) << "record " << j;
    EXPECT_LT(z1, z) << "record " << j;
    double predicted = -2.0 * nu * 0.5 * (z + z1) * dt;
    EXPECT_NEAR((e1 - e) / predicted, 1.0, 2e-4) << "record " << j;
    e = e1;
    z = z1;
  }
}

TEST(NavierStokes2d, SecondOrderInTime) {
  // Error at t = 1 against a 16x finer step as the step halves: ratio -> 4
  // (measured 4.005, 4.013; first order would give 2).
  const int64_t n = 32;
  const double nu = 1e-3, t = 1.0;
  auto run = [&](double dt) {
    Ns2dParams p = params(n, nu, dt);
    p.cfl = 1.0; // the cap, not the CFL limit, sets the step
    Ns2dSolver solver(p);
    solver.setForcing(fnoForcing(n));
    solver.setVorticity(grfVorticity(n, 3));
    solver.advanceTo(t);
    EXPECT_NEAR(solver.stepStats().maxDt, dt, 1e-12);
    return solver.vorticity();
  };
  std::vector<double> reference = run(1.25e-3 / 16);
  double e1 = relativeMaxError(run(5e-3), reference);
  double e2 = relativeMaxError(run(2.5e-3), reference);
  double e3 = relativeMaxError(run(1.25e-3), reference);
  EXPECT_NEAR(e1 / e2, 4.0, 0.2);
  EXPECT_NEAR(e2 / e3, 4.0, 0.2);
}

TEST(NavierStokes2d, CflLimitsTheStep) {
  // w = A cos(2 pi x): psi = w / (4 pi^2), u = psi_y = 0 and
  // v = -psi_x = A sin(2 pi x) / (2 pi), a single-shell shear flow:
  // max|u| + max|v| = A / (2 pi), so dt <= cfl dx 2 pi / A.
  const int64_t n = 32;
  const double amp = 50.0, cfl = 0.25;
  Ns2dParams p = params(n, 1e-3, 1.0);
  p.cfl = cfl;
  Ns2dSolver solver(p);
  solver.setVorticity(gridField(
      n, [&](double x, double) { return amp * std::cos(2 * M_PI * x); }));
  solver.advanceTo(0.01);
  double limit = cfl * (1.0 / n) * 2 * M_PI / amp; // ~ 9.8e-4 at t = 0
  EXPECT_LE(solver.stepStats().maxCfl, cfl * (1 + 1e-6));
  EXPECT_GE(solver.stepStats().steps, static_cast<int64_t>(0.01 / limit));
  EXPECT_NEAR(solver.time(), 0.01, 0.0);
}

TEST(NavierStokes2d, RejectsBadParameters) {
  auto message = [](Ns2dParams p) {
    try {
      Ns2dSolver s(p);
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(params(30 + 1, 1e-3)),
            "navier-stokes: res must be even and in [8, 4096] (got 31)");
  EXPECT_EQ(message(params(32, 0.0)),
            "navier-stokes: nu must be positive (got 0)");
  Ns2dParams p = params(32, 1e-3);
  p.cfl = 2.0;
  EXPECT_EQ(message(p), "navier-stokes: cfl must be in (0, 1] (got 2)");
  Ns2dSolver solver(params(16, 1e-3));
  EXPECT_THROW(solver.setVorticity(std::vector<double>(10)), Error);
  EXPECT_THROW(solver.setForcing(std::vector<double>(16 * 16, 1.0)), Error);
  solver.setVorticity(std::vector<double>(16 * 16, 0.0));
  solver.advanceTo(0.01);
  EXPECT_THROW(solver.advanceTo(0.0), Error);
  // A step limit that would take more than 1e8 steps is an error at once,
  // not days of silence.
  Ns2dParams tiny = params(16, 1e-3);
  tiny.dtMax = 1e-300;
  Ns2dSolver slow(tiny);
  slow.setVorticity(std::vector<double>(16 * 16, 0.0));
  try {
    slow.advanceTo(0.01);
    ADD_FAILURE() << "no error";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), "navier-stokes: reaching t = 0.01 from t "
                                     "= 0 needs 1e+298 more steps of at most "
                                     "1e-300 (the --dt-max or CFL limit), over "
                                     "the 1e+08 one trajectory may take; "
                                     "raise --dt-max or simulate less time");
  }
  EXPECT_EQ(slow.stepStats().steps, 0);
}

} // namespace
