//===- CudaKernels.h - Registration functions of the CUDA kernel families -===//
//
// One function per family file; CudaKernels.cpp calls them all from
// `registerCudaKernels` (Kernel.h). docs/cuda.md lists the kernels each
// backend has.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"

namespace shodh::cuda {

/// add, mul, copy, gelu, gelu_grad (ElementwiseKernels.cpp).
void registerCudaElementwiseKernels(KernelRegistry &registry);
/// linear, linear_grad_{input,weight,bias} (LinearKernels.cpp).
void registerCudaLinearKernels(KernelRegistry &registry);
/// mse_loss(_grad), rel_l2_loss(_grad) (LossKernels.cpp).
void registerCudaLossKernels(KernelRegistry &registry);
/// adam, clip_by_norm, grad_global_norm, step_increment (OptimKernels.cpp).
void registerCudaOptimKernels(KernelRegistry &registry);
/// spectral_conv (SpectralKernels.cpp).
void registerCudaSpectralKernels(KernelRegistry &registry);

} // namespace shodh::cuda
