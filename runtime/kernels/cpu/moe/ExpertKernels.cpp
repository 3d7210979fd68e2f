//===- ExpertKernels.cpp - Registration of the CPU expert kernels ===//
#include "runtime/kernels/cpu/moe/ExpertKernels.h"
#include "runtime/core/Kernel.h"

namespace shodh {

void registerCpuExpertKernels(KernelRegistry &registry) { (void)registry; }

} // namespace shodh
