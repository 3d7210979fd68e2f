//===- GeluGrad.h - The CPU "gelu_grad" kernel ----------------------------===//
//
// Contract: inputs (x, dy), output dx, all of one shape and dtype (f32 or
// f64); attr `approximate` (String, "none" when absent, or "tanh"), the
// forward's. dx = dy * GELU'(x), evaluated in the tensor's precision in
// PyTorch's CPU operation order (GeluBackward):
//   "none": cdf = 0.5 (1 + erf(x / sqrt 2)), pdf = exp(-x^2 / 2) / sqrt(2 pi)
//           dx = dy * (cdf + x * pdf)
//   "tanh": u = sqrt(2/pi) (x + 0.044715 x^3), t = tanh(u)
//           dx = dy * (0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 *
//           0.044715 x^2))
// Elementwise: dx may be the same buffer as x or dy, and results do not
// depend on the thread count.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates a gelu_grad kernel; throws `Error` naming the call if it is
/// invalid.
std::unique_ptr<Kernel> makeGeluGradKernel(const KernelSignature &sig);

} // namespace shodh
