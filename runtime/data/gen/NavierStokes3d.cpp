//===- NavierStokes3d.cpp - Pseudo-spectral 3D Navier–Stokes with solids --===//
#include "runtime/data/gen/NavierStokes3d.h"
#include "runtime/data/gen/FftwPlanner.h"
#include "runtime/data/gen/StepLimit.h"
#include "runtime/support/Status.h"

#include <fftw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>

namespace shodh {

using Complex = std::complex<double>;

namespace {

/// Low-storage RK3 of Spalart, Moser and Rogers (1991).
constexpr double kGamma[3] = {8.0 / 15.0, 5.0 / 12.0, 3.0 / 4.0};
constexpr double kZeta[3] = {0.0, -17.0 / 60.0, -5.0 / 12.0};

/// Explicit penalisation: dt <= this * eta (RK3 is stable on the negative
/// real axis up to 2.51).
constexpr double kExplicitPenaltyLimit = 2.0;

/// Checks the parameters the solver relies on.
void checkParams(const Ns3dParams &p) {
  if (p.res < 8 || p.res > 512 || p.res % 2 != 0)
    throw Error(fmt::format(
        "navier-stokes-3d: res must be even and in [8, 512] (got {})", p.res));
  if (!(p.nu > 0.0) || !std::isfinite(p.nu))
    throw Error(
        fmt::format("navier-stokes-3d: nu must be positive (got {})", p.nu));
  if (!std::isfinite(p.gradient))
    throw Error("navier-stokes-3d: the pressure gradient must be finite");
  if (!(p.eta > 0.0) || !std::isfinite(p.eta))
    throw Error(
        fmt::format("navier-stokes-3d: eta must be positive (got {})", p.eta));
  if (!(p.dtMax > 0.0) || !std::isfinite(p.dtMax))
    throw Error(fmt::format("navier-stokes-3d: the largest time step must be "
                            "positive (got {})",
                            p.dtMax));
  if (!(p.cfl > 0.0) || !(p.cfl <= 1.5))
    throw Error(fmt::format(
        "navier-stokes-3d: cfl must be in (0, 1.5] (got {})", p.cfl));
  if (p.fftThreads < 1 || p.fftThreads > 256)
    throw Error(
        fmt::format("navier-stokes-3d: fftThreads must be in [1, 256] (got {})",
                    p.fftThreads));
}

/// Signed wavenumber of index i on an axis of n points.
int64_t wavenumber(int64_t i, int64_t n) { return i <= n / 2 ? i : i - n; }

/// Parseval weight of half-spectrum column `col` on an even grid of n points.
double parsevalWeight(int64_t col, int64_t n) {
  return col == 0 || col == n / 2 ? 1.0 : 2.0;
}

/// Sets up FFTW's threads once (under the planner mutex).
void initFftwThreads() {
  static bool done = false;
  if (!done && fftw_init_threads() == 0)
    throw Error("navier-stokes-3d: FFTW could not start its threads");
  done = true;
}

} // namespace

/// Mode tables, state and FFTW plans of one solver.
struct Ns3dSolver::Impl {
  Ns3dParams p;
  int64_t n = 0, half = 0, cells = 0, modes = 0, cutoff = 0;
  // Per half-spectrum mode: 2 pi k (0 outside the dealiased set), |2 pi k|^2,
  // 1 / |2 pi k|^2 (0 at k = 0) and the dealiasing mask.
  std::vector<double> kx, ky, kz, k2, invK2;
  std::vector<uint8_t> keep;
  std::vector<double> chi;               // solid mask (empty: none)
  std::vector<Complex> u, nlCur, nlPrev; // 3 * modes each
  double t = 0.0;
  Ns3dStepStats stats;
  // FFTW buffers: six spectra / fields (u, w), three products.
  Complex *spec6 = nullptr, *prodSpec = nullptr;
  double *real6 = nullptr, *prod = nullptr;
  fftw_plan inverse6 = nullptr, inverse3 = nullptr, forward3 = nullptr;

