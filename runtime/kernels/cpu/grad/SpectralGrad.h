//===- SpectralGrad.h - Gradients of the unfused spectral kernels ---------===//
//
// For the chain rfft -> spectral_truncate -> spectral_contract ->
// spectral_pad -> irfft when it is not fused (gradients in PyTorch's
// convention dL/dRe + i dL/dIm; c_k as in SpectralAdjoint.h; s_fwd and s_inv
// the forward and inverse scales of the norm mode: backward (1, 1/N), ortho
// (1/sqrt N, 1/sqrt N), forward (1/N, 1); N = prod of the d grid extents):
//
//   rfft_grad  (dX c64 [..., N_1.., N_d/2+1]) -> dx f32 [..., N_1..N_d]
//              attrs ndims, norm (the forward's): dx = s_fwd c2r(dX / c_k)
//              with c2r FFTW's unnormalised inverse; the grid is taken from
//              dx (N_d odd or even cannot be read from the half spectrum).
//   irfft_grad (dy f32 [..., N_1..N_d]) -> dZ c64 [..., N_1.., N_d/2+1]
//              attrs ndims, norm: dZ = s_inv c_k rfft(dy)
//   spectral_contract_grad_input  (dY [B, O, K...], W [I, O, K...]) -> dX [B,
//   I, K...]
//              dX[b, i, k] = sum_o dY[b, o, k] conj(W[i, o, k])
//   spectral_contract_grad_weight (X [B, I, K...], dY [B, O, K...]) -> dW [I,
//   O, K...]
//              dW[i, o, k] = sum_b conj(X[b, i, k]) dY[b, o, k], b in order
//
// spectral_truncate and spectral_pad are each other's adjoints (real
// coefficients 0/1), so their gradients need no kernels of their own: the
// gradient of truncate is spectral_pad and that of pad is spectral_truncate,
// with the same `modes`. rfft_grad/irfft_grad plan their FFTs in `prepare`
// on the operands' buffers; outputs must not alias inputs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates an rfft_grad kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeRfftGradKernel(const KernelSignature &sig);
/// Creates an irfft_grad kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeIrfftGradKernel(const KernelSignature &sig);
/// Creates a spectral_contract_grad_input kernel; throws `Error` naming the
/// call if invalid.
std::unique_ptr<Kernel>
makeSpectralContractGradInputKernel(const KernelSignature &sig);
/// Creates a spectral_contract_grad_weight kernel; throws `Error` naming the
/// call if invalid.
std::unique_ptr<Kernel>
makeSpectralContractGradWeightKernel(const KernelSignature &sig);

} // namespace shodh
