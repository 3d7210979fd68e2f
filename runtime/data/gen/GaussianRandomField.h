//===- GaussianRandomField.h - Periodic Gaussian random fields ------------===//
//
// Samples mean-zero Gaussian random fields on the periodic unit cube [0,1)^d
// (d = 1, 2, 3) with covariance operator sigma^2 (-Δ + tau^2 I)^(-alpha), the
// construction used for FNO's Navier–Stokes initial conditions (alpha = 2.5,
// tau = 7). In Fourier space each mode k ≠ 0 has amplitude
//   sqrt(lambda_k) = sigma * (4 pi^2 |k|^2 + tau^2)^(-alpha/2),
// sigma = tau^(alpha - d/2) by default, times a complex standard normal
// variable; the k = 0 mode is zero. The field is the inverse real FFT (FFTW,
// double precision) without normalisation, so its variance is
// sum_k lambda_k independent of the grid size once the grid resolves the spectrum.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

namespace shodh {

/// Parameters of a Gaussian random field.
struct GrfParams {
  int dims = 2;        ///< 1, 2 or 3 spatial dimensions
  int64_t res = 64;    ///< grid points per dimension
  double alpha = 2.5;  ///< smoothness exponent (> dims/2 for a continuous field)
  double tau = 7.0;    ///< inverse length scale
  double sigma = -1.0; ///< amplitude; < 0 means tau^(alpha - dims/2)
};

/// Samples one field (res^dims values, row-major) for (seed, index).
/// Deterministic: depends only on the parameters, seed and index.
std::vector<double> sampleGaussianRandomField(const GrfParams &p, uint64_t seed, uint64_t index);

/// Variance lambda_k of mode k (integer wavenumbers) under `p`.
double grfModeVariance(const GrfParams &p, const std::vector<int64_t> &k);

} // namespace shodh
