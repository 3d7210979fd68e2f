//===- AttentionCore.h - Scaled dot-product attention of one head -*- C++ -*-===//
//
// The per-(batch, head) math of the attention kernels on raw row-major
// pointers (AttentionCore.cpp). A head's q, k and v are T x d blocks with
// row stride `ld` (3C inside packed qkv); o and dO have row stride `ldo`
// (C). Query rows are processed in blocks of kAttentionRowBlock so the
// scratch is kAttentionRowBlock x T floats per score matrix, whatever T.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace shodh::attention {

/// Query rows per block of the score matrix.
constexpr int64_t kAttentionRowBlock = 64;

/// Floats of scratch `headForward` needs for T tokens.
inline int64_t forwardScratch(int64_t t) { return kAttentionRowBlock * t; }
/// Floats of scratch `headBackward` needs for T tokens.
inline int64_t backwardScratch(int64_t t) { return 2 * kAttentionRowBlock * t; }

/// o = softmax(q k^T / sqrt(d)) v for one head (T tokens, head size d).
void headForward(const float *q, const float *k, const float *v, int64_t ld,
                 float *o, int64_t ldo, int64_t t, int64_t d, float *scratch);

/// dq, dk, dv (row stride `ld`, overwritten) of one head given dO (row
/// stride `ldo`); recomputes the probabilities.
void headBackward(const float *q, const float *k, const float *v, int64_t ld,
                  const float *dO, int64_t ldo, float *dq, float *dk,
                  float *dv, int64_t t, int64_t d, float *scratch);

} // namespace shodh::attention
