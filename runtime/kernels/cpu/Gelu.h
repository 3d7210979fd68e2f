//===- Gelu.h - The CPU "gelu" kernel -------------------------------------===//
//
// Contract: input x, output y of the same shape and dtype (f32 or f64), attr
// `approximate` (String, "none" when absent):
//   "none": y = x * 0.5 * (1 + erf(x / sqrt 2))                  (PyTorch
//   default) "tanh": y = 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
// evaluated in the tensor's precision with the C library's erf / tanh, in the
// same operation order as PyTorch's CPU kernel.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// True for `approximate = "tanh"`, false for "none" or no attribute; throws
/// `Error` naming the call for any other value. Shared by gelu and gelu_grad.
bool geluUsesTanh(const KernelSignature &sig);

/// Creates a gelu kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeGeluKernel(const KernelSignature &sig);

} // namespace shodh
