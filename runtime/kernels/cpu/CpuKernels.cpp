//===- CpuKernels.cpp - Registration of every CPU kernel ------------------===//
//
// The single registration file of the CPU backend: one line per kernel name.
// Kernel families live in their own files (Linear.cpp, Gelu.cpp,
// Elementwise.cpp); the contracts are listed in docs/runtime.md § Kernels.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/Elementwise.h"
#include "runtime/kernels/cpu/Gelu.h"
#include "runtime/kernels/cpu/Linear.h"
#include "runtime/kernels/cpu/attention/AttentionKernels.h"
#include "runtime/kernels/cpu/control/ControlKernels.h"
#include "runtime/kernels/cpu/mlp/ChannelMlp.h"
#include "runtime/kernels/cpu/moe/ExpertKernels.h"
#include "runtime/kernels/cpu/moe/RoutingKernels.h"
#include "runtime/kernels/cpu/nn/NnKernels.h"
#include "runtime/kernels/cpu/physics/PhysicsKernels.h"
#include "runtime/kernels/cpu/grad/GradKernels.h"
#include "runtime/kernels/cpu/optim/OptimKernels.h"
#include "runtime/kernels/cpu/spectral/SpectralKernels.h"

namespace shodh {

void registerCpuKernels(KernelRegistry &registry) {
  registry.add("add", Backend::Cpu, makeAddKernel);
  registry.add("copy", Backend::Cpu, makeCopyKernel);
  registry.add("gelu", Backend::Cpu, makeGeluKernel);
  registry.add("linear", Backend::Cpu, makeLinearKernel);
  registry.add("channel_mlp", Backend::Cpu, makeChannelMlpKernel);
  registry.add("channel_mlp_grad", Backend::Cpu, makeChannelMlpGradKernel);
  registry.add("channel_mlp_mse_grad", Backend::Cpu, makeChannelMlpMseGradKernel);
  registry.add("mul", Backend::Cpu, makeMulKernel);
  registerCpuSpectralKernels(registry);
  registerCpuGradKernels(registry);
  registerCpuOptimKernels(registry);
  registerCpuRoutingKernels(registry);
  registerCpuExpertKernels(registry);
  registerCpuControlKernels(registry);
  registerCpuPhysicsKernels(registry);
  registerCpuNnKernels(registry);
  registerCpuAttentionKernels(registry);
}

} // namespace shodh
