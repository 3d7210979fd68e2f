//===- RoutingKernels.h - Registration of the CPU routing kernels ===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds router, top_k, dispatch, combine, router losses and their gradients (CPU) to `registry`.
void registerCpuRoutingKernels(KernelRegistry &registry);

} // namespace shodh
