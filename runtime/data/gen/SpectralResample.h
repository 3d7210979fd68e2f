//===- SpectralResample.h - Moving periodic fields between grid sizes -----===//
//
// Resamples a periodic field on the unit square from an n x n grid to an
// m x m grid by spectral truncation (m < n) or zero padding (m > n): the
// Fourier modes with |kx|, |ky| < min(n, m) / 2 are kept, the rest (the
// Nyquist modes of either grid included) dropped. The result is the
// trigonometric interpolant of the kept modes sampled on the new grid, so a
// field whose modes all satisfy |k_j| < min(n, m) / 2 is resampled exactly.
//
// Spectra use the half-spectrum layout of PeriodicSolver (rows = ky,
// columns = kx >= 0, unnormalised FFTW convention: field = ifft / n^2).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

namespace shodh {

/// Half spectrum of an n x n field moved to an m x m grid: the kept modes are
/// copied (scaled by m^2 / n^2 for the unnormalised convention), the rest are
/// zero. Throws if the spectrum does not have n * (n/2 + 1) entries.
std::vector<std::complex<double>>
resampleSpectrum(const std::vector<std::complex<double>> &spectrum, int64_t n,
                 int64_t m);

/// `field` (n x n row-major) resampled to m x m; see the file comment.
std::vector<double> resampleField(const std::vector<double> &field, int64_t n,
                                  int64_t m);

} // namespace shodh
