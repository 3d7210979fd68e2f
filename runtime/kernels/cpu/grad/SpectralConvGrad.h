//===- SpectralConvGrad.h - Gradients of the fused "spectral_conv" --------===//
//
// Forward (spectral/SpectralConv.h): y = spectral_conv(x, W) =
// irfft(pad(contract(truncate(rfft(x)), W))), norm "backward", x f32
// [B, I, N_1..N_d], W complex<f32> [I, O, 2m_1.., m_d], y f32 [B, O, N...],
// attr modes (Ints, d = 1..3 entries). N = prod N_a; c_k as in
// SpectralAdjoint.h; gradients in PyTorch's convention (dL/dRe + i dL/dIm).
//
//   spectral_conv_grad_input  (dy [B, O, N...], W [I, O, T...]) -> dx [B, I,
//   N...]
//       dx = spectral_conv(dy, W^H) with W^H[o, i, k] = conj(W[i, o, k]):
//       the adjoint of irfft's 1/N-scaled c2r on the kept modes is
//       (c_k / N) rfft, that of truncate(rfft) is c2r(pad(. / c_k)), so the
//       c_k cancel and the same fused pipeline runs with the adjoint
//       contraction dX[b, i, k] = sum_o dY[b, o, k] conj(W[i, o, k]).
//   spectral_conv_grad_weight (x [B, I, N...], dy [B, O, N...]) -> dW [I, O,
//   T...]
//       dW[i, o, k] = (c_k / N) sum_b conj(X[b, i, k]) DY[b, o, k] with
//       X = truncate(rfft x), DY = truncate(rfft dy); the sum over b runs in
//       order b = 0..B-1 for every (i, o) pair, whatever the thread count.
//
//   spectral_conv_grad (x, dy, W) -> (dx, dW)
//       both of the above, transforming dy once (the autodiff pass emits it
//       when both gradients are needed); results identical to the pair.
//       saved_spectrum = 1: the first input is X, saved by the forward.
//       skip = 1 (fourth input Ws [O, I]): dx += Ws^T dy, the input gradient
//       of the layer's skip linear; activation gelu / gelu_tanh (last input
//       pre [B, I, N...]): then dx *= GELU'(pre), the previous layer's
//       activation (shodh.fourier_layer_grad). Bit-identical to
//       spectral_conv_grad -> linear_grad_input (accumulating) -> gelu_grad.
//       pre_derivative = 1 (activation none): the last input is act'(pre)
//       itself, saved by the forward (spectral_conv's derivative_output),
//       and dx *= it: the same bits as the GELU form.
//       skip_params = 1 (with skip; fifth input x, the skip's input [B, I,
//       N...]; outputs 3 and 4): the skip's weight and bias gradients
//       dWs = sum dy x^T [O, I] and dbs = sum dy [O]
//       (shodh.fourier_layer_grad_params). Each batch element's partial
//       P_b accumulates its 512-column blocks (WeightGemm, operands swapped
//       so that it transposes the block of dy, in cache, and x streams
//       through its broadcasts: P_b^T, the same sums) right after b's
//       transforms read dy_b, its bias sums S_b likewise in double;
//       dWs = ((P_0 + P_1) + ..), dbs = sum_b S_b rounded: fixed orders,
//       bit-identical to linear_grad_params(x, dy) whenever that kernel's
//       16 slabs are the batch elements (B = 16, grids of more than one
//       point, both channel counts >= 8, AVX-512: WeightGemm's kernel path
//       both ways).
//
// With `skip`, a batch that splits evenly over the pool and one element's
// dx within 4 MiB, the kernel goes group by group
// (TruncatedFft::elementGroup, as the forward layer): the
// weight packed once for the adjoint mixing, then per group on one thread
// dy_g's transforms (and the skip's parameter partials), the group's
// adjoint mixing, and per element the inverse transforms into a cached
// scratch, Ws^T dy_b added, act'(pre_b) applied and dx_b streamed out:
// dx is written once and never read. Otherwise the stages run over the
// whole batch (dx written by the inverse transforms, then completed in
// place per column block); the sums are the same either way.
//
// Transforms are TruncatedFft's (pruned, one grid at a time, planned in
// `prepare`), contractions ModeGemm's; neither depends on the thread count,
// so results are bit-identical for any number of threads. Outputs must not
// alias inputs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates a spectral_conv_grad_input kernel; throws `Error` naming the call
/// if it is invalid.
std::unique_ptr<Kernel>
makeSpectralConvGradInputKernel(const KernelSignature &sig);
/// Creates a spectral_conv_grad_weight kernel; throws `Error` naming the call
/// if it is invalid.
std::unique_ptr<Kernel>
makeSpectralConvGradWeightKernel(const KernelSignature &sig);

/// Creates a spectral_conv_grad kernel (both gradients); throws `Error`
/// naming the call if it is invalid.
std::unique_ptr<Kernel> makeSpectralConvGradKernel(const KernelSignature &sig);

} // namespace shodh
