//===- OptimKernels.h - Registration of the CPU optimizer kernels ---------===//
//
// adam (Adam.h), step_increment (StepIncrement.h), grad_global_norm and
// clip_by_norm (GradNorm.h). Contracts: docs/runtime.md § Training kernels.
//
//===----------------------------------------------------------------------===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds the optimizer kernels (CPU) to `registry`.
void registerCpuOptimKernels(KernelRegistry &registry);

} // namespace shodh
