//===- GradKernels.h - Registration of the CPU gradient and loss kernels --===//
//
// linear_grad_{input,weight,bias} (LinearGrad.h), gelu_grad (GeluGrad.h),
// spectral_conv_grad_{input,weight} (SpectralConvGrad.h), rfft_grad,
// irfft_grad, spectral_contract_grad_{input,weight} (SpectralGrad.h) and the
// losses mse_loss, rel_l2_loss with their gradients (Losses.h). Contracts:
// docs/runtime.md § Training kernels.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds the gradient and loss kernels (CPU) to `registry`.
void registerCpuGradKernels(KernelRegistry &registry);

} // namespace shodh
