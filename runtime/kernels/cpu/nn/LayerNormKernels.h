//===- LayerNormKernels.h - CPU layer-norm kernels --------------*- C++ -*-===//
//
// Factories of the CPU kernels layer_norm, layer_norm_grad_input and
// layer_norm_grad_gamma (contract in LayerNormKernels.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

#include <memory>

namespace shodh {

/// The "layer_norm" kernel: x, gamma, beta -> y.
std::unique_ptr<Kernel> makeLayerNormKernel(const KernelSignature &sig);
/// The "layer_norm_grad_input" kernel: x, gamma, dy -> dx.
std::unique_ptr<Kernel>
makeLayerNormGradInputKernel(const KernelSignature &sig);
/// The "layer_norm_grad_gamma" kernel: x, dy -> dgamma.
std::unique_ptr<Kernel>
makeLayerNormGradGammaKernel(const KernelSignature &sig);

} // namespace shodh
