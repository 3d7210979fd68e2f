//===- AttentionCore.cpp - Scaled dot-product attention of one head -------===//
//
// Per block of n query rows: S = scale q_blk k^T (sgemm), a numerically
// stable softmax per row (subtract the row maximum, the vectorised
// vecmath::exp with relative error <= 3e-7, sum in double), then
// o_blk = P v. The backward pass recomputes P the same way and uses
// dP = dO_blk v^T, dS = P * (dP - rowsum(P * dP)) (sum in double),
// dq_blk = scale dS k, and accumulates dv += P^T dO_blk and
// dk += scale dS^T q_blk over the blocks in order. OpenBLAS runs
// single-threaded (the pool parallelises over heads), so results depend on
// neither the thread count nor the schedule.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cpu/attention/AttentionCore.h"
#include "runtime/kernels/cpu/VecMath.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

namespace shodh::attention {

namespace {

/// sum a[j] (or a[j] b[j]) over j < n in double, in four interleaved
/// partial sums added in a fixed order (shorter dependency chains).
double sumDouble(const float *a, int64_t n, const float *b = nullptr) {
  double part[4] = {0.0, 0.0, 0.0, 0.0};
  int64_t j = 0;
  for (; j + 4 <= n; j += 4)
    for (int l = 0; l < 4; ++l)
      part[l] += b ? double(a[j + l]) * b[j + l] : double(a[j + l]);
  for (; j < n; ++j)
    part[0] += b ? double(a[j]) * b[j] : double(a[j]);
  return (part[0] + part[1]) + (part[2] + part[3]);
}

/// P = softmax(scale q_blk k^T) for query rows [r0, r0 + n) into p (n x t).
void probabilities(const float *q, const float *k, int64_t ld, int64_t r0,
                   int64_t n, int64_t t, int64_t d, float *p) {
  float scale = float(1.0 / std::sqrt(double(d)));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), int(t), int(d),
              scale, q + r0 * ld, int(ld), k, int(ld), 0.0f, p, int(t));
  for (int64_t i = 0; i < n; ++i) {
    float *row = p + i * t;
    float m = *std::max_element(row, row + t);
    for (int64_t j = 0; j < t; ++j) // vectorised (VecMath.h)
      row[j] = vecmath::exp(row[j] - m);
    float inv = float(1.0 / sumDouble(row, t));
    for (int64_t j = 0; j < t; ++j)
      row[j] *= inv;
  }
}

} // namespace

void headForward(const float *q, const float *k, const float *v, int64_t ld,
                 float *o, int64_t ldo, int64_t t, int64_t d, float *scratch) {
  for (int64_t r0 = 0; r0 < t; r0 += kAttentionRowBlock) {
    int64_t n = std::min(kAttentionRowBlock, t - r0);
    probabilities(q, k, ld, r0, n, t, d, scratch);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(d),
                int(t), 1.0f, scratch, int(t), v, int(ld), 0.0f, o + r0 * ldo,
                int(ldo));
  }
}

void headBackward(const float *q, const float *k, const float *v, int64_t ld,
                  const float *dO, int64_t ldo, float *dq, float *dk,
                  float *dv, int64_t t, int64_t d, float *scratch) {
  float scale = float(1.0 / std::sqrt(double(d)));
  float *p = scratch, *dp = scratch + kAttentionRowBlock * t;
  for (int64_t r0 = 0; r0 < t; r0 += kAttentionRowBlock) {
    int64_t n = std::min(kAttentionRowBlock, t - r0);
    float beta = r0 == 0 ? 0.0f : 1.0f;
    probabilities(q, k, ld, r0, n, t, d, p);
    // dv (+)= P^T dO_blk.
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, int(t), int(d),
                int(n), 1.0f, p, int(t), dO + r0 * ldo, int(ldo), beta, dv,
                int(ld));
    // dP = dO_blk v^T, then dS = P * (dP - rowsum(P * dP)) in place.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), int(t),
                int(d), 1.0f, dO + r0 * ldo, int(ldo), v, int(ld), 0.0f, dp,
                int(t));
    for (int64_t i = 0; i < n; ++i) {
      const float *pr = p + i * t;
      float *dr = dp + i * t;
      float c = float(sumDouble(pr, t, dr));
      for (int64_t j = 0; j < t; ++j)
        dr[j] = pr[j] * (dr[j] - c);
    }
    // dq_blk = scale dS k; dk (+)= scale dS^T q_blk.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(d),
                int(t), scale, dp, int(t), k, int(ld), 0.0f, dq + r0 * ld,
                int(ld));
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, int(t), int(d),
                int(n), scale, dp, int(t), q + r0 * ld, int(ld), beta, dk,
                int(ld));
  }
}

} // namespace shodh::attention
