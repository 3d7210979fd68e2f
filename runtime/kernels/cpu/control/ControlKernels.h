//===- ControlKernels.h - Registration of the CPU control kernels ===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds the PI controller update (CPU) to `registry`.
void registerCpuControlKernels(KernelRegistry &registry);

} // namespace shodh
