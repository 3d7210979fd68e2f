//===- GradNorm.h - The CPU "grad_global_norm" and "clip_by_norm" kernels -===//
//
// Contract (torch.nn.utils.clip_grad_norm_ split in two kernels so that one
// norm is shared by every gradient):
//   grad_global_norm (g_1, ..., g_k) -> norm
//       k >= 1 tensors of any shapes, each f32 or complex<f32> (a complex
//       tensor counts as 2 numel reals); norm is f32 of shape [1] (or []):
//       norm = sqrt(sum over all tensors and reals of x^2), accumulated in
//       double over fixed blocks (BlockedSum.h) and tensors in operand
//       order, then rounded to f32: independent of the thread count.
//   clip_by_norm (g, norm) -> g'     attr max_norm (Float, >= 0)
//       g' = g * c with c = min(1, f(1 / (norm + 1e-6)) * f(max_norm)) in f32
//       (PyTorch evaluates max_norm / (norm + 1e-6) as reciprocal then
//       multiply); a NaN norm gives c = NaN (as torch.clamp). g' is normally
//       the same tensor as g (in place); g' of g's shape and dtype (f32 or
//       complex<f32>, scaled as reals).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// The clipping coefficient min(1, f(1 / (norm + 1e-6)) * f(maxNorm)) in
/// f32, NaN for a NaN norm.
float clipCoefficient(float norm, double maxNorm);

/// Creates a grad_global_norm kernel; throws `Error` naming the call if it is
/// invalid.
std::unique_ptr<Kernel> makeGradGlobalNormKernel(const KernelSignature &sig);
/// Creates a clip_by_norm kernel; throws `Error` naming the call if it is
/// invalid.
std::unique_ptr<Kernel> makeClipByNormKernel(const KernelSignature &sig);

} // namespace shodh
