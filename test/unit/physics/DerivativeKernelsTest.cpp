//===- DerivativeKernelsTest.cpp - divergence, divergence_grad and curl ---===//
//
// Each kernel against references built from one-axis derivatives (naive DFT
// for "spectral", direct central differences for "fd2"), analytic fields,
// the adjoint identities the gradient rules rely on (the exact form of a
// gradient check for linear maps: <A x, y> = <x, A^T y>), and div(curl) = 0.
//
//===----------------------------------------------------------------------===//
#include "test/unit/physics/PhysicsReference.h"
#include "test/unit/physics/PhysicsTestUtil.h"

#include <gtest/gtest.h>

using namespace shodh;
using namespace shodh::testing;

namespace {

/// Runs kernel `name` on x [B, cin, grid] giving [B, cout, grid].
std::vector<double> apply(const std::string &name, const std::string &method,
                          const std::vector<double> &x, int64_t batch,
                          int64_t cin, int64_t cout, const Grid &g,
                          DType dtype = DType::F64) {
  return applyKernel(name, physicsAttrs(g.lengths, method), x,
                     fieldShape(batch, cin, g.n), fieldShape(batch, cout, g.n),
                     dtype);
}

/// d f / dx_a of one channel with the reference of `method`.
std::vector<double> derivative(const std::string &method, const double *f,
                               const Grid &g, int a) {
  return method == "fd2" ? centralDifference(f, g, a)
                         : naiveSpectralDerivative(f, g, a);
}

/// Reference: out channel o = sum of sign * d in[c] / dx_a over `terms`.
std::vector<double>
reference(const std::string &method, const std::vector<double> &x,
          int64_t batch, int64_t cin, int64_t cout, const Grid &g,
          const std::vector<std::array<int, 4>> &terms) { // out, in, axis, sign
  int64_t n = g.points();
  std::vector<double> y(batch * cout * n, 0.0);
  for (int64_t b = 0; b < batch; ++b)
    for (auto [o, c, a, sign] : terms) {
      std::vector<double> dd =
          derivative(method, x.data() + (b * cin + c) * n, g, a);
      for (int64_t p = 0; p < n; ++p)
        y[(b * cout + o) * n + p] += sign * dd[p];
    }
  return y;
}

/// max |a - b| / max |b|.
double relError(const std::vector<double> &a, const std::vector<double> &b) {
  double err = 0;
  for (size_t i = 0; i < a.size(); ++i)
    err = std::max(err, std::abs(a[i] - b[i]));
  return err / maxAbs(b);
}

const Grid kGrid2{{6, 5}, {1.0, 2.0}};
const Grid kGrid3{{4, 5, 6}, {2 * M_PI, 1.0, 3.0}};
const char *const kMethods[] = {"spectral", "fd2"};

} // namespace

// f64 kernels against the references: rounding only, margin >= 100x.
TEST(Divergence, MatchesReference) {
  for (const char *m : kMethods) {
    std::vector<double> u2 = randomValues(2 * 2 * kGrid2.points(), 1);
    EXPECT_LT(relError(apply("divergence", m, u2, 2, 2, 1, kGrid2),
                       reference(m, u2, 2, 2, 1, kGrid2,
                                 {{0, 0, 0, 1}, {0, 1, 1, 1}})),
              1e-12)
        << m;
    std::vector<double> u3 = randomValues(3 * kGrid3.points(), 2);
    EXPECT_LT(relError(apply("divergence", m, u3, 1, 3, 1, kGrid3),
                       reference(m, u3, 1, 3, 1, kGrid3,
                                 {{0, 0, 0, 1}, {0, 1, 1, 1}, {0, 2, 2, 1}})),
              1e-12)
        << m;
  }
}

TEST(DivergenceGrad, MatchesMinusGradient) {
  for (const char *m : kMethods) {
    std::vector<double> g3 = randomValues(kGrid3.points(), 3);
    EXPECT_LT(
        relError(apply("divergence_grad", m, g3, 1, 1, 3, kGrid3),
                 reference(m, g3, 1, 1, 3, kGrid3,
                           {{0, 0, 0, -1}, {1, 0, 1, -1}, {2, 0, 2, -1}})),
        1e-12)
        << m;
  }
}

