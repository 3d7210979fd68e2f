//===- UnfusedSpectralLaunch.h - Device code of rfft, irfft and grads -----===//
//
// Launchers of UnfusedSpectral.cu, the element steps around the cuFFT
// transforms of the unfused spectral kernels (UnfusedSpectralKernels.cpp,
// UnfusedSpectralGradKernels.cpp); the per-element code is
// UnfusedSpectralDevice.h. The truncation, padding and contractions reuse
// Spectral.cu (Launch.h) and SpectralGrad.cu (SpectralGradLaunch.h).
// One thread per output element, no reductions.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cuda/Launch.h"
#include "runtime/kernels/cuda/UnfusedSpectralDevice.h"

namespace shodh::cuda {

/// v[i] *= scale for `n` floats (the norm's factor of rfft and irfft).
void launchScaleFloats(float *v, int64_t n, float scale, Stream s);

/// In place over `rows` half spectra of `halfSize` complex values:
/// v[r, k] *= factor[k] (irfft_grad).
void launchScaleModes(void *v, const float *factor, int64_t rows,
                      int64_t halfSize, Stream s);

/// dst = the c2r input of `rows` half spectra `src` of layout `g`,
/// multiplied by factor[k] when `factor` is not null (rfft_grad), the DC
/// and Nyquist columns Hermitian-projected (c2rInputElement). `dst` must
/// not overlap `src`.
void launchC2rInput(const void *src, const float *factor, void *dst,
                    const HalfLayout &g, int64_t rows, Stream s);

} // namespace shodh::cuda
