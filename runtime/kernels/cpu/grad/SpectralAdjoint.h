//===- SpectralAdjoint.h - Adjoints of the spectral mode operations -------===//
//
// Building blocks of the spectral gradient kernels (PyTorch's complex
// gradient convention: for a real loss L and complex z = a + ib the gradient
// is dL/da + i dL/db, so for out = x * w, dx = dout * conj(w) and
// dw = conj(x) * dout):
//  - (the adjoints of the per-mode channel mixing are ModeGemm's
//    adjointInput / adjointWeight, spectral/ModeGemm.h);
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

} // namespace shodh
