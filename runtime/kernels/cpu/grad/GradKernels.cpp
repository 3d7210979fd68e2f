//===- GradKernels.cpp - Registration of the CPU gradient and loss kernels ===//
//
// One line per kernel name; the kernels live in their own files.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/grad/GradKernels.h"
#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/grad/GeluGrad.h"
#include "runtime/kernels/cpu/grad/LinearGrad.h"
#include "runtime/kernels/cpu/grad/Losses.h"
#include "runtime/kernels/cpu/grad/SpectralConvGrad.h"
#include "runtime/kernels/cpu/grad/SpectralGrad.h"

namespace shodh {

void registerCpuGradKernels(KernelRegistry &registry) {
  auto add = [&](const char *name, KernelFactory f) {
    registry.add(name, Backend::Cpu, std::move(f));
  };
  add("gelu_grad", makeGeluGradKernel);
  add("irfft_grad", makeIrfftGradKernel);
  add("linear_grad_bias", makeLinearGradBiasKernel);
  add("linear_grad_input", makeLinearGradInputKernel);
  add("linear_grad_weight", makeLinearGradWeightKernel);
  add("linear_grad_params", makeLinearGradParamsKernel);
  add("mean_square", makeMeanSquareKernel);
  add("mean_square_grad", makeMeanSquareGradKernel);
  add("mse_loss", makeMseLossKernel);
  add("mse_loss_grad", makeMseLossGradKernel);
  add("rel_l2_loss", makeRelL2LossKernel);
  add("rel_l2_loss_grad", makeRelL2LossGradKernel);
  add("rfft_grad", makeRfftGradKernel);
  add("spectral_contract_grad_input", makeSpectralContractGradInputKernel);
  add("spectral_contract_grad_weight", makeSpectralContractGradWeightKernel);
  add("spectral_conv_grad", makeSpectralConvGradKernel);
  add("spectral_conv_grad_input", makeSpectralConvGradInputKernel);
  add("spectral_conv_grad_weight", makeSpectralConvGradWeightKernel);
}

} // namespace shodh
