//===- NnKernels.h - Registration of the CPU conv / layer_norm kernels ----===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Adds conv, conv_transpose, layer_norm and their gradients (CPU) to
/// `registry`.
void registerCpuNnKernels(KernelRegistry &registry);

} // namespace shodh
