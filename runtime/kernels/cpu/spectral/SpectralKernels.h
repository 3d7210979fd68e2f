//===- SpectralKernels.h - Registration of the CPU spectral kernels -------===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds rfft, irfft, spectral_truncate, spectral_pad, spectral_contract and
/// spectral_conv (CPU, FFTW) to `registry`.
void registerCpuSpectralKernels(KernelRegistry &registry);

} // namespace shodh
