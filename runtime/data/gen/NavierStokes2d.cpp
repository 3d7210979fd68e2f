//===- NavierStokes2d.cpp - Pseudo-spectral 2D Navier–Stokes (vorticity) --===//
#include "runtime/data/gen/NavierStokes2d.h"
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

/// Mode tables, state and FFTW plans of one solver.
struct Ns2dSolver::Impl {
  Ns2dParams p;
  int64_t n = 0, half = 0, cells = 0, modes = 0, cutoff = 0;
  // Per half-spectrum mode: 2 pi k (0 outside the dealiased set), the
  // Laplacian symbol L = 4 pi^2 |k|^2, 1/L (0 at k = 0) and the mask.
  std::vector<double> kx, ky, lap, invLap;
  std::vector<uint8_t> keep;
  std::vector<Complex> w, forcing, nl, nlPrev;
  bool havePrev = false;
  double t = 0.0, dtPrev = 0.0;
  Ns2dStepStats stats;
  // FFTW buffers: four spectra / fields for u, v, w_x, w_y; one product.
  Complex *spec4 = nullptr, *prodSpec = nullptr;
  double *real4 = nullptr, *prod = nullptr;
  fftw_plan inverse4 = nullptr, inverse1 = nullptr, forward = nullptr;

  explicit Impl(const Ns2dParams &params);
  ~Impl();
  void buildTables();
  void planTransforms();
  std::vector<Complex> forwardMasked(const std::vector<double> &field);
  double evaluateNonlinear();
  void step(double dt);
  double parsevalSum(bool energy) const;
};

namespace {

/// Checks the parameters the solver relies on.
void checkParams(const Ns2dParams &p) {
  if (p.res < 8 || p.res > 4096 || p.res % 2 != 0)
    throw Error(fmt::format(
        "navier-stokes: res must be even and in [8, 4096] (got {})", p.res));
  if (!(p.nu > 0.0) || !std::isfinite(p.nu))
    throw Error(
        fmt::format("navier-stokes: nu must be positive (got {})", p.nu));
  if (!(p.dtMax > 0.0) || !std::isfinite(p.dtMax))
    throw Error(fmt::format(
        "navier-stokes: the largest time step must be positive (got {})",
        p.dtMax));
  if (!(p.cfl > 0.0) || !(p.cfl <= 1.0))
    throw Error(
        fmt::format("navier-stokes: cfl must be in (0, 1] (got {})", p.cfl));
}

/// Signed wavenumber of index i on an axis of n points.
int64_t wavenumber(int64_t i, int64_t n) { return i <= n / 2 ? i : i - n; }

/// Parseval weight of half-spectrum column `col` on an even grid of n points.
double parsevalWeight(int64_t col, int64_t n) {
  return col == 0 || col == n / 2 ? 1.0 : 2.0;
}

} // namespace

Ns2dSolver::Impl::Impl(const Ns2dParams &params)
    : p((checkParams(params), params)), n(params.res), half(params.res / 2 + 1),
      cells(params.res * params.res), modes(params.res * (params.res / 2 + 1)),
      cutoff((params.res - 1) / 3) {
  buildTables();
  w.assign(modes, 0.0);
  forcing.assign(modes, 0.0);
  nl.assign(modes, 0.0);
  nlPrev.assign(modes, 0.0);
  planTransforms();
}

Ns2dSolver::Impl::~Impl() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  for (fftw_plan plan : {inverse4, inverse1, forward})
    if (plan)
      fftw_destroy_plan(plan);
  fftw_free(spec4);
  fftw_free(prodSpec);
  fftw_free(real4);
  fftw_free(prod);
}

void Ns2dSolver::Impl::buildTables() {
  kx.assign(modes, 0.0);
  ky.assign(modes, 0.0);
  lap.assign(modes, 0.0);
  invLap.assign(modes, 0.0);
  keep.assign(modes, 0);
  for (int64_t row = 0; row < n; ++row) {
    for (int64_t col = 0; col < half; ++col) {
      int64_t m = row * half + col, kyi = wavenumber(row, n), kxi = col;
      double k2 = static_cast<double>(kxi * kxi + kyi * kyi);
      lap[m] = 4.0 * M_PI * M_PI * k2;
      invLap[m] = m == 0 ? 0.0 : 1.0 / lap[m];
      keep[m] = std::abs(kyi) <= cutoff && kxi <= cutoff && m != 0;
      // Derivative symbols only where the state can live, which also keeps
      // the Nyquist modes (never in the set) out of every derivative.
      kx[m] = keep[m] ? 2.0 * M_PI * static_cast<double>(kxi) : 0.0;
      ky[m] = keep[m] ? 2.0 * M_PI * static_cast<double>(kyi) : 0.0;
    }
  }
}

