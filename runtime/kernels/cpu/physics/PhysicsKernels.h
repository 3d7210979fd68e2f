//===- PhysicsKernels.h - Registration of the CPU physics kernels ===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds div_free_project, divergence, curl and their gradients (CPU) to
/// `registry`.
void registerCpuPhysicsKernels(KernelRegistry &registry);

} // namespace shodh