  explicit Impl(const Ns3dParams &params);
  ~Impl();
  void buildTables();
  void planTransforms();
  void project(Complex *spec) const;
  void forwardVelocity(Complex *out);
  double gridVelocity();
  double evaluateNonlinear(std::vector<Complex> &out);
  void step(double dt);
};

Ns3dSolver::Impl::Impl(const Ns3dParams &params)
    : p((checkParams(params), params)), n(params.res), half(params.res / 2 + 1),
      cells(params.res * params.res * params.res),
      modes(params.res * params.res * (params.res / 2 + 1)),
      cutoff((params.res - 1) / 3) {
  buildTables();
  u.assign(3 * modes, 0.0);
  nlCur.assign(3 * modes, 0.0);
  nlPrev.assign(3 * modes, 0.0);
  planTransforms();
}

Ns3dSolver::Impl::~Impl() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  for (fftw_plan plan : {inverse6, inverse3, forward3})
    if (plan)
      fftw_destroy_plan(plan);
  fftw_free(spec6);
  fftw_free(prodSpec);
  fftw_free(real6);
  fftw_free(prod);
}

void Ns3dSolver::Impl::buildTables() {
  kx.assign(modes, 0.0);
  ky.assign(modes, 0.0);
  kz.assign(modes, 0.0);
  k2.assign(modes, 0.0);
  invK2.assign(modes, 0.0);
  keep.assign(modes, 0);
  for (int64_t iz = 0; iz < n; ++iz)
    for (int64_t iy = 0; iy < n; ++iy)
      for (int64_t ix = 0; ix < half; ++ix) {
        int64_t m = (iz * n + iy) * half + ix;
        int64_t a = ix, b = wavenumber(iy, n), c = wavenumber(iz, n);
        keep[m] = a <= cutoff && std::abs(b) <= cutoff && std::abs(c) <= cutoff;
        if (!keep[m])
          continue; // derivatives only where the state can live
        kx[m] = 2.0 * M_PI * static_cast<double>(a);
        ky[m] = 2.0 * M_PI * static_cast<double>(b);
        kz[m] = 2.0 * M_PI * static_cast<double>(c);
        k2[m] = kx[m] * kx[m] + ky[m] * ky[m] + kz[m] * kz[m];
        invK2[m] = m == 0 ? 0.0 : 1.0 / k2[m];
      }
}

void Ns3dSolver::Impl::planTransforms() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  spec6 = reinterpret_cast<Complex *>(fftw_alloc_complex(6 * modes));
  prodSpec = reinterpret_cast<Complex *>(fftw_alloc_complex(3 * modes));
  real6 = fftw_alloc_real(6 * cells);
  prod = fftw_alloc_real(3 * cells);
  if (p.fftThreads > 1) {
    initFftwThreads();
    fftw_plan_with_nthreads(p.fftThreads);
  }
  int dims[3] = {static_cast<int>(n), static_cast<int>(n), static_cast<int>(n)};
  auto *s6 = reinterpret_cast<fftw_complex *>(spec6);
  auto *ps = reinterpret_cast<fftw_complex *>(prodSpec);
  const int m = static_cast<int>(modes), c = static_cast<int>(cells);
  // FFTW_ESTIMATE: plans (and round-off) independent of timing, so files are
  // bitwise reproducible; it also leaves the buffers untouched.
  inverse6 = fftw_plan_many_dft_c2r(3, dims, 6, s6, nullptr, 1, m, real6,
                                    nullptr, 1, c, FFTW_ESTIMATE);
  inverse3 = fftw_plan_many_dft_c2r(3, dims, 3, s6, nullptr, 1, m, real6,
                                    nullptr, 1, c, FFTW_ESTIMATE);
  forward3 = fftw_plan_many_dft_r2c(3, dims, 3, prod, nullptr, 1, c, ps,
                                    nullptr, 1, m, FFTW_ESTIMATE);
  if (p.fftThreads > 1)
    fftw_plan_with_nthreads(1); // other generators plan single-threaded
  if (!inverse6 || !inverse3 || !forward3)
    throw Error(fmt::format("navier-stokes-3d: FFTW could not plan {}^3", n));
}

/// Leray projection of the three spectra at `spec` (k = 0 kept).
void Ns3dSolver::Impl::project(Complex *spec) const {
  Complex *sx = spec, *sy = spec + modes, *sz = spec + 2 * modes;
  for (int64_t m = 1; m < modes; ++m) {
    Complex div = (kx[m] * sx[m] + ky[m] * sy[m] + kz[m] * sz[m]) * invK2[m];
    sx[m] -= kx[m] * div;
    sy[m] -= ky[m] * div;
    sz[m] -= kz[m] * div;
  }
}

