//===- ControlKernels.cpp - Registration of the CPU control kernels -------===//
//
// One line per kernel name; the kernels live in their own files.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/control/ControlKernels.h"
#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/control/AuxLossGrad.h"
#include "runtime/kernels/cpu/control/PiController.h"

namespace shodh {

void registerCpuControlKernels(KernelRegistry &registry) {
  registry.add("aux_loss_grad", Backend::Cpu, makeAuxLossGradKernel);
  registry.add("pi_update", Backend::Cpu, makePiUpdateKernel);
}

} // namespace shodh
