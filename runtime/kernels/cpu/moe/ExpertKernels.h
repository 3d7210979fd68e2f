//===- ExpertKernels.h - Registration of the CPU expert kernels ===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds expert ops on ragged token groups, patchify/unpatchify, interpolate and their gradients (CPU) to `registry`.
void registerCpuExpertKernels(KernelRegistry &registry);

} // namespace shodh