TEST(Curl, MatchesReference) {
  for (const char *m : kMethods) {
    std::vector<double> a = randomValues(3 * kGrid3.points(), 4);
    EXPECT_LT(relError(apply("curl", m, a, 1, 3, 3, kGrid3),
                       reference(m, a, 1, 3, 3, kGrid3,
                                 {{0, 2, 1, 1},
                                  {0, 1, 2, -1},
                                  {1, 0, 2, 1},
                                  {1, 2, 0, -1},
                                  {2, 1, 0, 1},
                                  {2, 0, 1, -1}})),
              1e-12)
        << m;
    std::vector<double> psi = randomValues(2 * kGrid2.points(), 5);
    EXPECT_LT(relError(apply("curl", m, psi, 2, 1, 2, kGrid2),
                       reference(m, psi, 2, 1, 2, kGrid2,
                                 {{0, 0, 1, 1}, {1, 0, 0, -1}})),
              1e-12)
        << m;
    std::vector<double> u = randomValues(2 * kGrid2.points(), 6);
    EXPECT_LT(relError(apply("curl", m, u, 1, 2, 1, kGrid2),
                       reference(m, u, 1, 2, 1, kGrid2,
                                 {{0, 1, 0, 1}, {0, 0, 1, -1}})),
              1e-12)
        << m;
  }
}

// Analytic: psi = sin(2 pi x / Lx) cos(4 pi y / Ly) on a 16 x 12 box.
// Spectral derivatives are exact for it; central differences have error
// (k dx)^2 / 6 relative, which must shrink 4x when the grid doubles.
TEST(Curl, StreamFunctionAnalytic) {
  auto fields = [](const Grid &g, std::vector<double> &psi,
                   std::vector<double> &u) {
    int64_t n = g.points();
    psi.assign(n, 0), u.assign(2 * n, 0);
    double kx = 2 * M_PI / g.lengths[0], ky = 4 * M_PI / g.lengths[1];
    for (int64_t p = 0; p < n; ++p) {
      double x = g.index(p)[0] * g.lengths[0] / g.n[0];
      double y = g.index(p)[1] * g.lengths[1] / g.n[1];
      psi[p] = std::sin(kx * x) * std::cos(ky * y);
      u[p] = -ky * std::sin(kx * x) * std::sin(ky * y);     // d psi / dy
      u[n + p] = -kx * std::cos(kx * x) * std::cos(ky * y); // -d psi / dx
    }
  };
  std::vector<double> psi, u;
  Grid coarse{{16, 12}, {2.0, 3.0}}, fine{{32, 24}, {2.0, 3.0}};
  fields(coarse, psi, u);
  EXPECT_LT(relError(apply("curl", "spectral", psi, 1, 1, 2, coarse), u),
            1e-13);
  double errCoarse = relError(apply("curl", "fd2", psi, 1, 1, 2, coarse), u);
  fields(fine, psi, u);
  double errFine = relError(apply("curl", "fd2", psi, 1, 1, 2, fine), u);
  EXPECT_NEAR(errCoarse / errFine, 4.0, 0.3);
}

// <A x, y> = <x, A^T y> for every kernel and the one its gradient rule uses.
TEST(PhysicsAdjoints, MatchTheGradientRules) {
  struct Pair {
    const char *forward, *adjoint;
    int64_t cin, cout;
    const Grid *grid;
  };
  const Pair pairs[] = {{"divergence", "divergence_grad", 3, 1, &kGrid3},
                        {"divergence", "divergence_grad", 2, 1, &kGrid2},
                        {"curl", "curl", 3, 3, &kGrid3},
                        {"curl", "curl", 1, 2, &kGrid2},
                        {"curl", "curl", 2, 1, &kGrid2}};
  for (const char *m : kMethods)
    for (const Pair &p : pairs) {
      int64_t n = p.grid->points();
      std::vector<double> x = randomValues(2 * p.cin * n, 7);
      std::vector<double> y = randomValues(2 * p.cout * n, 8);
      double lhs = dot(apply(p.forward, m, x, 2, p.cin, p.cout, *p.grid), y);
      double rhs = dot(x, apply(p.adjoint, m, y, 2, p.cout, p.cin, *p.grid));
      EXPECT_NEAR(lhs, rhs, 1e-12 * std::sqrt(dot(x, x) * dot(y, y)) * 50)
          << m << " " << p.forward << " " << p.cin;
    }
}