void Ns2dSolver::Impl::planTransforms() {
  std::lock_guard<std::mutex> lock(fftwPlannerMutex());
  spec4 = reinterpret_cast<Complex *>(fftw_alloc_complex(4 * modes));
  prodSpec = reinterpret_cast<Complex *>(fftw_alloc_complex(modes));
  real4 = fftw_alloc_real(4 * cells);
  prod = fftw_alloc_real(cells);
  int dims[2] = {static_cast<int>(n), static_cast<int>(n)};
  auto *s4 = reinterpret_cast<fftw_complex *>(spec4);
  // FFTW_ESTIMATE: plans (and round-off) independent of timing, so files are
  // bitwise reproducible; it also leaves the buffers untouched.
  inverse4 = fftw_plan_many_dft_c2r(2, dims, 4, s4, nullptr, 1,
                                    static_cast<int>(modes), real4, nullptr, 1,
                                    static_cast<int>(cells), FFTW_ESTIMATE);
  inverse1 = fftw_plan_dft_c2r_2d(dims[0], dims[1], s4, real4, FFTW_ESTIMATE);
  forward = fftw_plan_dft_r2c_2d(dims[0], dims[1], prod,
                                 reinterpret_cast<fftw_complex *>(prodSpec),
                                 FFTW_ESTIMATE);
  if (!inverse4 || !inverse1 || !forward)
    throw Error(fmt::format("navier-stokes: FFTW could not plan {}x{}", n, n));
}

std::vector<Complex>
Ns2dSolver::Impl::forwardMasked(const std::vector<double> &field) {
  if (static_cast<int64_t>(field.size()) != cells)
    throw Error(fmt::format("navier-stokes: field has {} values, expected "
                            "{}x{}",
                            field.size(), n, n));
  std::memcpy(prod, field.data(), field.size() * sizeof(double));
  fftw_execute(forward);
  std::vector<Complex> spec(prodSpec, prodSpec + modes);
  for (int64_t m = 0; m < modes; ++m)
    if (!keep[m])
      spec[m] = 0.0;
  return spec;
}

/// N = -(u . grad w)^ of the current state into `nl`; returns
/// max|u| + max|v| on the grid.
double Ns2dSolver::Impl::evaluateNonlinear() {
  const Complex i(0.0, 1.0);
  for (int64_t m = 0; m < modes; ++m) {
    Complex psi = w[m] * invLap[m];
    spec4[m] = i * ky[m] * psi;              // u = psi_y
    spec4[modes + m] = -i * kx[m] * psi;     // v = -psi_x
    spec4[2 * modes + m] = i * kx[m] * w[m]; // w_x
    spec4[3 * modes + m] = i * ky[m] * w[m]; // w_y
  }
  fftw_execute(inverse4); // unnormalised: each field carries a factor n^2
  const double *u = real4, *v = real4 + cells, *wx = real4 + 2 * cells,
               *wy = real4 + 3 * cells;
  double maxU = 0.0, maxV = 0.0;
  bool finite = true;
  for (int64_t c = 0; c < cells; ++c) {
    prod[c] = u[c] * wx[c] + v[c] * wy[c];
    finite &= std::isfinite(prod[c]);
    maxU = std::max(maxU, std::abs(u[c]));
    maxV = std::max(maxV, std::abs(v[c]));
  }
  fftw_execute(forward);
  // Each grid factor carries n^2, the product n^4; the spectrum of the true
  // product in the unnormalised convention is its forward FFT.
  const double scale = -1.0 / (static_cast<double>(cells) * cells);
  for (int64_t m = 0; m < modes; ++m)
    nl[m] = keep[m] ? prodSpec[m] * scale : 0.0;
  return finite ? (maxU + maxV) / static_cast<double>(cells) : NAN;
}

void Ns2dSolver::Impl::step(double dt) {
  const double r = havePrev ? dt / dtPrev : 0.0;
  const double a = havePrev ? 1.0 + 0.5 * r : 1.0, b = havePrev ? 0.5 * r : 0.0;
  for (int64_t m = 0; m < modes; ++m) {
    if (!keep[m])
      continue;
    double half = 0.5 * dt * p.nu * lap[m];
    Complex explicitPart = a * nl[m] - b * nlPrev[m] + forcing[m];
    w[m] = ((1.0 - half) * w[m] + dt * explicitPart) / (1.0 + half);
  }
  std::swap(nl, nlPrev);
  havePrev = true;
  dtPrev = dt;
}

