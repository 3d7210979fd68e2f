//===- AttentionKernels.h - CPU multi-head attention kernels ----*- C++ -*-===//
//
// Registration of the CPU kernels attention, attention_heads and
// attention_heads_grad (contract in AttentionKernels.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

namespace shodh {

class KernelRegistry;

/// Registers the attention kernels.
void registerCpuAttentionKernels(KernelRegistry &registry);

} // namespace shodh
