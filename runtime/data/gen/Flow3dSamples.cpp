//===- Flow3dSamples.cpp - 3D open-channel and porous-media trajectories --===//
#include "runtime/data/gen/Flow3dSamples.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>

namespace shodh {
namespace {

/// Largest |k| of the perturbation band.
constexpr int kBand = 4;

/// Checks that a range is ordered and inside (lo, hi].
void checkRange(const char *flag, const std::array<double, 2> &r, double lo,
                double hi) {
  if (!(r[0] > lo && r[1] <= hi && r[0] <= r[1]))
    throw Error(fmt::format("{} must satisfy {} < min <= max <= {} (got {} {})",
                            flag, lo, hi, r[0], r[1]));
}

/// Log-uniform draw in [lo, hi].
double logUniform(SplitMix64 &rng, const std::array<double, 2> &r) {
  return r[0] == r[1] ? r[0]
                      : std::exp(rng.uniform(std::log(r[0]), std::log(r[1])));
}

/// Uniform draw in [lo, hi].
double uniform(SplitMix64 &rng, const std::array<double, 2> &r) {
  return r[0] == r[1] ? r[0] : rng.uniform(r[0], r[1]);
}

/// Periodic distance of a and b on the unit circle.
double periodicDistance(double a, double b) {
  double d = std::fmod(std::abs(a - b), 1.0);
  return std::min(d, 1.0 - d);
}

} // namespace

std::string flow3dDomainName(Flow3dDomain domain) {
  return domain == Flow3dDomain::OpenChannel ? "open-channel" : "porous";
}

std::array<double, 2> defaultFlow3dRe(Flow3dDomain domain) {
  return domain == Flow3dDomain::OpenChannel ? std::array<double, 2>{50, 300}
                                             : std::array<double, 2>{1, 20};
}

void checkFlow3dOptions(const Flow3dOptions &o) {
  if (o.res < 16 || o.res > 512 || o.res % 2 != 0)
    throw Error(
        fmt::format("--res must be even and in [16, 512] (got {})", o.res));
  if (o.steps < 1)
    throw Error(fmt::format("--steps must be positive (got {})", o.steps));
  if (!(o.dtOut > 0.0) || !std::isfinite(o.dtOut))
    throw Error(fmt::format("--dt-out must be positive (got {})", o.dtOut));
  checkRange("--nu", o.nu, 0.0, 1.0);
  checkRange("--re", o.re, 0.0, 1e5);
  if (o.domain == Flow3dDomain::Porous) {
    checkRange("--porosity", o.porosity, 0.0, 0.99);
    if (!(o.radius >= 1.0 / static_cast<double>(o.res)) || !(o.radius <= 0.25))
      throw Error(fmt::format("--radius must be in [1/res, 0.25] = [{:.4g}, "
                              "0.25] (got {})",
                              1.0 / static_cast<double>(o.res), o.radius));
  } else if (!(o.slab >= 2.0 / static_cast<double>(o.res)) ||
             !(o.slab <= 0.5)) {
    throw Error(fmt::format("--slab must be in [2/res, 0.5] = [{:.4g}, 0.5] "
                            "(got {})",
                            2.0 / static_cast<double>(o.res), o.slab));
  }
  if (!(o.eta > 0.0) || !(o.eta <= 1.0))
    throw Error(fmt::format("--eta must be in (0, 1] (got {})", o.eta));
  if (!(o.smoothing >= 0.0) || !(o.smoothing <= 4.0))
    throw Error(fmt::format("--smoothing must be in [0, 4] cells (got {})",
                            o.smoothing));
  if (!(o.perturbation >= 0.0) || !(o.perturbation <= 1.0))
    throw Error(fmt::format("--perturbation must be in [0, 1] (got {})",
                            o.perturbation));
  if (!(o.dtMax > 0.0) || !(o.dtMax <= o.dtOut))
    throw Error(
        fmt::format("--dt-max must be in (0, --dt-out] (got {})", o.dtMax));
  if (!(o.cfl > 0.0) || !(o.cfl <= 1.5))
    throw Error(fmt::format("--cfl must be in (0, 1.5] (got {})", o.cfl));
}

double solidMask(double d, double width) {
  if (width <= 0.0)
    return d < 0.0 ? 1.0 : d > 0.0 ? 0.0 : 0.5;
  if (d >= width)
    return 0.0;
  if (d <= -width)
    return 1.0;
  return 0.5 * (1.0 - std::sin(0.5 * M_PI * d / width));
}

std::vector<double> channelMask(int64_t n, double slab, double smoothing) {
  const double dx = 1.0 / static_cast<double>(n);
  std::vector<double> chi(static_cast<size_t>(n * n * n));
  for (int64_t z = 0; z < n; ++z) {
    double d =
        periodicDistance(static_cast<double>(z) * dx, 0.5 * slab) - 0.5 * slab;
    std::fill_n(chi.begin() + z * n * n, n * n, solidMask(d, smoothing * dx));
  }
  return chi;
}

double laminarChannelVelocity(double z, double slab, double gradient,
                              double nu) {
  return z <= slab || z >= 1.0 ? 0.0
                               : gradient / (2 * nu) * (z - slab) * (1 - z);
}

std::vector<std::array<double, 3>> drawSpheres(SplitMix64 &rng, int64_t n,
                                               double radius, double porosity,
                                               double smoothing,
                                               std::vector<double> &mask) {
  const int64_t cells = n * n * n;
  const double dx = 1.0 / static_cast<double>(n), width = smoothing * dx;
  // The signed distance to the union of the spheres so far, updated in the
  // box a sphere can reach; the mask follows from it.
  std::vector<double> dist(static_cast<size_t>(cells), 1.0);
  mask.assign(static_cast<size_t>(cells), 0.0);
  double solid = 0.0; // sum of chi
  std::vector<std::array<double, 3>> centres;
  const double reach = radius + width + dx;
  const int64_t span =
      std::min<int64_t>(n, 2 * static_cast<int64_t>(std::ceil(reach / dx)) + 1);
  while (1.0 - solid / static_cast<double>(cells) > porosity) {
    if (static_cast<int64_t>(centres.size()) >= 100000)
      throw Error("porous: too many spheres (porosity target unreachable)");
    std::array<double, 3> c = {rng.uniform(), rng.uniform(), rng.uniform()};
    centres.push_back(c);
    int64_t first[3];
    for (int a = 0; a < 3; ++a)
      first[a] = static_cast<int64_t>(std::floor(c[a] / dx)) - span / 2;
    for (int64_t i = 0; i < span; ++i)
      for (int64_t j = 0; j < span; ++j)
        for (int64_t k = 0; k < span; ++k) {
          int64_t z = ((first[2] + i) % n + n) % n;
          int64_t y = ((first[1] + j) % n + n) % n;
          int64_t x = ((first[0] + k) % n + n) % n;
          double rx = periodicDistance(double(x) * dx, c[0]);
          double ry = periodicDistance(double(y) * dx, c[1]);
          double rz = periodicDistance(double(z) * dx, c[2]);
          double d = std::sqrt(rx * rx + ry * ry + rz * rz) - radius;
          int64_t idx = (z * n + y) * n + x;
          if (d < dist[idx]) {
            dist[idx] = d;
            double m = solidMask(d, width);
            solid += m - mask[idx];
            mask[idx] = m;
          }
        }
  }
  return centres;
}

double kozenyCarman(double porosity, double diameter) {
  double s = 1.0 - porosity;
  return diameter * diameter * porosity * porosity * porosity / (180.0 * s * s);
}

std::vector<double> randomSolenoidalField(SplitMix64 &rng, int64_t n) {
  using C = std::complex<double>;
  const int64_t cells = n * n * n;
  // e^(2 pi i k j / n) for k in [-kBand, kBand] along one axis.
  std::vector<C> phase(static_cast<size_t>((2 * kBand + 1) * n));
  for (int k = -kBand; k <= kBand; ++k)
    for (int64_t j = 0; j < n; ++j)
      phase[(k + kBand) * n + j] =
          std::polar(1.0, 2.0 * M_PI * k * double(j) / double(n));
  std::vector<double> field(static_cast<size_t>(3 * cells), 0.0);
  std::vector<C> xy(static_cast<size_t>(n * n));
  // Half space: kz > 0, or kz = 0 and ky > 0, or kz = ky = 0 and kx > 0; the
  // conjugate mode makes the field real (2 Re(a e^(i k.x))).
  for (int kz = 0; kz <= kBand; ++kz)
    for (int ky = -kBand; ky <= kBand; ++ky)
      for (int kx = -kBand; kx <= kBand; ++kx) {
        int k2 = kx * kx + ky * ky + kz * kz;
        bool upper = kz > 0 || (kz == 0 && (ky > 0 || (ky == 0 && kx > 0)));
        if (!upper || k2 > kBand * kBand)
          continue;
        C a[3];
        for (C &v : a)
          v = C(rng.normal(), rng.normal());
        C kd = (double(kx) * a[0] + double(ky) * a[1] + double(kz) * a[2]) /
               double(k2);
        a[0] -= double(kx) * kd;
        a[1] -= double(ky) * kd;
        a[2] -= double(kz) * kd;
        for (int64_t y = 0; y < n; ++y)
          for (int64_t x = 0; x < n; ++x)
            xy[y * n + x] =
                phase[(ky + kBand) * n + y] * phase[(kx + kBand) * n + x];
        for (int64_t z = 0; z < n; ++z) {
          C pz = phase[(kz + kBand) * n + z];
          for (int64_t c = 0; c < 3; ++c) {
            C az = a[c] * pz;
            double *out = field.data() + c * cells + z * n * n;
            for (int64_t i = 0; i < n * n; ++i)
              out[i] += 2.0 * (az * xy[i]).real();
          }
        }
      }
  double sum = 0.0;
  for (double v : field)
    sum += v * v;
  double rms = std::sqrt(sum / static_cast<double>(cells));
  for (double &v : field)
    v /= rms;
  return field;
}

Flow3dSampler::Flow3dSampler(Flow3dOptions opts) : opts_(std::move(opts)) {
  checkFlow3dOptions(opts_);
}

Flow3dSample
Flow3dSampler::sample(uint64_t seed, uint64_t index,
                      const std::function<void()> &onSnapshot) const {
  const Flow3dOptions &o = opts_;
  const int64_t n = o.res, cells = n * n * n;
  const double dx = 1.0 / static_cast<double>(n);
  SplitMix64 rng(seed, index);
  Flow3dSample s;
  Flow3dParameters &p = s.params;
  p.nu = logUniform(rng, o.nu);
  p.re = uniform(rng, o.re);
  if (o.domain == Flow3dDomain::OpenChannel) {
    const double h = 0.5 * (1.0 - o.slab);
    p.velocity = p.re * p.nu / h;
    p.gradient = 3.0 * p.nu * p.velocity / (h * h);
    s.mask = channelMask(n, o.slab, o.smoothing);
  } else {
    double target = uniform(rng, o.porosity), d = 2.0 * o.radius;
    drawSpheres(rng, n, o.radius, target, o.smoothing, s.mask);
    p.velocity = p.re * p.nu / d;
    p.gradient = p.velocity * p.nu / kozenyCarman(target, d);
  }
  double solid = 0.0;
  for (double c : s.mask)
    solid += c;
  p.porosity = 1.0 - solid / static_cast<double>(cells);

  std::vector<double> u = randomSolenoidalField(rng, n);
  const double amp = o.perturbation * p.velocity;
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < cells; ++i)
      u[c * cells + i] *= amp * (1.0 - s.mask[i]);
  if (o.domain == Flow3dDomain::OpenChannel) {
    for (int64_t z = 0; z < n; ++z) {
      double ux =
          laminarChannelVelocity(double(z) * dx, o.slab, p.gradient, p.nu);
      for (int64_t i = 0; i < n * n; ++i)
        u[z * n * n + i] += ux;
    }
  } else {
    // Plug flow in the pores with the superficial velocity U.
    for (int64_t i = 0; i < cells; ++i)
      u[i] += p.velocity / p.porosity * (1.0 - s.mask[i]);
  }

