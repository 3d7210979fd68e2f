//===- Elementwise.h - The CPU "add", "mul" and "copy" kernels ------------===//
//
// Contract:
//   add, mul: inputs (a, b) of one shape and dtype (f32 or f64), output of the
//             same shape and dtype; y = a + b, y = a * b elementwise.
//   copy:     input x, output y of the same shape and dtype (any dtype).
// No broadcasting: the compiler materialises broadcasts before lowering.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// Creates an add kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeAddKernel(const KernelSignature &sig);
/// Creates a mul kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeMulKernel(const KernelSignature &sig);
/// Creates a copy kernel; throws `Error` naming the call if it is invalid.
std::unique_ptr<Kernel> makeCopyKernel(const KernelSignature &sig);

} // namespace shodh
