//===- PhysicsKernels.cpp - Registration of the CPU physics kernels ===//
#include "runtime/kernels/cpu/physics/PhysicsKernels.h"
#include "runtime/core/Kernel.h"

namespace shodh {

void registerCpuPhysicsKernels(KernelRegistry &registry) { (void)registry; }

} // namespace shodh
