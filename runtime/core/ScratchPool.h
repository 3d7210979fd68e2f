//===- ScratchPool.h - Scratch memory shared by a session's kernels -------===//
//
// The kernels of a session run one after another, so the working memory a
// kernel needs only while it runs (truncated spectra, GEMM panels) can be one
// buffer for all of them instead of one per call site: `acquire` returns a
// block of at least the requested size, valid until the next `acquire`, i.e.
// for the rest of the calling kernel's `run`; it grows (to the largest
// request so far) and never shrinks. Contents are unspecified. A kernel run
// outside a session (tests, tools) gets no pool (`KernelContext::scratch` is
// null) and uses memory of its own: `ScratchPool::acquire(ctx, own, bytes)`
// does either. docs/runtime.md § Memory planning.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/AlignedBuffer.h"

#include <cstdint>

namespace shodh {

struct KernelContext;

/// See the file comment.
class ScratchPool {
public:
  /// At least `bytes` bytes aligned to kTensorAlignment; throws `Error` if
  /// the memory cannot be allocated.
  uint8_t *acquire(uint64_t bytes);
  /// `bytes` rounded up to a multiple of kTensorAlignment (to place
  /// several blocks in one acquired buffer).
  static uint64_t roundUp(uint64_t bytes) {
    return (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  }
  /// Bytes held now.
  uint64_t capacity() const { return buffer_.size(); }

  /// `ctx.scratch->acquire(bytes)` when the kernel runs in a session, else
  /// `own` grown to `bytes` (the kernel's own buffer).
  static uint8_t *acquire(KernelContext &ctx, AlignedBuffer &own,
                          uint64_t bytes);

private:
  AlignedBuffer buffer_;
};

} // namespace shodh
