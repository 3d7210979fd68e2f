//===- NavierStokes3d.h - Pseudo-spectral 3D Navier–Stokes with solids ----===//
//
// Integrates the incompressible Navier–Stokes equations in the triply
// periodic unit box [0,1)^3, with solid regions by Brinkman penalisation and
// a mean pressure gradient G driving the flow along x:
//
//   du/dt = u x w - grad P + nu Lap u + G e_x - (chi / eta) u,   div u = 0,
//
// w = curl u, P = p + |u|^2 / 2 (rotational form), chi in [0, 1] the solid
// mask (1 = solid) and eta the permeability of the penalisation. Grid value
// [(z * n + y) * n + x] sits at (x, y, z) / n: x runs along the last axis;
// a velocity field holds the components (u_x, u_y, u_z) one after the other.
// Spectra use FFTW's r2c half layout (n x n x (n/2 + 1), unnormalised:
// field = ifft / n^3).
//
// Space: pseudo-spectral (FFTW, double precision). u x w is formed on the
// grid from 6 inverse transforms and dealiased by the 2/3 rule (modes with
// |kx|, |ky|, |kz| <= K, 3K < n); the velocity itself lives on that set.
// Every right-hand side is Leray-projected, u^ <- u^ - k (k . u^) / |k|^2,
// with k = 0 (the mean flow) kept.
//
// Time (one step of size dt):
//  1. fluid: the low-storage third-order Runge–Kutta of Spalart, Moser and
//     Rogers (1991; gamma = 8/15, 5/12, 3/4, zeta = 0, -17/60, -5/12, stage
//     times 0, 8/15, 2/3, 1) on the projected u x w + G e_x, with the viscous
//     term integrated exactly by the integrating factor exp(-nu |k|^2 t):
//       u_{s+1} = E(a_s) [u_s + dt g_s N_s] + dt z_s E(a_s + a_{s-1}) N_{s-1},
//     E(a) = exp(-nu |k|^2 a dt), a_s = g_s + z_s; only decaying factors,
//     3 evaluations of N (6 inverse + 3 forward FFTs each) per step. RK3's
//     stability region contains the imaginary axis up to sqrt(3).
//  2. solids, Ns3dPenalization::Implicit (default; Lie splitting):
//     u <- u / (1 + chi dt / eta) on the grid, the implicit Euler step of
//     du/dt = -(chi / eta) u, stable for any eta > 0 and dt, so eta can be
//     small without limiting dt; then
//  3. projection of the penalised field (the mask breaks div u = 0).
//     The split moves the walls by ~sqrt(nu dt) (the exact viscous step
//     diffuses velocity into the solid, the penalisation removes it, the
//     projection of the zeroed field leaks some back), so the steady state
//     depends on dt. Measured: permeability of a sphere pack (32^3,
//     nu = 0.1) +38..85% at dt = 1e-2 against 2.5e-3 (+22% at nu = 0.01,
//     24^3); laminar channel (32^3, nu = 0.05) 1.3% error at dt = 5e-3,
//     4.1% at 1.25e-3, where the split partly cancels the sharp mask's own
//     O(dx) wall offset.
//     Ns3dPenalization::Explicit: -(chi / eta) u is added to u x w in every
//     stage and projected with it (no splitting: the steady state does not
//     depend on dt), at the price of dt <= 2 eta.
//
// Step size: dt = min(dtMax, cfl dx / max(|u_x| + |u_y| + |u_z|)), dx = 1/n,
// (and <= 2 eta for explicit penalisation with a solid),
// from the velocity at the start of the step; advanceTo takes the smallest
// number of equal steps <= that limit that lands on the requested time
// (recomputed every step, as in Ns2dSolver).
//
// A solver owns its FFTW plans and buffers: use one per thread. Plans are
// made under the process-wide planner mutex (FftwPlanner.h) with
// FFTW_ESTIMATE; with fftThreads > 1 FFTW's threads split each transform.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

namespace shodh {

/// How the Brinkman term -(chi / eta) u is integrated (see the file comment).
enum class Ns3dPenalization {
  Implicit, ///< split step u <- u / (1 + chi dt / eta), then projection
  Explicit, ///< inside every RK3 stage with u x w; dt <= 2 eta
};

/// Physical and numerical parameters of a 3D solve.
struct Ns3dParams {
  int64_t res = 32;    ///< grid points per axis (even, in [8, 512])
  double nu = 1e-2;    ///< kinematic viscosity (> 0)
  double gradient = 0; ///< mean pressure gradient G along x (forcing)
  double eta = 1e-4;   ///< Brinkman permeability of the solid (> 0)
  double dtMax = 1e-2; ///< largest time step
  double cfl = 0.5;    ///< dt * max(|u_x| + |u_y| + |u_z|) / dx stays below
  int fftThreads = 1;  ///< FFTW threads per transform
  Ns3dPenalization penalization = Ns3dPenalization::Implicit;
};

/// Statistics of the steps taken since setVelocity.
struct Ns3dStepStats {
  int64_t steps = 0;   ///< time steps taken
  double minDt = 0.0;  ///< smallest step (0 before the first)
  double maxDt = 0.0;  ///< largest step
  double maxCfl = 0.0; ///< largest dt * max(|u_x| + |u_y| + |u_z|) / dx
};

/// Time stepper for the penalised equations; see the file comment.
class Ns3dSolver {
public:
  /// Validates `params` and plans the transforms.
  explicit Ns3dSolver(const Ns3dParams &params);
  ~Ns3dSolver();
  Ns3dSolver(const Ns3dSolver &) = delete;
  Ns3dSolver &operator=(const Ns3dSolver &) = delete;

  /// Grid points per axis.
  int64_t res() const;
  /// Largest kept wavenumber K per axis (3K < res).
  int64_t dealiasCutoff() const;
  /// The parameters in force.
  const Ns3dParams &params() const;

  /// Sets the solid mask chi (res^3 values in [0, 1]; empty = no solid).
  void setMask(const std::vector<double> &chi);
  /// Sets the velocity (3 * res^3 values), keeps its dealiased modes,
  /// projects it and restarts the clock at t = 0.
  void setVelocity(const std::vector<double> &velocity);
  /// Advances to time `t` (>= time()); throws `Error` if the flow stops being
  /// finite.
  void advanceTo(double t);

  /// Current time.
  double time() const;
  /// Step statistics since setVelocity.
  const Ns3dStepStats &stepStats() const;
  /// Velocity on the grid (3 * res^3 values).
  std::vector<double> velocity();
  /// Half spectra of u_x, u_y, u_z one after the other.
  const std::vector<std::complex<double>> &spectrum() const;
  /// max_k |k . u^(k)| / (k_max max_k |u^(k)|), k_max = 2 pi K: the relative
  /// spectral divergence of the state (0 for a solenoidal field).
  double divergence() const;
  /// Kinetic energy (1/2) mean(|u|^2), from the spectrum.
  double energy() const;
  /// Mean velocity (the k = 0 mode).
  std::array<double, 3> meanVelocity() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Relative spectral divergence, as Ns3dSolver::divergence, of a velocity
/// field given on an n^3 grid (3 * n^3 values, e.g. as stored in float32);
/// k_max is the largest |k_j| present (n/2 - 1 without Nyquist modes).
double spectralDivergence(const std::vector<double> &velocity, int64_t n);

} // namespace shodh
