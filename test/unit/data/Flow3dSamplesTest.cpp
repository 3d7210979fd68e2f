//===- Flow3dSamplesTest.cpp - Channel and porous 3D flows
//-----------------===//
//
//  - laminar open channel: the penalised solver relaxes to the analytic
//    Poiseuille profile u = G / (2 nu) (z - delta) (1 - z); the error falls
//    with the grid spacing and with eta;
//  - porous media: the permeability K = nu <u_x> / G of sphere packs falls
//    with the porosity, in the trend of Kozeny–Carman;
//  - samplers: masks and porosities, parameters within their ranges,
//    divergence-free fields, determinism, option errors.
//
//===----------------------------------------------------------------------===//
#include "runtime/data/gen/Flow3dSamples.h"
#include "../ExpectError.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace shodh;

namespace {

/// The x-averaged u_x(z) of a velocity field on n^3.
std::vector<double> profile(const std::vector<double> &u, int64_t n) {
  std::vector<double> p(static_cast<size_t>(n), 0.0);
  for (int64_t z = 0; z < n; ++z)
    for (int64_t i = 0; i < n * n; ++i)
      p[z] += u[z * n * n + i] / double(n * n);
  return p;
}

/// Relative L2 error of the steady channel profile on n^3 against the
/// analytic one (slab 0.25, nu 0.05, G 1: Re_b = 7), started from it.
double channelError(int64_t n, double eta, double smoothing = 0.0,
                    Ns3dPenalization mode = Ns3dPenalization::Implicit,
                    double dtMax = 5e-3) {
  const double slab = 0.25, nu = 0.05, g = 1.0;
  Ns3dParams p;
  p.res = n;
  p.nu = nu;
  p.gradient = g;
  p.eta = eta;
  p.dtMax = dtMax;
  p.penalization = mode;
  Ns3dSolver solver(p);
  solver.setMask(channelMask(n, slab, smoothing));
  std::vector<double> u(static_cast<size_t>(3 * n * n * n), 0.0);
  std::vector<double> exact(static_cast<size_t>(n));
  for (int64_t z = 0; z < n; ++z) {
    exact[z] = laminarChannelVelocity(double(z) / n, slab, g, nu);
    std::fill_n(u.begin() + z * n * n, n * n, exact[z]);
  }
  solver.setVelocity(u);
  solver.advanceTo(2.0); // slowest decay rate nu pi^2 / (2h)^2 = 0.88
  std::vector<double> got = profile(solver.velocity(), n);
  double err = 0.0, norm = 0.0;
  for (int64_t z = 0; z < n; ++z) {
    err += (got[z] - exact[z]) * (got[z] - exact[z]);
    norm += exact[z] * exact[z];
  }
  return std::sqrt(err / norm);
}

/// Steady permeability K = nu <u_x> / G of random spheres (radius 0.12,
/// seed 5) at grid porosity ~`porosity`, Stokes regime (nu 0.1, G 0.01).
struct Permeability {
  double porosity, k, change;
};
Permeability permeability(int64_t n, double porosity, Ns3dPenalization mode,
                          double eta, double dtMax) {
  SplitMix64 rng(5, 0);
  std::vector<double> chi;
  drawSpheres(rng, n, 0.12, porosity, 0.0, chi);
  Ns3dParams p;
  p.res = n;
  p.nu = 0.1;
  p.gradient = 0.01;
  p.eta = eta;
  p.dtMax = dtMax;
  p.penalization = mode;
  Ns3dSolver solver(p);
  solver.setMask(chi);
  solver.setVelocity(std::vector<double>(3 * n * n * n, 0.0));
  solver.advanceTo(1.2);
  double before = solver.meanVelocity()[0];
  solver.advanceTo(1.5);
  double after = solver.meanVelocity()[0], solid = 0.0;
  for (double c : chi)
    solid += c;
  return {1.0 - solid / double(chi.size()), p.nu * after / p.gradient,
          std::abs(after - before) / after};
}

} // namespace

