//===- ExpertKernels.cpp - Registration of the CPU expert kernels ===//
#include "runtime/kernels/cpu/moe/ExpertKernels.h"
#include "runtime/core/Kernel.h"
#include "runtime/kernels/cpu/moe/ExpertFno.h"
#include "runtime/kernels/cpu/moe/ExpertMlp.h"
#include "runtime/kernels/cpu/moe/ExpertMoe.h"
#include "runtime/kernels/cpu/moe/Interpolate.h"
#include "runtime/kernels/cpu/moe/PatchKernels.h"

namespace shodh {

void registerCpuExpertKernels(KernelRegistry &registry) {
  registry.add("expert_fno", Backend::Cpu, makeExpertFnoKernel);
  registry.add("expert_fno_grad", Backend::Cpu, makeExpertFnoGradKernel);
  registry.add("expert_mlp", Backend::Cpu, makeExpertMlpKernel);
  registry.add("expert_mlp_grad", Backend::Cpu, makeExpertMlpGradKernel);
  registry.add("interpolate", Backend::Cpu, makeInterpolateKernel);
  registry.add("interpolate_grad", Backend::Cpu, makeInterpolateGradKernel);
  registry.add("moe", Backend::Cpu, makeMoeKernel);
  registry.add("patchify", Backend::Cpu, makePatchifyKernel);
  registry.add("unpatchify", Backend::Cpu, makeUnpatchifyKernel);
  registry.add("reshape", Backend::Cpu, makeReshapeKernel);
}

} // namespace shodh
