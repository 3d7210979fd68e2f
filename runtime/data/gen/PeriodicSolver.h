//===- PeriodicSolver.h - Exact spectral solves on the periodic square ----===//
//
// Solves constant-coefficient, second-order scalar PDEs
//
//   L u = -div(A grad u) + b . grad u + c u = f
//
// on the periodic unit square [0,1)^2 sampled on an R x R grid, exactly in
// Fourier space with double-precision FFTW. At the integer wavevector
// k = (kx, ky) the symbol of L is
//
//   s(k) = 4 pi^2 k^T A k + 2 pi i (b . k) + c,      u^(k) = f^(k) / s(k).
//
// Where s(0) = 0 (no reaction term) the zero mode of u is set to 0, so u has
// mean zero. A vanishing symbol at any k != 0 is a resonance: `solve` throws.
//
// Grid layout: value [r * R + col] sits at (x, y) = (col / R, r / R), so x
// runs along the last axis (as numpy's meshgrid(x, y) in the reference data
// generators), and A11, bx act along the last axis.
//
// Nyquist modes (even R): the wavenumber R/2 and -R/2 are the same grid mode,
// so the parts of s that are odd in that component (2 pi i b_j k_j and the
// mixed term 8 pi^2 A12 kx ky) are dropped there. This keeps L a real
// operator on grid functions (Hermitian symmetric symbol), and is exact for
// every trigonometric polynomial whose wavenumbers satisfy |k_j| < R/2.
//
// A solver owns its FFTW plans and buffers: use one per thread. Plans are
// made and destroyed under the same process-wide mutex as the other
// generators, since FFTW's planner is not thread-safe.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

namespace shodh {

/// Coefficients of L u = -div(A grad u) + b . grad u + c u (constant).
struct ScalarOperator {
  double a11 = 0.0; ///< diffusion tensor A, xx entry
  double a22 = 0.0; ///< diffusion tensor A, yy entry
  double a12 = 0.0; ///< diffusion tensor A, xy = yx entry
  double bx = 0.0;  ///< advection velocity, x component
  double by = 0.0;  ///< advection velocity, y component
  double c = 0.0;   ///< reaction coefficient
};

/// Signed integer wavevector of one spectral mode, with Nyquist flags.
struct Wavevector {
  double kx = 0.0;       ///< wavenumber along x (last axis)
  double ky = 0.0;       ///< wavenumber along y (first axis)
  bool nyquistX = false; ///< |kx| == R/2 (even R)
  bool nyquistY = false; ///< |ky| == R/2 (even R)
};

/// Exact Fourier-space solver for `ScalarOperator` on an R x R periodic grid.
class PeriodicSolver {
public:
  /// Plans the transforms for an R x R grid; throws if R is outside [2, 4096].
  explicit PeriodicSolver(int64_t res);
  ~PeriodicSolver();
  PeriodicSolver(const PeriodicSolver &) = delete;
  PeriodicSolver &operator=(const PeriodicSolver &) = delete;

  /// Grid points per axis.
  int64_t res() const { return res_; }
  /// Columns of the half spectrum (R/2 + 1).
  int64_t halfCols() const { return half_; }
  /// Wavevector of half-spectrum entry (row, col).
  Wavevector wavevector(int64_t row, int64_t col) const;
  /// Weight of column `col` in Parseval sums over the half spectrum
  /// (1 for columns without a conjugate partner in it, else 2).
  double parsevalWeight(int64_t col) const;
  /// Symbol s(k) of `op` at half-spectrum entry (row, col).
  std::complex<double> symbol(const ScalarOperator &op, int64_t row,
                              int64_t col) const;
  /// Smallest |s(k)| over all modes k != 0 of the grid.
  double smallestSymbol(const ScalarOperator &op) const;

  /// Forward real-to-complex transform, R x (R/2+1) row-major, unnormalised.
  std::vector<std::complex<double>> forward(const std::vector<double> &field);
  /// Inverse transform scaled by 1/R^2, so inverse(forward(f)) == f.
  std::vector<double>
  inverse(const std::vector<std::complex<double>> &spectrum);
  /// Solves L u = f; throws `Error` on a resonance (|s(k)| < kSingular, k !=
  /// 0).
  std::vector<double> solve(const std::vector<double> &f,
                            const ScalarOperator &op);
  /// Applies L to u spectrally (for residual checks).
  std::vector<double> apply(const std::vector<double> &u,
                            const ScalarOperator &op);

  /// Below this |s(k)| a mode k != 0 counts as resonant.
  static constexpr double kSingular = 1e-8;

private:
  struct Plans;
  int64_t res_;
  int64_t half_;
  std::unique_ptr<Plans> plans_;
};

} // namespace shodh
