//===- SpectralAdjoint.h - Adjoints of the spectral mode operations -------===//
//
// Building blocks of the spectral gradient kernels (PyTorch's complex
// gradient convention: for a real loss L and complex z = a + ib the gradient
// is dL/da + i dL/db, so for out = x * w, dx = dout * conj(w) and
// dw = conj(x) * dout):
//  - the adjoints of spectral_contract's per-mode channel mixing, with the
//    sum over the batch in a fixed order (b = 0, 1, ...) whatever the threads;
//  - c_k, the weight of half-spectrum mode k in a c2r transform: 1 when its
//    last-axis index is 0 or (N_d even) N_d/2, else 2 (the mode stands for
//    itself and its conjugate twin). The adjoint of an unnormalised c2r is
//    c_k times an r2c, and the adjoint of an r2c is a c2r of dX / c_k.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/spectral/SpectralLayout.h"

#include <cstdint>
#include <vector>

namespace shodh {

/// c_k for last-axis mode index `index` of a grid with `lastAxis` points.
float halfSpectrumWeight(int64_t index, int64_t lastAxis);

/// c_k of every element (row-major) of a truncated block of `g`.
std::vector<float> truncatedModeWeights(const SpectralGeometry &g);

/// c_k of every element (row-major) of a half spectrum of `grid`.
std::vector<float> halfModeWeights(const std::vector<int64_t> &grid);

/// dx[b, i, k] = sum_o dy[b, o, k] * conj(w[i, o, k]) for b in
/// [bBegin, bEnd); dy is [B, O, K], w is [I, O, K], dx is [B, I, K].
void contractModesAdjointInput(const cfloat *dy, const cfloat *w, cfloat *dx,
                               int64_t bBegin, int64_t bEnd, int64_t in,
                               int64_t outCh, int64_t k);

/// dw[i, o, k] = scale[k] * sum_{b = 0..B-1} conj(x[b, i, k]) * dy[b, o, k]
/// for the (i, o) pairs [pairBegin, pairEnd) (pair = i * O + o); x is
/// [B, I, K], dy is [B, O, K], dw is [I, O, K]; `scale` may be null (1).
void contractModesAdjointWeight(const cfloat *x, const cfloat *dy, cfloat *dw,
                                int64_t pairBegin, int64_t pairEnd,
                                int64_t batch, int64_t in, int64_t outCh,
                                int64_t k, const float *scale);

} // namespace shodh
