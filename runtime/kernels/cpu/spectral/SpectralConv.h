//===- SpectralConv.h - The fused spectral_conv kernel (CPU) --------------===//
//
// Kernel contract (emitted by the compiler's lowering, see docs/runtime.md):
//   spectral_conv  x f32 [B, I, N_1..N_d], w c64 [I, O, 2m_1.., m_d] -> y f32
//   [B, O, N...];
//                  modes (Ints, 1 to 3): y =
//                  irfft(pad(contract(truncate(rfft(x)), w))), norm backward,
//                  then
//     save_spectrum = 1  a second output receives x's truncated spectrum [B, I,
//     2m_1.., m_d] addend = 1         a third input a [B, O, N...]: y += a
//     (spectral_conv_add) skip = 1           third and fourth inputs W [O, I]
//     and optional b [O]: y += W x + b
//                        over the channel axis (fourier_layer)
//     activation         none (default), gelu or gelu_tanh, applied last
//     activated_output   (with `skip` and activation none) gelu or gelu_tanh:
//                        a last output a [B, O, N...] = act(y), y kept (the
//                        training forward; its backward needs y)
//     derivative_output  = 1 (with activated_output): the first output is
//                        act'(z) of the pre-activation z instead (what the
//                        backward multiplies by)
// The addend and the activation are applied to each grid right after its
// inverse transform, while it is in cache; with `skip` the inverse
// transforms and the skip product are summed in cache and y (and a) written
// once (SpectralConv.cpp), so neither branch is ever a tensor.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

namespace shodh {

class Kernel;
struct KernelSignature;

/// The CPU spectral_conv kernel for `sig` (validates attributes and types).
std::unique_ptr<Kernel> makeSpectralConvKernel(const KernelSignature &sig);

} // namespace shodh