/// The forward transform of the three fields in `prod`, scaled to the
/// unnormalised convention of a field (1 / cells undone by the caller's
/// factor), dealiased, into `out`.
void Ns3dSolver::Impl::forwardVelocity(Complex *out) {
  fftw_execute(forward3);
  for (int64_t m = 0; m < 3 * modes; ++m)
    out[m] = keep[m % modes] ? prodSpec[m] : 0.0;
}

/// The velocity u of the state on the grid into real6[0..3) (times cells);
/// returns max(|u_x| + |u_y| + |u_z|) (NaN if not finite).
double Ns3dSolver::Impl::gridVelocity() {
  std::copy(u.begin(), u.end(), spec6);
  fftw_execute(inverse3);
  double speed = 0.0;
  bool finite = true;
  const double *ux = real6, *uy = real6 + cells, *uz = real6 + 2 * cells;
  for (int64_t c = 0; c < cells; ++c) {
    double s = std::abs(ux[c]) + std::abs(uy[c]) + std::abs(uz[c]);
    finite &= std::isfinite(s);
    speed = std::max(speed, s);
  }
  return finite ? speed / static_cast<double>(cells) : NAN;
}

/// N = P(u x w + G e_x)^ of the state `u` (the member) into `out`; returns
/// max(|u_x| + |u_y| + |u_z|) on the grid (NaN if not finite).
double Ns3dSolver::Impl::evaluateNonlinear(std::vector<Complex> &out) {
  const Complex i(0.0, 1.0);
  const Complex *ux = u.data(), *uy = ux + modes, *uz = uy + modes;
  std::copy(u.begin(), u.end(), spec6);
  Complex *wx = spec6 + 3 * modes, *wy = wx + modes, *wz = wy + modes;
  for (int64_t m = 0; m < modes; ++m) { // w = i k x u
    wx[m] = i * (ky[m] * uz[m] - kz[m] * uy[m]);
    wy[m] = i * (kz[m] * ux[m] - kx[m] * uz[m]);
    wz[m] = i * (kx[m] * uy[m] - ky[m] * ux[m]);
  }
  fftw_execute(inverse6); // unnormalised: every field carries a factor cells
  const double *gx = real6, *gy = gx + cells, *gz = gy + cells;
  const double *ox = gz + cells, *oy = ox + cells, *oz = oy + cells;
  double *px = prod, *py = prod + cells, *pz = prod + 2 * cells;
  double speed = 0.0;
  bool finite = true;
  for (int64_t c = 0; c < cells; ++c) {
    px[c] = gy[c] * oz[c] - gz[c] * oy[c];
    py[c] = gz[c] * ox[c] - gx[c] * oz[c];
    pz[c] = gx[c] * oy[c] - gy[c] * ox[c];
    double s = std::abs(gx[c]) + std::abs(gy[c]) + std::abs(gz[c]);
    finite &= std::isfinite(s) && std::isfinite(px[c] + py[c] + pz[c]);
    speed = std::max(speed, s);
  }
  if (p.penalization == Ns3dPenalization::Explicit && !chi.empty()) {
    // -(chi / eta) u, formed with the factor cells^2 of the products.
    const double f = static_cast<double>(cells) / p.eta;
    for (int64_t c = 0; c < cells; ++c) {
      px[c] -= f * chi[c] * gx[c];
      py[c] -= f * chi[c] * gy[c];
      pz[c] -= f * chi[c] * gz[c];
    }
  }
  forwardVelocity(out.data());
  // Each factor carries cells, the product cells^2: the spectrum of the true
  // product in the unnormalised convention is its transform / cells^2.
  const double scale = 1.0 / (static_cast<double>(cells) * cells);
  for (Complex &v : out)
    v *= scale;
  out[0] += p.gradient * static_cast<double>(cells); // G e_x at k = 0
  project(out.data());
  return finite ? speed / static_cast<double>(cells) : NAN;
}

