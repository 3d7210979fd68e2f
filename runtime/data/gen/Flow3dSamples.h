//===- Flow3dSamples.h - 3D open-channel and porous-media trajectories ----===//
//
// Draws the 3D incompressible flows of Shodh-MoE's mixed data set, solved by
// Ns3dSolver (NavierStokes3d.h) in the periodic unit box with x streamwise,
// y spanwise, z vertical, driven by a mean pressure gradient G along x:
//
//   open channel  a solid floor slab z in [0, delta] (delta = `slab`). With
//                 the periodic image of the slab at z = 1 the fluid fills a
//                 layer of depth 2h = 1 - delta between two no-slip walls;
//                 its mid-plane z = (1 + delta) / 2 is a symmetry plane of
//                 the laminar flow (free slip: w = 0, du/dz = dv/dz = 0), so
//                 the lower half is an open channel of depth h with a
//                 rigid-lid free surface. Laminar profile
//                 u(z) = G / (2 nu) (z - delta) (1 - z), bulk velocity
//                 U_b = G h^2 / (3 nu), bulk Reynolds number Re = U_b h / nu.
//                 Per sample nu ~ log-uniform(nu range), Re ~ uniform(re
//                 range), then U = U_b = Re nu / h and G = 3 nu U / h^2; the
//                 initial field is the laminar profile plus a perturbation.
//   porous        randomly placed, possibly overlapping spheres of radius r
//                 (centres uniform in the box, periodic), added one by one
//                 until the grid porosity phi = 1 - mean(chi) reaches the
//                 target phi* ~ uniform(porosity range). Per sample nu as
//                 above and a pore Reynolds number Re = U d / nu ~ uniform(re
//                 range), d = 2r, for the superficial (Darcy) velocity U;
//                 G = U nu / K_KC with the Kozeny–Carman permeability
//                 K_KC = d^2 phi^3 / (180 (1 - phi)^2). The flow starts as
//                 plug flow in the pores, (U / phi) (1 - chi) e_x, plus a
//                 perturbation; boundary layers form around the spheres and
//                 the mean relaxes to the grid's own Darcy velocity.
//
// The mask is chi = (1 - sin(pi d / (2 w))) / 2 for |d| < w of the signed
// distance d to the solid surface (negative inside), 1 deeper inside and 0
// farther out, w = `smoothing` grid cells (0, the default: sharp, chi = 1
// inside, 1/2 on the surface, 0 outside). With a small eta every point with
// chi > 0 acts as solid, so smoothing moves the effective wall ~w into the
// fluid (measured on the laminar channel: 19% error at w = 2 cells against
// 1.3% sharp, 32^3).
// The perturbation is A U (1 - chi) xi, A = `perturbation`, xi a
// random solenoidal field of unit RMS with independent normal Fourier
// coefficients on 1 <= |k| <= 4 (drawn over a fixed list of wavevectors, so
// a seed gives the same xi on every grid); the solver projects the masked
// field.
//
// Sample i uses SplitMix64(seed, i) for its parameters, geometry and
// perturbation (in that order), so a file depends on the seed but not on the
// thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/NavierStokes3d.h"
#include "runtime/data/gen/Random.h"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shodh {

/// Flow kind; the value is the `domain` label stored per sample.
enum class Flow3dDomain : int64_t { OpenChannel = 0, Porous = 1 };

/// "open-channel" or "porous".
std::string flow3dDomainName(Flow3dDomain domain);

/// Everything that defines a 3D flow data set besides the seed.
struct Flow3dOptions {
  Flow3dDomain domain = Flow3dDomain::OpenChannel;
  int64_t res = 32;                        ///< grid points per axis
  int64_t steps = 8;                       ///< recorded snapshots T
  double dtOut = 0.1;                      ///< time between snapshots
  std::array<double, 2> nu = {5e-3, 1e-2}; ///< viscosity range (log-uniform)
  std::array<double, 2> re = {50, 300};    ///< Reynolds number range
  std::array<double, 2> porosity = {0.5, 0.9}; ///< porous: target range
  double radius = 0.1;                         ///< porous: sphere radius
  double slab = 0.125;       ///< channel: floor thickness delta
  double eta = 1e-4;         ///< Brinkman permeability of the solid
  double smoothing = 0.0;    ///< mask transition half-width, cells (0: sharp)
  double perturbation = 0.1; ///< perturbation RMS / velocity scale U
  double dtMax = 1e-2;       ///< largest time step
  double cfl = 0.5;          ///< CFL number of the adaptive step
  int fftThreads = 1;        ///< FFTW threads per transform
  Ns3dPenalization penalization = Ns3dPenalization::Implicit;
};

/// Default Reynolds number range of a domain ({50, 300} for the channel's
/// bulk Re, {1, 20} for the porous pore Re).
std::array<double, 2> defaultFlow3dRe(Flow3dDomain domain);

/// Checks `o` and throws `Error` naming the command-line flag at fault.
void checkFlow3dOptions(const Flow3dOptions &o);

/// The physical parameters of one sample.
struct Flow3dParameters {
  double porosity = 1.0; ///< fluid fraction 1 - mean(chi) on the grid
  double gradient = 0.0; ///< G
  double nu = 0.0;       ///< viscosity
  double re = 0.0;       ///< nominal Reynolds number (see the file comment)
  double velocity = 0.0; ///< velocity scale U
};

/// One trajectory in float32 (the stored precision) plus diagnostics.
struct Flow3dSample {
  Flow3dParameters params;
  std::vector<double> mask;     ///< chi, res^3
  std::vector<float> initial;   ///< u at t = 0, 3 * res^3
  std::vector<float> snapshots; ///< steps * 3 * res^3, t = dtOut..
  double meanVelocity = 0.0;    ///< <u_x> over the box at the last record
  double divergence64 = 0.0;    ///< largest Ns3dSolver::divergence()
  double divergence32 = 0.0;    ///< largest spectralDivergence of the f32
  Ns3dStepStats stats;
};

/// Draws trajectories (a fresh solver per sample; thread-compatible).
class Flow3dSampler {
public:
  /// Validates `opts`.
  explicit Flow3dSampler(Flow3dOptions opts);
  /// Trajectory `index` of the data set generated with `seed`; `onSnapshot`
  /// (if set) is called after each recorded snapshot.
  Flow3dSample sample(uint64_t seed, uint64_t index,
                      const std::function<void()> &onSnapshot = {}) const;
  /// The options in force.
  const Flow3dOptions &options() const { return opts_; }

private:
  Flow3dOptions opts_;
};

/// Mask value at signed distance `d` (negative inside) for a transition of
/// `width` (0: sharp).
double solidMask(double d, double width);
/// The channel's floor-slab mask chi on an n^3 grid.
std::vector<double> channelMask(int64_t n, double slab, double smoothing);
/// The laminar channel velocity u_x at height z (0 in the slab).
double laminarChannelVelocity(double z, double slab, double gradient,
                              double nu);
/// Spheres added in random order until the grid porosity is <= `porosity`;
/// the mask is returned in `mask`, the centres as the result.
std::vector<std::array<double, 3>> drawSpheres(SplitMix64 &rng, int64_t n,
                                               double radius, double porosity,
                                               double smoothing,
                                               std::vector<double> &mask);
/// Kozeny–Carman permeability d^2 phi^3 / (180 (1 - phi)^2).
double kozenyCarman(double porosity, double diameter);
/// A random solenoidal field of unit RMS on 1 <= |k| <= 4 (3 * n^3 values).
std::vector<double> randomSolenoidalField(SplitMix64 &rng, int64_t n);

} // namespace shodh
