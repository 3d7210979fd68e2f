//===- Interpolate.h - The CPU "interpolate" kernels ----------------------===//
//
// Contract (docs/experts.md § Patches and resampling), f32:
//   interpolate      (x [L..., n_1..n_d]) -> y [L..., s_1..s_d], attrs `size`
//                    (Ints s_1..s_d, d = 1..3) and `mode` ("linear", the
//                    default): torch.nn.functional.interpolate with mode
//                    linear / bilinear / trilinear and align_corners=False.
//                    Per axis, output o reads src = max(0, (o + 0.5) n/s -
//                    0.5), i0 = floor(src), i1 = min(i0 + 1, n - 1),
//                    weights (1 - l, l) with l = src - i0 (identity when
//                    n = s); axes nest outermost first, as PyTorch's CPU
//                    kernel evaluates them.
//   interpolate_grad (dy [L..., s_1..s_d]) -> dx [L..., n_1..n_d], attr
//                    `size` = n_1..n_d: the adjoint, scattering each output
//                    point's weights in output order (deterministic).
// Parallel over the leading slices.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates an interpolate kernel; throws `Error` naming the call if invalid.
std::unique_ptr<Kernel> makeInterpolateKernel(const KernelSignature &sig);

/// Creates an interpolate_grad kernel; throws `Error` naming the call if
/// invalid.
std::unique_ptr<Kernel> makeInterpolateGradKernel(const KernelSignature &sig);

} // namespace shodh