void Ns3dSolver::Impl::step(double dt) {
  // Fluid part: integrating-factor RK3 (nlCur already holds N(u_0)).
  for (int s = 0; s < 3; ++s) {
    if (s > 0)
      evaluateNonlinear(nlCur);
    const double a = kGamma[s] + kZeta[s];
    const double aPrev = s > 0 ? kGamma[s - 1] + kZeta[s - 1] : 0.0;
    for (int64_t m = 0; m < modes; ++m) {
      if (!keep[m])
        continue;
      double e1 = std::exp(-p.nu * k2[m] * a * dt);
      double e2 = s > 0 ? std::exp(-p.nu * k2[m] * (a + aPrev) * dt) : 0.0;
      for (int64_t c = 0; c < 3; ++c) {
        int64_t j = c * modes + m;
        u[j] = e1 * (u[j] + dt * kGamma[s] * nlCur[j]) +
               dt * kZeta[s] * e2 * nlPrev[j];
      }
    }
    std::swap(nlCur, nlPrev);
  }
  if (chi.empty() || p.penalization == Ns3dPenalization::Explicit)
    return;
  gridVelocity();
  const double rate = dt / p.eta, inv = 1.0 / static_cast<double>(cells);
  for (int64_t c = 0; c < cells; ++c) {
    double f = inv / (1.0 + chi[c] * rate);
    for (int64_t k = 0; k < 3; ++k)
      prod[k * cells + c] = real6[k * cells + c] * f;
  }
  forwardVelocity(u.data());
  project(u.data());
}

Ns3dSolver::Ns3dSolver(const Ns3dParams &params)
    : impl_(std::make_unique<Impl>(params)) {}

Ns3dSolver::~Ns3dSolver() = default;

int64_t Ns3dSolver::res() const { return impl_->n; }
int64_t Ns3dSolver::dealiasCutoff() const { return impl_->cutoff; }
const Ns3dParams &Ns3dSolver::params() const { return impl_->p; }
double Ns3dSolver::time() const { return impl_->t; }
const Ns3dStepStats &Ns3dSolver::stepStats() const { return impl_->stats; }
const std::vector<Complex> &Ns3dSolver::spectrum() const { return impl_->u; }

void Ns3dSolver::setMask(const std::vector<double> &chi) {
  Impl &s = *impl_;
  if (!chi.empty() && static_cast<int64_t>(chi.size()) != s.cells)
    throw Error(fmt::format("navier-stokes-3d: the mask has {} values, "
                            "expected {}^3",
                            chi.size(), s.n));
  for (double c : chi)
    if (!(c >= 0.0 && c <= 1.0))
      throw Error(fmt::format(
          "navier-stokes-3d: mask values must be in [0, 1] (got {})", c));
  bool any =
      std::any_of(chi.begin(), chi.end(), [](double c) { return c > 0; });
  s.chi = any ? chi : std::vector<double>();
}

void Ns3dSolver::setVelocity(const std::vector<double> &velocity) {
  Impl &s = *impl_;
  if (static_cast<int64_t>(velocity.size()) != 3 * s.cells)
    throw Error(fmt::format("navier-stokes-3d: the velocity has {} values, "
                            "expected 3 x {}^3",
                            velocity.size(), s.n));
  std::memcpy(s.prod, velocity.data(), velocity.size() * sizeof(double));
  s.forwardVelocity(s.u.data());
  s.project(s.u.data());
  s.t = 0.0;
  s.stats = Ns3dStepStats();
}

void Ns3dSolver::advanceTo(double target) {
  Impl &s = *impl_;
  if (!(target >= s.t))
    throw Error(fmt::format(
        "navier-stokes-3d: cannot advance to t = {} from t = {}", target, s.t));
  const double dx = 1.0 / static_cast<double>(s.n);
  while (s.t < target) {
    double speed = s.evaluateNonlinear(s.nlCur);
    if (!std::isfinite(speed))
      throw Error(fmt::format("navier-stokes-3d: the flow is no longer finite "
                              "at t = {:.6g} after {} steps",
                              s.t, s.stats.steps));
    double limit =
        speed > 0.0 ? std::min(s.p.dtMax, s.p.cfl * dx / speed) : s.p.dtMax;
    if (s.p.penalization == Ns3dPenalization::Explicit && !s.chi.empty())
      limit = std::min(limit, kExplicitPenaltyLimit * s.p.eta);
    double remaining = target - s.t;
    // Smallest count of equal steps <= limit that lands on `target` (the
    // 1e-6 absorbs round-off in `remaining`).
    double count = std::max(1.0, std::ceil(remaining / limit - 1e-6));
    checkStepCount("navier-stokes-3d", target, s.t, count, limit,
                   s.stats.steps);
    double dt = remaining / count;
    s.step(dt);
    s.t = count == 1.0 ? target : s.t + dt;
    Ns3dStepStats &st = s.stats;
    st.minDt = st.steps == 0 ? dt : std::min(st.minDt, dt);
    st.maxDt = std::max(st.maxDt, dt);
    st.maxCfl = std::max(st.maxCfl, dt * speed / dx);
    ++st.steps;
  }
}

