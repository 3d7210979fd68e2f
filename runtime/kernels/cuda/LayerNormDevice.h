//===- LayerNormDevice.h - Device side of the CUDA layer-norm kernels -----===//
//
// layer_norm, layer_norm_grad_input and layer_norm_grad_gamma on the GPU
// (contract: cpu/nn/LayerNormKernels.cpp; x f32 viewed as [outer, C,
// inner]). The per-position functions below are the CPU kernel's double
// arithmetic for one (outer, inner) position, in its order; LayerNorm.cu
// runs one per thread (nvcc --fmad=false), and a host test runs them
// against the CPU kernel without a GPU (test/unit/cuda/LayerNormModesTest).
// dgamma is one block per channel: thread j sums the positions j, j +
// kThreads, ... in double, then a fixed tree adds the partials (no atomics,
// so results repeat; the CPU sums in one sequential pass, so the two agree
// to double rounding before the final f32 rounding).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/Launch.h"

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define SHODH_NORM_HD __host__ __device__
#else
#define SHODH_NORM_HD
#endif

namespace shodh::cuda {

/// x viewed as [outer, channels, inner]; eps of the kernel.
struct NormShape {
  int64_t outer = 0, channels = 0, inner = 0;
  double eps = 1e-5;
};

/// Mean and 1 / sqrt(biased variance + eps) over the channels at position
/// p = (o, i) (LayerNormKernel::stats).
SHODH_NORM_HD inline void layerNormStats(const NormShape &s, const float *x,
                                         int64_t p, double &mean,
                                         double &rstd) {
  const float *row = x + (p / s.inner) * s.channels * s.inner + p % s.inner;
  double m = 0.0, v = 0.0;
  for (int64_t c = 0; c < s.channels; ++c)
    m += row[c * s.inner];
  m /= double(s.channels);
  for (int64_t c = 0; c < s.channels; ++c) {
    double d = row[c * s.inner] - m;
    v += d * d;
  }
  mean = m;
  rstd = 1.0 / sqrt(v / double(s.channels) + s.eps);
}

/// y at every channel of position p: (x - mean) rstd gamma + beta.
SHODH_NORM_HD inline void layerNormForwardAt(const NormShape &s, const float *x,
                                             const float *gamma,
                                             const float *beta, float *y,
                                             int64_t p) {
  double mean, rstd;
  layerNormStats(s, x, p, mean, rstd);
  int64_t at = (p / s.inner) * s.channels * s.inner + p % s.inner;
  for (int64_t c = 0; c < s.channels; ++c) {
    int64_t i = at + c * s.inner;
    y[i] = float((x[i] - mean) * rstd * gamma[c] + beta[c]);
  }
}

/// dx at every channel of position p (LayerNormKernel::runUnit).
SHODH_NORM_HD inline void
layerNormGradInputAt(const NormShape &s, const float *x, const float *gamma,
                     const float *dy, float *dx, int64_t p) {
  double mean, rstd, sg = 0.0, sgx = 0.0;
  layerNormStats(s, x, p, mean, rstd);
  int64_t at = (p / s.inner) * s.channels * s.inner + p % s.inner;
  for (int64_t c = 0; c < s.channels; ++c) {
    int64_t i = at + c * s.inner;
    double g = double(dy[i]) * gamma[c];
    sg += g;
    sgx += g * (x[i] - mean) * rstd;
  }
  double inv = 1.0 / double(s.channels);
  for (int64_t c = 0; c < s.channels; ++c) {
    int64_t i = at + c * s.inner;
    double xhat = (x[i] - mean) * rstd;
    double g = double(dy[i]) * gamma[c];
    dx[i] = float(rstd * (g - sg * inv - xhat * sgx * inv));
  }
}

/// The dgamma[c] term of position p: dy (x - mean) rstd, in double.
SHODH_NORM_HD inline double layerNormGammaTerm(const NormShape &s,
                                               const float *x, const float *dy,
                                               const double *mean,
                                               const double *rstd, int64_t c,
                                               int64_t p) {
  int64_t i = ((p / s.inner) * s.channels + c) * s.inner + p % s.inner;
  return double(dy[i]) * (x[i] - mean[p]) * rstd[p];
}

/// y = layer_norm(x; gamma, beta), one thread per position.
void launchLayerNorm(const NormShape &s, const float *x, const float *gamma,
                     const float *beta, float *y, Stream st);
/// dx = layer_norm_grad_input(x, gamma, dy), one thread per position.
void launchLayerNormGradInput(const NormShape &s, const float *x,
                              const float *gamma, const float *dy, float *dx,
                              Stream st);
/// dgamma[c] = sum over positions of layerNormGammaTerm; `stats` is scratch
/// of 2 * outer * inner doubles (mean, then rstd).
void launchLayerNormGradGamma(const NormShape &s, const float *x,
                              const float *dy, double *stats, float *dgamma,
                              Stream st);

} // namespace shodh::cuda
