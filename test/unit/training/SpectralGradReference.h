//===- SpectralGradReference.h - Double references of spectral gradients --===//
//
// Direct DFTs in double through a phase matrix E[k][n] = exp(-2 pi i
// sum_a k_a n_a / N_a) (k over the half spectrum, n over the grid), built
// with SpectralReference.h's index helpers, so every transform is a plain
// matrix product with numpy's semantics:
//   rfft(x)[k]   = sum_n E[k][n] x[n]
//   c2r(Z)[n]    = sum_k c_k Re(Z[k] conj(E[k][n]))    (unnormalised)
//   irfft(Z)     = c2r(Z) / N
// On top: the spectral_conv forward (for finite differences) and the
// gradient formulas of the kernels' contract, written from the definitions:
// the adjoints of rfft and c2r are taken term by term from the sums above.
// Complex tensors are vectors of interleaved reals (re, im), so finite
// differences perturb real and imaginary parts separately.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "test/unit/kernels/SpectralReference.h"

#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

namespace shodh::reference {

/// The phase matrix and c_k of one grid.
struct DirectDft {
  std::vector<int64_t> grid, half;
  int64_t points = 0, halfPoints = 0;
  std::vector<cd> phase;      ///< [halfPoints][points]
  std::vector<double> weight; ///< c_k per half-spectrum mode

  explicit DirectDft(const std::vector<int64_t> &g)
      : grid(g), half(halfShape(g)), points(prod(g)), halfPoints(prod(half)) {
    phase.resize(static_cast<size_t>(points * halfPoints));
    weight.resize(static_cast<size_t>(halfPoints));
    const int64_t nd = grid.back();
    for (int64_t kf = 0; kf < halfPoints; ++kf) {
      std::vector<int64_t> k = unflatten(kf, half);
      weight[kf] = k.back() == 0 || (nd % 2 == 0 && k.back() == nd / 2) ? 1 : 2;
      for (int64_t nf = 0; nf < points; ++nf) {
        std::vector<int64_t> n = unflatten(nf, grid);
        double ph = 0;
        for (size_t a = 0; a < grid.size(); ++a)
          ph += double(k[a] * n[a] % grid[a]) / grid[a];
        phase[kf * points + nf] = std::polar(1.0, -2 * M_PI * ph);
      }
    }
  }
  /// Unnormalised rfft of one grid.
  std::vector<cd> rfft(const double *x) const {
    std::vector<cd> out(static_cast<size_t>(halfPoints));
    for (int64_t k = 0; k < halfPoints; ++k)
      for (int64_t n = 0; n < points; ++n)
        out[k] += phase[k * points + n] * x[n];
    return out;
  }
  /// Unnormalised c2r of one half spectrum.
  std::vector<double> c2r(const std::vector<cd> &z) const {
    std::vector<double> out(static_cast<size_t>(points));
    for (int64_t k = 0; k < halfPoints; ++k)
      for (int64_t n = 0; n < points; ++n)
        out[n] +=
            weight[k] * std::real(z[k] * std::conj(phase[k * points + n]));
    return out;
  }
  /// For each truncated mode (row-major, SpectralLayout's order), its
  /// half-spectrum index.
  std::vector<int64_t> truncatedModes(const std::vector<int64_t> &modes) const {
    int64_t count = 1;
    for (size_t a = 0; a < modes.size(); ++a)
      count *= a + 1 < modes.size() ? 2 * modes[a] : modes[a];
    std::vector<int64_t> map(size_t(count), -1);
    for (int64_t kf = 0; kf < halfPoints; ++kf) {
      std::vector<int64_t> k = unflatten(kf, half);
      if (kept(k, grid, modes))
        map[truncPosition(k, grid, modes)] = kf;
    }
    return map;
  }
};

/// Complex value j of interleaved reals.
inline cd complexAt(const std::vector<double> &v, int64_t j) {
  return cd(v[2 * j], v[2 * j + 1]);
}

/// Truncated spectra T(rfft(x)) of `rows` grids.
inline std::vector<cd> truncatedSpectra(const DirectDft &dft,
                                        const std::vector<int64_t> &map,
                                        const std::vector<double> &x,
                                        int64_t rows) {
  const int64_t t = int64_t(map.size());
  std::vector<cd> out(static_cast<size_t>(rows * t));
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<cd> h = dft.rfft(x.data() + r * dft.points);
    for (int64_t j = 0; j < t; ++j)
      out[r * t + j] = h[map[j]];
  }
  return out;
}