std::vector<double> Ns3dSolver::velocity() {
  Impl &s = *impl_;
  s.gridVelocity();
  std::vector<double> field(s.real6, s.real6 + 3 * s.cells);
  for (double &v : field)
    v /= static_cast<double>(s.cells);
  return field;
}

double Ns3dSolver::divergence() const {
  const Impl &s = *impl_;
  double maxDiv = 0.0, maxU = 0.0;
  for (int64_t m = 0; m < s.modes; ++m) {
    Complex d = s.kx[m] * s.u[m] + s.ky[m] * s.u[s.modes + m] +
                s.kz[m] * s.u[2 * s.modes + m];
    maxDiv = std::max(maxDiv, std::abs(d));
    for (int64_t c = 0; c < 3; ++c)
      maxU = std::max(maxU, std::abs(s.u[c * s.modes + m]));
  }
  double kmax =
      2.0 * M_PI * static_cast<double>(std::max<int64_t>(s.cutoff, 1));
  return maxU > 0.0 ? maxDiv / (kmax * maxU) : 0.0;
}

double Ns3dSolver::energy() const {
  const Impl &s = *impl_;
  double sum = 0.0;
  for (int64_t j = 0; j < 3 * s.modes; ++j)
    sum += std::norm(s.u[j]) * parsevalWeight((j % s.modes) % s.half, s.n);
  // mean(f^2) = sum_k |f^_k|^2 / cells^2 over the full spectrum.
  return 0.5 * sum / (static_cast<double>(s.cells) * s.cells);
}

std::array<double, 3> Ns3dSolver::meanVelocity() const {
  const Impl &s = *impl_;
  const double inv = 1.0 / static_cast<double>(s.cells);
  return {s.u[0].real() * inv, s.u[s.modes].real() * inv,
          s.u[2 * s.modes].real() * inv};
}

double spectralDivergence(const std::vector<double> &velocity, int64_t n) {
  const int64_t cells = n * n * n, half = n / 2 + 1, modes = n * n * half;
  if (n < 4 || n % 2 != 0 || static_cast<int64_t>(velocity.size()) != 3 * cells)
    throw Error(fmt::format("spectral divergence: expected 3 x n^3 values with "
                            "n even, got {} for n = {}",
                            velocity.size(), n));
  std::vector<Complex> spec(3 * modes);
  std::vector<double> in(velocity);
  {
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    int dims[3] = {static_cast<int>(n), static_cast<int>(n),
                   static_cast<int>(n)};
    fftw_plan plan = fftw_plan_many_dft_r2c(
        3, dims, 3, in.data(), nullptr, 1, static_cast<int>(cells),
        reinterpret_cast<fftw_complex *>(spec.data()), nullptr, 1,
        static_cast<int>(modes), FFTW_ESTIMATE);
    if (!plan)
      throw Error("spectral divergence: FFTW could not plan");
    fftw_execute(plan);
    fftw_destroy_plan(plan);
  }
  double maxDiv = 0.0, maxU = 0.0;
  for (int64_t iz = 0; iz < n; ++iz)
    for (int64_t iy = 0; iy < n; ++iy)
      for (int64_t ix = 0; ix < half; ++ix) {
        int64_t m = (iz * n + iy) * half + ix;
        for (int64_t c = 0; c < 3; ++c)
          maxU = std::max(maxU, std::abs(spec[c * modes + m]));
        if (ix == n / 2 || iy == n / 2 || iz == n / 2)
          continue; // Nyquist: no derivative
        Complex d = double(ix) * spec[m] +
                    double(wavenumber(iy, n)) * spec[modes + m] +
                    double(wavenumber(iz, n)) * spec[2 * modes + m];
        maxDiv = std::max(maxDiv, std::abs(d));
      }
  double kmax = static_cast<double>(n / 2 - 1);
  return maxU > 0.0 ? maxDiv / (kmax * maxU) : 0.0;
}

} // namespace shodh
