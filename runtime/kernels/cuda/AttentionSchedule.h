//===- AttentionSchedule.h - The GEMM/row schedule of CUDA attention ------===//
//
// The order of work of the CUDA attention_heads(_grad) kernels, written
// once over two callbacks so that a host test (AttentionModesTest.cpp) can
// run the same schedule with OpenBLAS and the row code of
// AttentionDevice.h and compare it bitwise with the CPU's headForward /
// headBackward (cpu/attention/AttentionCore.cpp). Per batch entry and per
// block of kAttentionRowBlock query rows, each GEMM covers every head as
// one strided batch (heads are d floats apart in qkv and o):
//   forward:  P = scale q_blk k^T; softmax rows; o_blk = P v
//   backward: P recomputed; dv (+)= P^T dO_blk; dP = dO_blk v^T;
//             dS = P (dP - rowsum(P dP)); dq_blk = scale dS k;
//             dk (+)= scale dS^T q_blk (beta 1 after the first block)
// `gemm(ta, tb, m, n, k, alpha, A, B, beta, C, batch)` is a row-major
// C (m x n) = alpha op(A) op(B) + beta C on `batch` entries;
// `rows(kind, p, dp, count, t)` runs the softmax (dp null) or its
// gradient on `count` rows of t floats.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/kernels/cpu/attention/AttentionCore.h"
#include "runtime/kernels/cuda/RowMajorGemm.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace shodh::cuda {

/// Extents of an attention_heads call: batch, tokens, channels, heads.
struct AttentionDims {
  int64_t b = 0, t = 0, c = 0, heads = 1;
  int64_t d() const { return c / heads; }
  /// Floats of score scratch (twice this for the gradient).
  int64_t blockFloats() const {
    return heads * attention::kAttentionRowBlock * t;
  }
};

/// o = attention_heads(qkv), or dqkv when `dy` is set; `scratch` holds
/// blockFloats() (forward) or twice that (gradient) floats.
template <typename Gemm, typename Rows>
void attentionSchedule(const AttentionDims &s, const float *qkv,
                       const float *dy, float *out, float *scratch, Gemm gemm,
                       Rows rows) {
  using In = BatchedMat<const float>;
  const int64_t c = s.c, ld = 3 * c, t = s.t, d = s.d(), h = s.heads;
  const float scale = float(1.0 / std::sqrt(double(d)));
  float *p = scratch, *dp = scratch + s.blockFloats();
  for (int64_t b = 0; b < s.b; ++b) {
    const float *q = qkv + b * t * ld, *k = q + c, *v = q + 2 * c;
    for (int64_t r0 = 0; r0 < t; r0 += attention::kAttentionRowBlock) {
      const int64_t n = std::min(attention::kAttentionRowBlock, t - r0);
      const int64_t nt = n * t;
      gemm(false, true, n, t, d, scale, In{q + r0 * ld, ld, d}, In{k, ld, d},
           0.0f, BatchedMat<float>{p, t, nt}, h);
      rows(p, nullptr, h * n, t);
      if (!dy) {
        gemm(false, false, n, d, t, 1.0f, In{p, t, nt}, In{v, ld, d}, 0.0f,
             BatchedMat<float>{out + (b * t + r0) * c, c, d}, h);
        continue;
      }
      const float *dO = dy + (b * t + r0) * c;
      float *dq = out + b * t * ld, *dk = dq + c, *dv = dq + 2 * c;
      const float beta = r0 == 0 ? 0.0f : 1.0f;
      gemm(true, false, t, d, n, 1.0f, In{p, t, nt}, In{dO, c, d}, beta,
           BatchedMat<float>{dv, ld, d}, h);
      gemm(false, true, n, t, d, 1.0f, In{dO, c, d}, In{v, ld, d}, 0.0f,
           BatchedMat<float>{dp, t, nt}, h);
      rows(p, dp, h * n, t);
      gemm(false, false, n, d, t, scale, In{dp, t, nt}, In{k, ld, d}, 0.0f,
           BatchedMat<float>{dq + r0 * ld, ld, d}, h);
      gemm(true, false, t, d, n, scale, In{dp, t, nt}, In{q + r0 * ld, ld, d},
           beta, BatchedMat<float>{dk, ld, d}, h);
    }
  }
}

} // namespace shodh::cuda
