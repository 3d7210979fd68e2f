//===- SpectralReference.h - Obviously-right spectral references ----------===//
//
// Direct (O(N^2)) discrete Fourier transforms in double precision with
// numpy's semantics, used to check the FFTW-based kernels:
//   rfftn:  X[k] = sum_n x[n] exp(-2 pi i sum_a k_a n_a / N_a), k over the half spectrum
//   irfftn: x[n] = (1/N) sum_{k in half} w(k_d) Re(X[k] exp(+2 pi i sum_a k_a n_a / N_a)),
//           w = 1 for k_d = 0 and (N_d even) k_d = N_d/2, else 2 — i.e. numpy's
//           ifft over the full axes followed by irfft on the last axis.
// Truncation is written from the definition (|frequency| tests), not from the
// index map the kernels use.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

namespace shodh::reference {

using cd = std::complex<double>;

inline int64_t prod(const std::vector<int64_t> &v) {
  int64_t p = 1;
  for (int64_t x : v)
    p *= x;
  return p;
}

/// Multi-index of flat index `f` in `shape`.
inline std::vector<int64_t> unflatten(int64_t f, const std::vector<int64_t> &shape) {
  std::vector<int64_t> idx(shape.size());
  for (int a = int(shape.size()) - 1; a >= 0; --a)
    idx[a] = f % shape[a], f /= shape[a];
  return idx;
}

inline std::vector<int64_t> halfShape(std::vector<int64_t> grid) {
  grid.back() = grid.back() / 2 + 1;
  return grid;
}

/// rfftn of one grid (unnormalised).
inline std::vector<cd> rfftn(const std::vector<double> &x, const std::vector<int64_t> &grid) {
  std::vector<int64_t> hs = halfShape(grid);
  std::vector<cd> out(prod(hs));
  for (int64_t kf = 0; kf < prod(hs); ++kf) {
    std::vector<int64_t> k = unflatten(kf, hs);
    cd acc = 0;
    for (int64_t nf = 0; nf < prod(grid); ++nf) {
      std::vector<int64_t> n = unflatten(nf, grid);
      double ph = 0;
      for (size_t a = 0; a < grid.size(); ++a)
        ph += double(k[a] * n[a] % grid[a]) / grid[a];
      acc += x[nf] * std::polar(1.0, -2 * M_PI * ph);
    }
    out[kf] = acc;
  }
  return out;
}

/// irfftn of one half spectrum with 1/N normalisation (numpy's default).
inline std::vector<double> irfftn(const std::vector<cd> &X, const std::vector<int64_t> &grid) {
  std::vector<int64_t> hs = halfShape(grid);
  const int64_t nd = grid.back();
  std::vector<double> out(prod(grid));
  for (int64_t nf = 0; nf < prod(grid); ++nf) {
    std::vector<int64_t> n = unflatten(nf, grid);
    double acc = 0;
    for (int64_t kf = 0; kf < prod(hs); ++kf) {
      std::vector<int64_t> k = unflatten(kf, hs);
      double ph = 0;
      for (size_t a = 0; a < grid.size(); ++a)
        ph += double(k[a] * n[a] % grid[a]) / grid[a];
      bool single = k.back() == 0 || (nd % 2 == 0 && k.back() == nd / 2);
      acc += (single ? 1.0 : 2.0) * std::real(X[kf] * std::polar(1.0, 2 * M_PI * ph));
    }
    out[nf] = acc / double(prod(grid));
  }
  return out;
}

/// Signed frequency of index i on an axis of n points.
inline int64_t freq(int64_t i, int64_t n) { return i <= (n - 1) / 2 ? i : i - n; }

/// True if half-spectrum index `k` is kept by FNO truncation with `modes`:
/// 0 <= f < m or -m <= f < 0 on full axes, k < m on the last axis.
inline bool kept(const std::vector<int64_t> &k, const std::vector<int64_t> &grid,
                 const std::vector<int64_t> &modes) {
  for (size_t a = 0; a + 1 < grid.size(); ++a) {
    int64_t f = k[a] < grid[a] - modes[a] ? k[a] : k[a] - grid[a];
    if (!(f >= 0 ? f < modes[a] : f >= -modes[a]))
      return false;
  }
  return k.back() < modes.back();
}

/// Position of kept index `k` in the truncated block (low block, then high block).
inline int64_t truncPosition(const std::vector<int64_t> &k, const std::vector<int64_t> &grid,
                             const std::vector<int64_t> &modes) {
  int64_t off = 0;
  for (size_t a = 0; a < grid.size(); ++a) {
    bool last = a + 1 == grid.size();
    int64_t extent = last ? modes[a] : 2 * modes[a];
    int64_t t = (last || k[a] < modes[a]) ? k[a] : k[a] - (grid[a] - 2 * modes[a]);
    off = off * extent + t;
  }
  return off;
}

} // namespace shodh::reference
