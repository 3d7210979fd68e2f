//===- ControlKernels.cpp - Registration of the CPU control kernels ===//
#include "runtime/kernels/cpu/control/ControlKernels.h"
#include "runtime/core/Kernel.h"

namespace shodh {

void registerCpuControlKernels(KernelRegistry &registry) { (void)registry; }

} // namespace shodh
