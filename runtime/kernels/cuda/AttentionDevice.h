//===- AttentionDevice.h - Per-row code of the CUDA attention kernels -----===//
//
// The row work of cpu/attention/AttentionCore.cpp written once as
// `__host__ __device__` functions: Attention.cu runs one per score row
// (nvcc --fmad=false) and a host test (AttentionModesTest.cpp) runs them
// around the CPU's own GEMMs and compares bitwise with headForward /
// headBackward. `softmaxRow` takes the exponential as a parameter: the
// device passes CUDA `expf`, the host test the CPU's vecmath::exp. Also the
// two scalar losses of the CUDA aux kernels (aux_loss_grad, allocation_kl;
// cpu/control/AuxLossGrad.cpp, cpu/moe/RouterLosses.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define SHODH_ATTN_HD __host__ __device__
#else
#define SHODH_ATTN_HD
#endif

namespace shodh::cuda {

/// sum a[j] (or a[j] b[j]) over j < n in double, in four interleaved
/// partial sums added in a fixed order (AttentionCore's sumDouble).
SHODH_ATTN_HD inline double attnSumDouble(const float *a, int64_t n,
                                          const float *b = nullptr) {
  double part[4] = {0.0, 0.0, 0.0, 0.0};
  int64_t j = 0;
  for (; j + 4 <= n; j += 4)
    for (int l = 0; l < 4; ++l)
      part[l] += b ? double(a[j + l]) * b[j + l] : double(a[j + l]);
  for (; j < n; ++j)
    part[0] += b ? double(a[j]) * b[j] : double(a[j]);
  return (part[0] + part[1]) + (part[2] + part[3]);
}

/// In place: row = softmax(row) over t scores (row maximum as
/// std::max_element, exp(x - m), 1 / double sum rounded to f32, scaled).
template <typename Exp>
SHODH_ATTN_HD inline void softmaxRow(float *row, int64_t t, Exp exp) {
  float m = row[0];
  for (int64_t j = 1; j < t; ++j)
    if (m < row[j])
      m = row[j];
  for (int64_t j = 0; j < t; ++j)
    row[j] = exp(row[j] - m);
  float inv = float(1.0 / attnSumDouble(row, t));
  for (int64_t j = 0; j < t; ++j)
    row[j] *= inv;
}

/// In place: dp = p * (dp - rowsum(p * dp)), the sum in double rounded to
/// f32 (the score gradient of one row).
SHODH_ATTN_HD inline void softmaxGradRow(const float *p, float *dp, int64_t t) {
  float c = float(attnSumDouble(p, t, dp));
  for (int64_t j = 0; j < t; ++j)
    dp[j] = p[j] * (dp[j] - c);
}

/// aux_loss_grad: coefficient · weight in double, rounded once.
SHODH_ATTN_HD inline float auxLossSeed(double coefficient,
                                       const float *weight) {
  return static_cast<float>(coefficient * (weight ? double(*weight) : 1.0));
}

/// allocation_kl from exact expert counts: Σ f log(f / prior) over f > 0,
/// f = count / assignments (0 without assignments), in expert order;
/// prior null: uniform 1/E.
SHODH_ATTN_HD inline float allocationKlOf(const int64_t *counts,
                                          int64_t assignments,
                                          const double *prior, int64_t e) {
  double kl = 0.0, de = double(e);
  for (int64_t i = 0; i < e; ++i) {
    double f = assignments ? double(counts[i]) / double(assignments) : 0.0;
    if (f > 0.0)
      kl += f * log(f / (prior ? prior[i] : 1.0 / de));
  }
  return float(kl);
}

} // namespace shodh::cuda