TEST(Flow3dSamples, LaminarChannelMatchesPoiseuille) {
  // The sharp spectral mask puts the effective wall O(dx) off; the Brinkman
  // layer sqrt(nu eta) and the implicit split's sqrt(nu dt) move it the
  // other way. Explicit penalisation (no split) at eta = 1e-3 shows the
  // resolution trend (measured 1.27e-1 -> 2.5e-2); the implicit default at
  // dt = 5e-3 gives 6.5e-2 -> 1.3e-2 (part cancellation, see results.md).
  const auto expl = Ns3dPenalization::Explicit;
  double x16 = channelError(16, 1e-3, 0.0, expl, 2e-3),
         x32 = channelError(32, 1e-3, 0.0, expl, 2e-3);
  double e16 = channelError(16, 1e-4), e32 = channelError(32, 1e-4);
  std::printf("laminar channel, relative L2 error: explicit eta 1e-3 16^3 "
              "%.2e, 32^3 %.2e; implicit eta 1e-4 16^3 %.2e, 32^3 %.2e\n",
              x16, x32, e16, e32);
  EXPECT_LT(x32, 0.035);
  EXPECT_LT(x32, 0.3 * x16);
  EXPECT_LT(e32, 0.02);
  EXPECT_LT(e32, 0.5 * e16);
}

TEST(Flow3dSamples, PermeabilityFallsWithPorosity) {
  // Explicit penalisation: no splitting error, so the steady state does not
  // depend on dt; eta 1e-3 gives a Brinkman layer sqrt(nu eta) = 0.01.
  std::printf("porosity  K (24^3)    Kozeny-Carman  K / K_KC\n");
  std::vector<Permeability> rows;
  for (double phi : {0.85, 0.7, 0.55}) {
    rows.push_back(
        permeability(24, phi, Ns3dPenalization::Explicit, 1e-3, 2e-3));
    const Permeability &r = rows.back();
    double kc = kozenyCarman(r.porosity, 0.24);
    std::printf("%.3f     %.3e   %.3e      %.2f\n", r.porosity, r.k, kc,
                r.k / kc);
    EXPECT_LT(r.change, 0.01) << "not steady at porosity " << r.porosity;
  }
  EXPECT_GT(rows[0].k, rows[1].k);
  EXPECT_GT(rows[1].k, rows[2].k);
  // Halving dt changes the explicit scheme's steady state by round-off
  // and time-integration error only.
  Permeability half =
      permeability(24, 0.7, Ns3dPenalization::Explicit, 1e-3, 1e-3);
  EXPECT_NEAR(half.k / rows[1].k, 1.0, 1e-3);
}

TEST(Flow3dSamples, Masks) {
  std::vector<double> chi = channelMask(16, 0.25, 0.0);
  // z = k / 16: solid for k < 4, walls (0.5) at k = 0 and 4.
  EXPECT_EQ(chi[0], 0.5);
  EXPECT_EQ(chi[2 * 256 + 17], 1.0);
  EXPECT_EQ(chi[4 * 256], 0.5);
  EXPECT_EQ(chi[5 * 256 + 3], 0.0);
  EXPECT_EQ(chi[15 * 256], 0.0);
  EXPECT_EQ(solidMask(-0.1, 0.05), 1.0);
  EXPECT_EQ(solidMask(0.0, 0.05), 0.5);
  EXPECT_NEAR(solidMask(0.025, 0.05), 0.5 * (1 - std::sqrt(0.5)), 1e-15);
  EXPECT_EQ(solidMask(0.05, 0.05), 0.0);
  EXPECT_EQ(laminarChannelVelocity(0.1, 0.25, 1.0, 0.5), 0.0);
  EXPECT_NEAR(laminarChannelVelocity(0.625, 0.25, 1.0, 0.5), 0.140625, 1e-15);

  SplitMix64 a(9, 3), b(9, 3);
  std::vector<double> m1, m2;
  auto c1 = drawSpheres(a, 24, 0.1, 0.7, 1.0, m1);
  auto c2 = drawSpheres(b, 24, 0.1, 0.7, 1.0, m2);
  EXPECT_EQ(m1, m2);
  EXPECT_EQ(c1.size(), c2.size());
  double solid = 0.0;
  for (double v : m1) {
    solid += v;
    EXPECT_TRUE(v >= 0.0 && v <= 1.0);
  }
  double phi = 1.0 - solid / double(m1.size());
  // The last sphere (volume 4.2e-3) overshoots the target by less than its
  // volume.
  EXPECT_LE(phi, 0.7);
  EXPECT_GT(phi, 0.7 - 4.2e-3);
  EXPECT_NEAR(kozenyCarman(0.5, 0.2), 0.04 * 0.125 / (180 * 0.25), 1e-15);
}

