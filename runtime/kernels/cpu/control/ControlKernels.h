//===- ControlKernels.h - Registration of the CPU control kernels ===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds the control kernels (CPU) to `registry`: aux_loss_grad, pi_update.
void registerCpuControlKernels(KernelRegistry &registry);

} // namespace shodh
