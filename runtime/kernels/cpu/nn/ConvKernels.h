//===- ConvKernels.h - CPU convolution kernels ------------------*- C++ -*-===//
//
// Factories of the CPU kernels conv, conv_grad_input, conv_transpose and
// conv_grad_weight (contract in ConvKernels.cpp and docs/runtime.md).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// The "conv" kernel: x, w[, b] -> y.
std::unique_ptr<Kernel> makeConvKernel(const KernelSignature &sig);
/// The "conv_grad_input" kernel: dy, w -> dx.
std::unique_ptr<Kernel> makeConvGradInputKernel(const KernelSignature &sig);
/// The "conv_transpose" kernel: x, w[, b] -> y.
std::unique_ptr<Kernel> makeConvTransposeKernel(const KernelSignature &sig);
/// The "conv_grad_weight" kernel: x, dy -> dw.
std::unique_ptr<Kernel> makeConvGradWeightKernel(const KernelSignature &sig);

} // namespace shodh
