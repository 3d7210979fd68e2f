//===- NnKernels.cpp - Registration of the CPU conv / layer_norm kernels --===//
#include "runtime/kernels/cpu/nn/NnKernels.h"
#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/nn/ConvKernels.h"
#include "runtime/kernels/cpu/nn/LayerNormKernels.h"

namespace shodh {

void registerCpuNnKernels(KernelRegistry &registry) {
  registry.add("conv", Backend::Cpu, makeConvKernel);
  registry.add("conv_grad_input", Backend::Cpu, makeConvGradInputKernel);
  registry.add("conv_transpose", Backend::Cpu, makeConvTransposeKernel);
  registry.add("conv_grad_weight", Backend::Cpu, makeConvGradWeightKernel);
  registry.add("layer_norm", Backend::Cpu, makeLayerNormKernel);
  registry.add("layer_norm_grad_input", Backend::Cpu,
               makeLayerNormGradInputKernel);
  registry.add("layer_norm_grad_gamma", Backend::Cpu,
               makeLayerNormGradGammaKernel);
}

} // namespace shodh
