//===- SpectralGradLaunch.h - Device code of spectral_conv's gradients ----===//
//
// The two per-mode contractions of the spectral_conv gradients
// (SpectralGradKernels.cpp) on truncated spectra (complex<float>, row-major
// [rows, K] with K the truncated modes). Each output element is one thread
// summing its terms in index order: no atomics, results repeat exactly.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

/// dX[b, i, k] = sum_o DY[b, o, k] conj(W[i, o, k]) (o in order): the input
/// gradient's contraction with W^H.
void launchModeContractAdjoint(const void *dy, const void *w, void *dx,
                               int64_t B, int64_t I, int64_t O, int64_t K,
                               Stream s);

/// dW[i, o, k] = scale[k] * sum_b conj(X[b, i, k]) DY[b, o, k] (b in order,
/// the sum in float, then scaled): the weight gradient.
void launchModeWeightGrad(const void *x, const void *dy, const float *scale,
                          void *dw, int64_t B, int64_t I, int64_t O, int64_t K,
                          Stream s);

} // namespace shodh::cuda
