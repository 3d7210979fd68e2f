//===- PhysicsReference.h - Independent references for the physics tests -===//
//
// Simple, obviously right implementations to test the physics kernels
// against: a naive DFT Leray projection (O(N^2), small grids only), direct
// central differences, inner products, and the measurements of the
// divergence of a field (spectral, through FFTW in f64, and second-order
// finite differences). Fields are [B, C, N_1, .., N_d] in row-major order.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

namespace shodh::testing {

/// A periodic grid of 2 or 3 axes with box lengths.
struct Grid {
  std::vector<int64_t> n;
  std::vector<double> lengths;

  int dims() const { return int(n.size()); }
  int64_t points() const {
    int64_t p = 1;
    for (int64_t v : n)
      p *= v;
    return p;
  }
  /// Multi-index of flat point index `p`.
  std::array<int64_t, 3> index(int64_t p) const {
    std::array<int64_t, 3> i{0, 0, 0};
    for (int a = dims() - 1; a >= 0; --a)
      i[a] = p % n[a], p /= n[a];
    return i;
  }
  /// Flat index of multi-index `i` wrapped periodically.
  int64_t flat(std::array<int64_t, 3> i) const {
    int64_t p = 0;
    for (int a = 0; a < dims(); ++a)
      p = p * n[a] + ((i[a] % n[a]) + n[a]) % n[a];
    return p;
  }
  /// Wavenumber of frequency index m on axis a (Nyquist: 0).
  double wavenumber(int a, int64_t m) const {
    int64_t f = m <= n[a] / 2 ? m : m - n[a];
    if (n[a] % 2 == 0 && m == n[a] / 2)
      f = 0;
    return 2.0 * M_PI * double(f) / lengths[a];
  }
};

/// Leray projection of u [B, d, grid] by a naive DFT of every component.
std::vector<double> naiveLerayProject(const std::vector<double> &u,
                                      int64_t batch, const Grid &g);

/// Central-difference derivative d f / dx_a of one channel f [grid].
std::vector<double> centralDifference(const double *f, const Grid &g, int a);

/// Spectral derivative d f / dx_a of one channel by a naive DFT.
std::vector<double> naiveSpectralDerivative(const double *f, const Grid &g,
                                            int a);

/// max |k . u_hat| / (k_max * max |u_hat|) over batches and wavevectors
/// (FFTW, f64; Nyquist wavenumbers 0 as in the kernels).
double spectralDivergenceRatio(const std::vector<double> &u, int64_t batch,
                               const Grid &g);

/// max |div_fd2 u| * dx / max |u| (second-order central differences, dx of
/// the first axis; cubic cells assumed).
double fdDivergenceRatio(const std::vector<double> &u, int64_t batch,
                         const Grid &g);

/// A smooth random real field of `channels` per batch: random Fourier
/// coefficients on |m_i| <= `maxMode`, transformed with FFTW (f64).
std::vector<double> smoothRandomField(int64_t batch, int64_t channels,
                                      const Grid &g, int maxMode,
                                      uint32_t seed);

/// Sum of a[i] * b[i].
inline double dot(const std::vector<double> &a, const std::vector<double> &b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

/// max |a[i]|.
inline double maxAbs(const std::vector<double> &a) {
  double m = 0;
  for (double v : a)
    m = std::max(m, std::abs(v));
  return m;
}

} // namespace shodh::testing