double Ns2dSolver::Impl::parsevalSum(bool energy) const {
  double sum = 0.0;
  for (int64_t m = 0; m < modes; ++m) {
    double e = std::norm(w[m]) * parsevalWeight(m % half, n);
    sum += energy ? e * invLap[m] : e;
  }
  // mean(f^2) = sum_k |f^_k|^2 / n^4 over the full spectrum.
  return 0.5 * sum / (static_cast<double>(cells) * static_cast<double>(cells));
}

Ns2dSolver::Ns2dSolver(const Ns2dParams &params)
    : impl_(std::make_unique<Impl>(params)) {}

Ns2dSolver::~Ns2dSolver() = default;

int64_t Ns2dSolver::res() const { return impl_->n; }
int64_t Ns2dSolver::dealiasCutoff() const { return impl_->cutoff; }
const Ns2dParams &Ns2dSolver::params() const { return impl_->p; }
double Ns2dSolver::time() const { return impl_->t; }
const Ns2dStepStats &Ns2dSolver::stepStats() const { return impl_->stats; }
const std::vector<Complex> &Ns2dSolver::spectrum() const { return impl_->w; }

void Ns2dSolver::setForcing(const std::vector<double> &forcing) {
  std::vector<Complex> spec = impl_->forwardMasked(forcing);
  double mean =
      std::abs(impl_->prodSpec[0]) / static_cast<double>(impl_->cells);
  double scale = 0.0;
  for (double f : forcing)
    scale = std::max(scale, std::abs(f));
  if (mean > 1e-12 * std::max(scale, 1.0))
    throw Error(fmt::format("navier-stokes: the forcing must have mean zero "
                            "(mean {:.3g}) to keep the circulation zero",
                            mean));
  impl_->forcing = std::move(spec);
}

void Ns2dSolver::setVorticity(const std::vector<double> &vorticity) {
  impl_->w = impl_->forwardMasked(vorticity);
  impl_->havePrev = false;
  impl_->t = 0.0;
  impl_->dtPrev = 0.0;
  impl_->stats = Ns2dStepStats();
}

void Ns2dSolver::advanceTo(double target) {
  Impl &s = *impl_;
  if (!(target >= s.t))
    throw Error(fmt::format(
        "navier-stokes: cannot advance to t = {} from t = {}", target, s.t));
  const double dx = 1.0 / static_cast<double>(s.n);
  while (s.t < target) {
    double speed = s.evaluateNonlinear();
    if (!std::isfinite(speed))
      throw Error(fmt::format("navier-stokes: the flow is no longer finite at "
                              "t = {:.6g} after {} steps",
                              s.t, s.stats.steps));
    double limit =
        speed > 0.0 ? std::min(s.p.dtMax, s.p.cfl * dx / speed) : s.p.dtMax;
    double remaining = target - s.t;
    // Smallest count of equal steps <= limit that lands on `target`; the
    // 1e-6 absorbs round-off in `remaining` (a step may exceed the limit by
    // a relative 1e-6 / count at most).
    double count = std::max(1.0, std::ceil(remaining / limit - 1e-6));
    checkStepCount("navier-stokes", target, s.t, count, limit, s.stats.steps);
    double dt = remaining / count;
    s.step(dt);
    s.t = count == 1.0 ? target : s.t + dt;
    Ns2dStepStats &st = s.stats;
    st.minDt = st.steps == 0 ? dt : std::min(st.minDt, dt);
    st.maxDt = std::max(st.maxDt, dt);
    st.maxCfl = std::max(st.maxCfl, dt * speed / dx);
    ++st.steps;
  }
}

std::vector<double> Ns2dSolver::vorticity() {
  Impl &s = *impl_;
  std::copy(s.w.begin(), s.w.end(), s.spec4);
  fftw_execute(s.inverse1);
  std::vector<double> field(s.real4, s.real4 + s.cells);
  for (double &v : field)
    v /= static_cast<double>(s.cells);
  return field;
}

void Ns2dSolver::velocity(std::vector<double> &u, std::vector<double> &v) {
  Impl &s = *impl_;
  // Fills the u, v grids; the `nl` it also writes is recomputed before the
  // next step uses it, so stepping is unaffected.
  s.evaluateNonlinear();
  u.assign(s.real4, s.real4 + s.cells);
  v.assign(s.real4 + s.cells, s.real4 + 2 * s.cells);
  for (size_t c = 0; c < u.size(); ++c) {
    u[c] /= static_cast<double>(s.cells);
    v[c] /= static_cast<double>(s.cells);
  }
}

double Ns2dSolver::energy() const { return impl_->parsevalSum(true); }
double Ns2dSolver::enstrophy() const { return impl_->parsevalSum(false); }

} // namespace shodh