// The divergence of a curl with the same method is zero to round-off:
// derivatives along different axes commute for both discretisations.
TEST(Curl, IsDivergenceFree) {
  Grid g3{{16, 12, 10}, {1.0, 2.0, 3.0}}, g2{{20, 14}, {1.0, 1.0}};
  for (const char *m : kMethods) {
    std::vector<double> a = randomValues(3 * g3.points(), 9);
    std::vector<double> v = apply("curl", m, a, 1, 3, 3, g3);
    EXPECT_LT(maxAbs(apply("divergence", m, v, 1, 3, 1, g3)),
              1e-12 * maxAbs(v) * 16)
        << m;
    std::vector<double> psi = randomValues(g2.points(), 10);
    std::vector<double> u = apply("curl", m, psi, 1, 1, 2, g2);
    EXPECT_LT(maxAbs(apply("divergence", m, u, 1, 2, 1, g2)),
              1e-12 * maxAbs(u) * 20)
        << m;
  }
}

// f32 kernels agree with f64 to float rounding.
TEST(Divergence, F32MatchesF64) {
  for (const char *m : kMethods) {
    std::vector<double> u = randomValues(3 * kGrid3.points(), 12);
    std::vector<double> d64 = apply("divergence", m, u, 1, 3, 1, kGrid3);
    std::vector<double> d32 =
        apply("divergence", m, u, 1, 3, 1, kGrid3, DType::F32);
    EXPECT_LT(relError(d32, d64), 1e-5) << m;
  }
}

// Finite-difference check of the gradient rules on L(x) = 0.5 |A x - t|^2:
// the rule gives dL/dx = A^T (A x - t) with A^T the kernel the gradient rule
// emits; its derivative along a random direction v must match the central
// difference (L(x + h v) - L(x - h v)) / (2h). L is quadratic, so the
// central difference is exact up to rounding (h = 1e-3, tolerance 1e-9).
TEST(PhysicsGradients, MatchFiniteDifferences) {
  struct Rule {
    const char *forward, *adjoint;
    int64_t cin, cout;
    const Grid *grid;
  };
  const Rule rules[] = {
      {"divergence", "divergence_grad", 3, 1, &kGrid3},
      {"divergence_grad", "divergence", 1, 2, &kGrid2},
      {"curl", "curl", 3, 3, &kGrid3},
      {"curl", "curl", 1, 2, &kGrid2},
      {"div_free_project", "div_free_project", 3, 3, &kGrid3}};
  for (const char *m : kMethods)
    for (const Rule &r : rules) {
      std::string method =
          std::string(r.forward) == "div_free_project" ? "" : m;
      int64_t n = r.grid->points();
      std::vector<double> x = randomValues(r.cin * n, 13);
      std::vector<double> t = randomValues(r.cout * n, 14);
      std::vector<double> v = randomValues(r.cin * n, 15);
      auto residual = [&](const std::vector<double> &at) {
        std::vector<double> y =
            apply(r.forward, method, at, 1, r.cin, r.cout, *r.grid);
        for (size_t i = 0; i < y.size(); ++i)
          y[i] -= t[i];
        return y;
      };
      auto loss = [&](double h) {
        std::vector<double> at = x;
        for (size_t i = 0; i < at.size(); ++i)
          at[i] += h * v[i];
        std::vector<double> res = residual(at);
        return 0.5 * dot(res, res);
      };
      std::vector<double> grad =
          apply(r.adjoint, method, residual(x), 1, r.cout, r.cin, *r.grid);
      double h = 1e-3, fd = (loss(h) - loss(-h)) / (2 * h);
      EXPECT_NEAR(dot(grad, v), fd, 1e-9 * std::max(1.0, std::abs(fd)))
          << m << " " << r.forward << " " << r.cin;
    }
}