/// irfft(pad(s)) / N of `rows` truncated spectra.
inline std::vector<double> paddedInverse(const DirectDft &dft,
                                         const std::vector<int64_t> &map,
                                         const std::vector<cd> &s,
                                         int64_t rows) {
  const int64_t t = int64_t(map.size());
  std::vector<double> out(static_cast<size_t>(rows * dft.points));
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<cd> h(static_cast<size_t>(dft.halfPoints));
    for (int64_t j = 0; j < t; ++j)
      h[map[j]] = s[r * t + j];
    std::vector<double> y = dft.c2r(h);
    for (int64_t n = 0; n < dft.points; ++n)
      out[r * dft.points + n] = y[n] / double(dft.points);
  }
  return out;
}

/// Sizes of a spectral_conv problem.
struct ConvDims {
  int64_t batch, in, out;
};

/// y = spectral_conv(x, W): x [B, I, N], W [I, O, T] (interleaved reals).
inline std::vector<double> spectralConv(const DirectDft &dft,
                                        const std::vector<int64_t> &map,
                                        const std::vector<double> &x,
                                        const std::vector<double> &w,
                                        ConvDims d) {
  const int64_t t = int64_t(map.size());
  std::vector<cd> xs = truncatedSpectra(dft, map, x, d.batch * d.in);
  std::vector<cd> ys(static_cast<size_t>(d.batch * d.out * t));
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t o = 0; o < d.out; ++o)
      for (int64_t i = 0; i < d.in; ++i)
        for (int64_t j = 0; j < t; ++j)
          ys[(b * d.out + o) * t + j] += xs[(b * d.in + i) * t + j] *
                                         complexAt(w, (i * d.out + o) * t + j);
  return paddedInverse(dft, map, ys, d.batch * d.out);
}

/// dx = irfft(pad(sum_o conj(W[i, o]) T(rfft dy[b, o]))).
inline std::vector<double>
spectralConvGradInput(const DirectDft &dft, const std::vector<int64_t> &map,
                      const std::vector<double> &dy,
                      const std::vector<double> &w, ConvDims d) {
  const int64_t t = int64_t(map.size());
  std::vector<cd> gs = truncatedSpectra(dft, map, dy, d.batch * d.out);
  std::vector<cd> xs(static_cast<size_t>(d.batch * d.in * t));
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t i = 0; i < d.in; ++i)
      for (int64_t o = 0; o < d.out; ++o)
        for (int64_t j = 0; j < t; ++j)
          xs[(b * d.in + i) * t + j] +=
              gs[(b * d.out + o) * t + j] *
              std::conj(complexAt(w, (i * d.out + o) * t + j));
  return paddedInverse(dft, map, xs, d.batch * d.in);
}

/// dW[i, o, k] = (c_k / N) sum_b conj(X[b, i, k]) DY[b, o, k], interleaved.
inline std::vector<double>
spectralConvGradWeight(const DirectDft &dft, const std::vector<int64_t> &map,
                       const std::vector<double> &x,
                       const std::vector<double> &dy, ConvDims d) {
  const int64_t t = int64_t(map.size());
  std::vector<cd> xs = truncatedSpectra(dft, map, x, d.batch * d.in);
  std::vector<cd> gs = truncatedSpectra(dft, map, dy, d.batch * d.out);
  std::vector<double> dw(static_cast<size_t>(2 * d.in * d.out * t));
  for (int64_t i = 0; i < d.in; ++i)
    for (int64_t o = 0; o < d.out; ++o)
      for (int64_t j = 0; j < t; ++j) {
        cd acc = 0;
        for (int64_t b = 0; b < d.batch; ++b)
          acc += std::conj(xs[(b * d.in + i) * t + j]) *
                 gs[(b * d.out + o) * t + j];
        acc *= dft.weight[map[j]] / double(dft.points);
        dw[2 * ((i * d.out + o) * t + j)] = acc.real();
        dw[2 * ((i * d.out + o) * t + j) + 1] = acc.imag();
      }
  return dw;
}

} // namespace shodh::reference