TEST(Flow3dSamples, RandomFieldIsSolenoidalAndGridIndependent) {
  SplitMix64 a(4, 1), b(4, 1);
  std::vector<double> f16 = randomSolenoidalField(a, 16);
  std::vector<double> f32 = randomSolenoidalField(b, 32);
  double sum = 0.0;
  for (double v : f16)
    sum += v * v;
  EXPECT_NEAR(sum / (16.0 * 16 * 16), 1.0, 1e-12);
  EXPECT_LT(spectralDivergence(f16, 16), 1e-13);
  // Grid point (x, y, z) = (3, 5, 7) / 16 on both grids.
  for (int c = 0; c < 3; ++c)
    EXPECT_NEAR(f16[c * 4096 + (7 * 16 + 5) * 16 + 3],
                f32[c * 32768 + (14 * 32 + 10) * 32 + 6], 1e-12);
}

namespace {
Flow3dOptions smallOptions(Flow3dDomain domain) {
  Flow3dOptions o;
  o.domain = domain;
  o.res = 16;
  o.steps = 2;
  o.dtOut = 0.05;
  o.re = defaultFlow3dRe(domain);
  return o;
}
} // namespace

TEST(Flow3dSamples, ChannelSample) {
  Flow3dSampler sampler(smallOptions(Flow3dDomain::OpenChannel));
  Flow3dSample s = sampler.sample(7, 2);
  const Flow3dParameters &p = s.params;
  EXPECT_TRUE(p.nu >= 5e-3 && p.nu <= 1e-2) << p.nu;
  EXPECT_TRUE(p.re >= 50 && p.re <= 300) << p.re;
  const double h = 0.5 * (1 - 0.125);
  EXPECT_NEAR(p.velocity, p.re * p.nu / h, 1e-12);
  EXPECT_NEAR(p.gradient, 3 * p.nu * p.velocity / (h * h), 1e-12);
  EXPECT_EQ(s.snapshots.size(), 2u * 3 * 4096);
  EXPECT_EQ(s.initial.size(), 3u * 4096);
  EXPECT_LT(s.divergence64, 1e-13);
  EXPECT_LT(s.divergence32, 1e-6);
  EXPECT_GT(s.divergence32, s.divergence64);
  // The flow is mostly the laminar profile: <u_x> near U (1 - delta).
  EXPECT_NEAR(s.meanVelocity / (p.velocity * (1 - 0.125)), 1.0, 0.1);
  Flow3dSample again = sampler.sample(7, 2), other = sampler.sample(7, 3);
  EXPECT_EQ(s.snapshots, again.snapshots);
  EXPECT_NE(s.snapshots, other.snapshots);
}

TEST(Flow3dSamples, PorousSample) {
  Flow3dOptions o = smallOptions(Flow3dDomain::Porous);
  o.porosity = {0.6, 0.6};
  o.radius = 0.15;
  Flow3dSampler sampler(o);
  int calls = 0;
  Flow3dSample s = sampler.sample(1, 0, [&] { ++calls; });
  EXPECT_EQ(calls, 2);
  const Flow3dParameters &p = s.params;
  EXPECT_LE(p.porosity, 0.6);
  EXPECT_GT(p.porosity, 0.6 - 4 * M_PI / 3 * 0.15 * 0.15 * 0.15);
  EXPECT_NEAR(p.velocity, p.re * p.nu / 0.3, 1e-12);
  EXPECT_NEAR(p.gradient, p.velocity * p.nu / kozenyCarman(0.6, 0.3), 1e-9);
  EXPECT_EQ(
      std::count_if(s.mask.begin(), s.mask.end(),
                    [](double c) { return c != 0 && c != 1 && c != 0.5; }),
      0); // sharp by default
  EXPECT_LT(s.divergence64, 1e-13);
  // Plug flow at t = 0 with <u_x> ~ U; the spheres slow it down.
  double mean0 = 0.0;
  for (int64_t i = 0; i < 4096; ++i)
    mean0 += s.initial[i] / 4096.0;
  EXPECT_NEAR(mean0 / p.velocity, 1.0, 0.02); // + the masked perturbation
  EXPECT_GT(s.meanVelocity, 0.0);
  EXPECT_LT(s.meanVelocity, mean0);
}

