//===- ScratchPool.cpp - Scratch memory shared by a session's kernels -----===//
#include "runtime/core/ScratchPool.h"
#include "runtime/core/Kernel.h"

namespace shodh {

namespace {

/// `buffer` grown to at least `bytes` (reallocated, contents dropped).
uint8_t *growTo(AlignedBuffer &buffer, uint64_t bytes) {
  if (buffer.size() < bytes)
    buffer = AlignedBuffer(bytes);
  return buffer.data();
}

} // namespace

uint8_t *ScratchPool::acquire(uint64_t bytes) { return growTo(buffer_, bytes); }

uint8_t *ScratchPool::acquire(KernelContext &ctx, AlignedBuffer &own,
                              uint64_t bytes) {
  return ctx.scratch ? ctx.scratch->acquire(bytes) : growTo(own, bytes);
}

} // namespace shodh
