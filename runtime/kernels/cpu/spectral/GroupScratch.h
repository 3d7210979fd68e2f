//===- GroupScratch.h - Scratch of the fused layers' grouped form ---------===//
//
// The fused Fourier layer and its gradient (spectral/SpectralConv.cpp,
// grad/SpectralConvGrad.cpp) run group by group, each thread chunk with its
// own A tile for ModeGemm::runPacked and its own cached sum of one batch
// element's output grids, all against the weight packed once. This lays
// that scratch out in one block of the session's pool (ScratchPool.h) and
// packs the weight into it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Kernel.h"
#include "runtime/core/ScratchPool.h"
#include "runtime/kernels/cpu/spectral/ModeGemm.h"

#include <cstdint>

namespace shodh {

/// See the file comment. Valid for the rest of the calling kernel's `run`.
class GroupScratch {
public:
  /// Acquires the block (from ctx's pool, else `own`) and packs `b` with
  /// `gemm.packB` over ctx's pool; `sumFloats`: one chunk's sum.
  GroupScratch(KernelContext &ctx, AlignedBuffer &own, const ModeGemm &gemm,
               const cfloat *b, int64_t sumFloats, int chunks)
      : packedBytes_(ScratchPool::roundUp(uint64_t(gemm.packedBFloats()) *
                                          sizeof(float))),
        tileBytes_(ScratchPool::roundUp(uint64_t(gemm.packedScratchFloats()) *
                                        sizeof(float))),
        chunkBytes_(tileBytes_ +
                    ScratchPool::roundUp(uint64_t(sumFloats) * sizeof(float))) {
    mem_ = ScratchPool::acquire(ctx, own,
                                packedBytes_ + uint64_t(chunks) * chunkBytes_);
    gemm.packB(ctx.pool, b, packedB());
  }
  /// The packed second operand (runPacked's `packedB`).
  float *packedB() const { return reinterpret_cast<float *>(mem_); }
  /// Chunk c's A tile (runPacked's `scratch`).
  float *tile(int c) const {
    return reinterpret_cast<float *>(mem_ + packedBytes_ +
                                     uint64_t(c) * chunkBytes_);
  }
  /// Chunk c's sum.
  float *sum(int c) const {
    return reinterpret_cast<float *>(mem_ + packedBytes_ +
                                     uint64_t(c) * chunkBytes_ + tileBytes_);
  }

private:
  uint64_t packedBytes_, tileBytes_, chunkBytes_;
  uint8_t *mem_ = nullptr;
};

} // namespace shodh