TEST(Flow3dSamples, RejectsBadOptions) {
  using shodh::testing::expectError;
  auto bad = [](auto edit, const std::string &needle) {
    Flow3dOptions o = smallOptions(Flow3dDomain::Porous);
    edit(o);
    expectError([&] { Flow3dSampler s(o); }, needle);
  };
  bad([](Flow3dOptions &o) { o.res = 12; },
      "--res must be even and in [16, 512] (got 12)");
  bad([](Flow3dOptions &o) { o.steps = 0; }, "--steps must be positive");
  bad(
      [](Flow3dOptions &o) {
        o.nu = {1e-2, 1e-3};
      },
      "--nu must satisfy 0 < min <= max <= 1 (got 0.01 0.001)");
  bad(
      [](Flow3dOptions &o) {
        o.porosity = {0.5, 1.0};
      },
      "--porosity must satisfy 0 < min <= max <= 0.99");
  bad([](Flow3dOptions &o) { o.radius = 0.01; }, "--radius must be in [1/res");
  bad([](Flow3dOptions &o) { o.eta = 0; }, "--eta must be in (0, 1]");
  bad([](Flow3dOptions &o) { o.dtMax = 1.0; },
      "--dt-max must be in (0, --dt-out]");
  bad([](Flow3dOptions &o) { o.perturbation = -1; },
      "--perturbation must be in [0, 1]");
  bad([](Flow3dOptions &o) { o.smoothing = 5; },
      "--smoothing must be in [0, 4] cells");
  bad(
      [](Flow3dOptions &o) {
        o.domain = Flow3dDomain::OpenChannel;
        o.slab = 0.9;
      },
      "--slab must be in [2/res, 0.5]");
}

// Heavier checks, run by hand (docs/results.md, "3D flow generators"):
//   flow3d_samples_test --gtest_also_run_disabled_tests \
//     --gtest_filter='*DISABLED_*'
TEST(Flow3dSamples, DISABLED_LaminarChannelConvergence) {
  for (int64_t n : {16, 32, 64})
    for (double eta : {1e-3, 1e-4})
      std::printf("laminar channel %lld^3 implicit eta %g dt 5e-3: relative "
                  "L2 error %.2e\n",
                  static_cast<long long>(n), eta, channelError(n, eta));
  for (int64_t n : {16, 32, 64})
    std::printf("laminar channel %lld^3 explicit eta 1e-3 dt 2e-3: %.2e\n",
                static_cast<long long>(n),
                channelError(n, 1e-3, 0.0, Ns3dPenalization::Explicit, 2e-3));
  std::printf("64^3 implicit eta 1e-4 dt 1.25e-3: %.2e\n",
              channelError(64, 1e-4, 0.0, Ns3dPenalization::Implicit, 1.25e-3));
  std::printf("32^3 implicit eta 1e-4 dt 1.25e-3: %.2e\n",
              channelError(32, 1e-4, 0.0, Ns3dPenalization::Implicit, 1.25e-3));
  std::printf("32^3 eta 1e-4 smoothing 2 cells: %.2e\n",
              channelError(32, 1e-4, 2.0));
}

TEST(Flow3dSamples, DISABLED_PermeabilityTable) {
  std::printf("porosity  mode      eta     dt_max  K (32^3)   K_KC       "
              "K / K_KC\n");
  for (double phi : {0.85, 0.7, 0.55}) {
    struct Mode {
      Ns3dPenalization mode;
      const char *name;
      double eta, dt;
    };
    for (Mode m :
         {Mode{Ns3dPenalization::Implicit, "implicit", 1e-4, 1e-2},
          Mode{Ns3dPenalization::Implicit, "implicit", 1e-4, 2.5e-3},
          Mode{Ns3dPenalization::Explicit, "explicit", 1e-3, 2e-3},
          Mode{Ns3dPenalization::Explicit, "explicit", 2.5e-4, 5e-4}}) {
      Permeability r = permeability(32, phi, m.mode, m.eta, m.dt);
      double kc = kozenyCarman(r.porosity, 0.24);
      std::printf("%.3f     %s  %.1e %.1e %.3e  %.3e  %.2f%s\n", r.porosity,
                  m.name, m.eta, m.dt, r.k, kc, r.k / kc,
                  r.change > 0.01 ? " (not steady)" : "");
    }
  }
}