  Ns3dParams sp;
  sp.res = n;
  sp.nu = p.nu;
  sp.gradient = p.gradient;
  sp.eta = o.eta;
  sp.dtMax = o.dtMax;
  sp.cfl = o.cfl;
  sp.fftThreads = o.fftThreads;
  sp.penalization = o.penalization;
  Ns3dSolver solver(sp);
  solver.setMask(s.mask);
  solver.setVelocity(u);
  auto record = [&](std::vector<float> &out) {
    std::vector<double> v = solver.velocity();
    std::vector<double> rounded(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      float f = static_cast<float>(v[i]);
      out.push_back(f);
      rounded[i] = f;
    }
    s.divergence64 = std::max(s.divergence64, solver.divergence());
    s.divergence32 = std::max(s.divergence32, spectralDivergence(rounded, n));
  };
  s.initial.reserve(static_cast<size_t>(3 * cells));
  record(s.initial);
  s.snapshots.reserve(static_cast<size_t>(3 * cells * o.steps));
  for (int64_t j = 1; j <= o.steps; ++j) {
    try {
      solver.advanceTo(static_cast<double>(j) * o.dtOut);
    } catch (const Error &e) {
      throw Error(fmt::format("{} sample {}: {} (lower --dt-max or --cfl, or "
                              "the --re range)",
                              flow3dDomainName(o.domain), index, e.what()));
    }
    record(s.snapshots);
    if (onSnapshot)
      onSnapshot();
  }
  s.meanVelocity = solver.meanVelocity()[0];
  s.stats = solver.stepStats();
  return s;
}

} // namespace shodh
