//===- OptimKernels.cpp - Registration of the CPU optimizer kernels -------===//
//
// One line per kernel name; the kernels live in their own files.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/optim/OptimKernels.h"
#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/optim/Adam.h"
#include "runtime/kernels/cpu/optim/GradNorm.h"
#include "runtime/kernels/cpu/optim/StepIncrement.h"

namespace shodh {

void registerCpuOptimKernels(KernelRegistry &registry) {
  registry.add("adam", Backend::Cpu, makeAdamKernel);
  registry.add("clip_by_norm", Backend::Cpu, makeClipByNormKernel);
  registry.add("grad_global_norm", Backend::Cpu, makeGradGlobalNormKernel);
  registry.add("step_increment", Backend::Cpu, makeStepIncrementKernel);
}

} // namespace shodh
