//===- NavierStokes2d.h - Pseudo-spectral 2D Navier–Stokes (vorticity) ----===//
//
// Integrates the incompressible Navier–Stokes equations in vorticity form on
// the periodic unit square, the system of FNO's Navier–Stokes data (Li et al.):
//
//   dw/dt + u . grad w = nu Lap w + f,     u = (psi_y, -psi_x),  -Lap psi = w
//
// on an n x n grid (double precision, FFTW). In Fourier space
// psi^(k) = w^(k) / (4 pi^2 |k|^2). Grid value [r * n + c] sits at
// (x, y) = (c / n, r / n) as in PeriodicSolver: x runs along the last axis.
//
// Spatial discretisation: the nonlinear term u . grad w is evaluated
// pseudo-spectrally (u, v, w_x, w_y by spectral differentiation, product on the
// grid, one forward FFT) and dealiased with Orszag's 2/3 rule: only modes with
// |kx|, |ky| <= K, K the largest integer with 3K < n, are kept. The vorticity
// itself is kept on that set too (setVorticity drops the other modes), so the
// semi-discrete nonlinear term conserves energy and enstrophy exactly and the
// modes outside the set never carry anything. The zero mode (mean vorticity,
// i.e. the circulation) is 0: the forcing must be mean-free.
//
// Time stepping (CNAB2): Crank–Nicolson for the viscous term, second-order
// Adams–Bashforth for the nonlinear term and the forcing,
//
//   (1 + dt nu L / 2) w^{n+1} = (1 - dt nu L / 2) w^n
//                               + dt [(1 + r/2) N^n - (r/2) N^{n-1} + f],
//
// L = 4 pi^2 |k|^2, N = -(u . grad w)^, r = dt_n / dt_{n-1} (the
// variable-step AB2 weights); the first step after setVorticity uses
// forward Euler for N. The scheme is second order in time and costs one
// evaluation of N (4 inverse + 1 forward FFT) per step. (FNO's ns_2d.py uses
// forward Euler for N with the same Crank–Nicolson viscous part: first order
// at the same cost.)
//
// Time step: dt_limit = min(dtMax, cfl * dx / (max|u| + max|v|)), dx = 1/n,
// with the velocities of the current state; each call to advanceTo then takes
// the smallest number of equal steps <= dt_limit that reaches the requested
// time exactly (the count is recomputed each step, so the step follows the
// CFL limit as the flow changes).
//
// A solver owns its FFTW plans and buffers: use one per thread. Plans are made
// under the process-wide FFTW planner mutex (FftwPlanner.h) with
// FFTW_ESTIMATE, so results are bitwise reproducible.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

namespace shodh {

/// Physical and numerical parameters of a Navier–Stokes solve.
struct Ns2dParams {
  int64_t res = 64;    ///< grid points per axis (even, in [8, 4096])
  double nu = 1e-3;    ///< kinematic viscosity (> 0)
  double dtMax = 1e-4; ///< largest time step
  double cfl = 0.25;   ///< dt * (max|u| + max|v|) / dx stays below this
};

/// Statistics of the steps taken since setVorticity.
struct Ns2dStepStats {
  int64_t steps = 0;   ///< time steps taken
  double minDt = 0.0;  ///< smallest step (0 before the first)
  double maxDt = 0.0;  ///< largest step
  double maxCfl = 0.0; ///< largest dt * (max|u| + max|v|) / dx
};

/// Time stepper for the vorticity equation; see the file comment.
class Ns2dSolver {
public:
  /// Validates `params` and plans the transforms.
  explicit Ns2dSolver(const Ns2dParams &params);
  ~Ns2dSolver();
  Ns2dSolver(const Ns2dSolver &) = delete;
  Ns2dSolver &operator=(const Ns2dSolver &) = delete;

  /// Grid points per axis.
  int64_t res() const;
  /// Largest kept wavenumber K per axis (3K < res).
  int64_t dealiasCutoff() const;
  /// The parameters in force.
  const Ns2dParams &params() const;

  /// Sets the forcing f (res*res grid values); only its dealiased modes are
  /// used. Throws if its mean is not ~0 (it would change the circulation).
  void setForcing(const std::vector<double> &forcing);
  /// Sets the vorticity (res*res grid values), drops its mean and the modes
  /// outside the dealiased set, and restarts the clock at t = 0.
  void setVorticity(const std::vector<double> &vorticity);
  /// Advances to time `t` (>= time()); throws `Error` if the flow stops being
  /// finite.
  void advanceTo(double t);

  /// Current time.
  double time() const;
  /// Step statistics since setVorticity.
  const Ns2dStepStats &stepStats() const;
  /// Half spectrum of w (res x (res/2+1), unnormalised FFT: w = ifft / res^2).
  const std::vector<std::complex<double>> &spectrum() const;
  /// Vorticity on the grid.
  std::vector<double> vorticity();
  /// Velocity (u, v) = (psi_y, -psi_x) on the grid.
  void velocity(std::vector<double> &u, std::vector<double> &v);
  /// Kinetic energy (1/2) mean(|u|^2), from the spectrum.
  double energy() const;
  /// Enstrophy (1/2) mean(w^2), from the spectrum.
  double enstrophy() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace shodh
