//===- PhysicsReference.cpp - Independent references for the physics tests ===//
#include "test/unit/physics/PhysicsReference.h"

#include <fftw3.h>

#include <random>

namespace shodh::testing {
namespace {

using cd = std::complex<double>;

/// Naive DFT (sign -1 forward, +1 inverse without scaling) of one channel.
std::vector<cd> naiveDft(const std::vector<cd> &f, const Grid &g, int sign) {
  int64_t n = g.points();
  std::vector<cd> out(n);
  for (int64_t p = 0; p < n; ++p) {
    std::array<int64_t, 3> m = g.index(p);
    cd s = 0;
    for (int64_t q = 0; q < n; ++q) {
      std::array<int64_t, 3> x = g.index(q);
      double phase = 0;
      for (int a = 0; a < g.dims(); ++a)
        phase += 2.0 * M_PI * double(m[a] * x[a]) / double(g.n[a]);
      s += f[q] * std::polar(1.0, sign * phase);
    }
    out[p] = s;
  }
  return out;
}

/// The spectrum of real channel `f`.
std::vector<cd> spectrumOf(const double *f, const Grid &g) {
  return naiveDft(std::vector<cd>(f, f + g.points()), g, -1);
}

/// Real part of the normalised inverse DFT.
std::vector<double> realInverse(const std::vector<cd> &spec, const Grid &g) {
  std::vector<cd> f = naiveDft(spec, g, +1);
  std::vector<double> out(f.size());
  for (size_t i = 0; i < f.size(); ++i)
    out[i] = f[i].real() / double(g.points());
  return out;
}

} // namespace

std::vector<double> naiveLerayProject(const std::vector<double> &u,
                                      int64_t batch, const Grid &g) {
  int d = g.dims();
  int64_t n = g.points();
  std::vector<double> out(u.size());
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<std::vector<cd>> spec;
    for (int c = 0; c < d; ++c)
      spec.push_back(spectrumOf(u.data() + (b * d + c) * n, g));
    for (int64_t p = 0; p < n; ++p) {
      std::array<int64_t, 3> m = g.index(p);
      double k[3] = {0, 0, 0}, k2 = 0;
      cd dotk = 0;
      for (int a = 0; a < d; ++a) {
        k[a] = g.wavenumber(a, m[a]);
        k2 += k[a] * k[a];
        dotk += k[a] * spec[a][p];
      }
      if (k2 > 0)
        for (int a = 0; a < d; ++a)
          spec[a][p] -= k[a] * dotk / k2;
    }
    for (int c = 0; c < d; ++c) {
      std::vector<double> f = realInverse(spec[c], g);
      std::copy(f.begin(), f.end(), out.begin() + (b * d + c) * n);
    }
  }
  return out;
}

std::vector<double> centralDifference(const double *f, const Grid &g, int a) {
  double dx = g.lengths[a] / double(g.n[a]);
  std::vector<double> out(g.points());
  for (int64_t p = 0; p < g.points(); ++p) {
    std::array<int64_t, 3> up = g.index(p), down = up;
    ++up[a], --down[a];
    out[p] = (f[g.flat(up)] - f[g.flat(down)]) / (2.0 * dx);
  }
  return out;
}

std::vector<double> naiveSpectralDerivative(const double *f, const Grid &g,
                                            int a) {
  std::vector<cd> spec = spectrumOf(f, g);
  for (int64_t p = 0; p < g.points(); ++p)
    spec[p] *= cd(0, g.wavenumber(a, g.index(p)[a]));
  return realInverse(spec, g);
}

double spectralDivergenceRatio(const std::vector<double> &u, int64_t batch,
                               const Grid &g) {
  int d = g.dims();
  int64_t n = g.points(), half = n / g.n.back() * (g.n.back() / 2 + 1);
  std::vector<int> dims(g.n.begin(), g.n.end());
  std::vector<double> in(size_t(d * n));
  std::vector<cd> spec(size_t(d * half));
  fftw_plan plan =
      fftw_plan_many_dft_r2c(d, dims.data(), d, in.data(), nullptr, 1, int(n),
                             reinterpret_cast<fftw_complex *>(spec.data()),
                             nullptr, 1, int(half), FFTW_ESTIMATE);
  double maxDiv = 0, maxSpec = 0, kMax = 0;
  for (int64_t b = 0; b < batch; ++b) {
    std::copy(u.begin() + b * d * n, u.begin() + (b + 1) * d * n, in.begin());
    fftw_execute(plan);
    for (int64_t h = 0; h < half; ++h) {
      int64_t rest = h, mLast = rest % (g.n.back() / 2 + 1);
      rest /= g.n.back() / 2 + 1;
      double k[3] = {0, 0, 0}, k2 = 0;
      k[d - 1] = g.wavenumber(d - 1, mLast);
      for (int a = d - 2; a >= 0; --a)
        k[a] = g.wavenumber(a, rest % g.n[a]), rest /= g.n[a];
      cd div = 0;
      for (int c = 0; c < d; ++c) {
        div += k[c] * spec[c * half + h];
        k2 += k[c] * k[c];
        maxSpec = std::max(maxSpec, std::abs(spec[c * half + h]));
      }
      maxDiv = std::max(maxDiv, std::abs(div));
      kMax = std::max(kMax, std::sqrt(k2));
    }
  }
  fftw_destroy_plan(plan);
  return maxDiv / (kMax * maxSpec);
}

double fdDivergenceRatio(const std::vector<double> &u, int64_t batch,
                         const Grid &g) {
  int d = g.dims();
  int64_t n = g.points();
  double maxDiv = 0;
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<double> div(n, 0.0);
    for (int c = 0; c < d; ++c) {
      std::vector<double> dc =
          centralDifference(u.data() + (b * d + c) * n, g, c);
      for (int64_t p = 0; p < n; ++p)
        div[p] += dc[p];
    }
    maxDiv = std::max(maxDiv, maxAbs(div));
  }
  return maxDiv * (g.lengths[0] / double(g.n[0])) / maxAbs(u);
}

std::vector<double> smoothRandomField(int64_t batch, int64_t channels,
                                      const Grid &g, int maxMode,
                                      uint32_t seed) {
  int d = g.dims();
  int64_t n = g.points(), lastHalf = g.n.back() / 2 + 1,
          half = n / g.n.back() * lastHalf;
  std::vector<int> dims(g.n.begin(), g.n.end());
  std::vector<cd> spec(static_cast<size_t>(half));
  std::vector<double> out(size_t(batch * channels * n));
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal;
  for (int64_t row = 0; row < batch * channels; ++row) {
    for (int64_t h = 0; h < half; ++h) {
      int64_t rest = h / lastHalf;
      bool keep = h % lastHalf <= maxMode;
      for (int a = d - 2; a >= 0; --a) {
        int64_t m = rest % g.n[a];
        keep = keep && std::min(m, g.n[a] - m) <= maxMode;
        rest /= g.n[a];
      }
      double re = normal(gen), im = normal(gen);
      spec[h] = keep ? cd(re, im) : cd(0, 0);
    }
    fftw_plan plan = fftw_plan_dft_c2r(
        d, dims.data(), reinterpret_cast<fftw_complex *>(spec.data()),
        out.data() + row * n, FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);
  }
  return out;
}

} // namespace shodh::testing
