//===- RoutingKernels.cpp - Registration of the CPU routing kernels ===//
#include "runtime/kernels/cpu/moe/RoutingKernels.h"
#include "runtime/core/Kernel.h"

namespace shodh {

void registerCpuRoutingKernels(KernelRegistry &registry) { (void)registry; }

} // namespace shodh
