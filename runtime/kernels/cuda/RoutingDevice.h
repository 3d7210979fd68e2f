//===- RoutingDevice.h - Per-element code of the CUDA routing kernels -----===//
//
// The work of one thread of the CUDA patch, router, top_k, combine and
// router-loss kernels, written once as `__host__ __device__` functions:
// Routing.cu, Ragged.cu and RouterLoss.cu run one per thread (nvcc
// --fmad=false), and a host test (test/unit/cuda/RoutingModesTest.cpp) runs
// them for every element without a GPU and compares them bitwise with the
// CPU kernels (cpu/moe/PatchKernels.cpp, RouterKernels.cpp,
// DispatchKernels.cpp, RouterLosses.cpp). Each function is the CPU kernel's
// arithmetic for one element, row or slot, in its order and precision.
// The stable sort of dispatch and the inverse of `source` are in
// DispatchDevice.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define SHODH_ROUTING_HD __host__ __device__
#else
#define SHODH_ROUTING_HD
#endif

namespace shodh::cuda {

// ---- patchify / unpatchify
// ---------------------------------------------------

/// The field [B, C, N_0, N_1, N_2] and tokens [B, P, C, p_0, p_1, p_2] of a
/// patch call (a 2-D call has N_0 = p_0 = 1).
struct PatchShape {
  int64_t batch = 0, channels = 0, patches = 0;
  int64_t grid[3] = {1, 1, 1}, patch[3] = {1, 1, 1};
};

/// Field index of token element `t` (row-major over the tokens).
SHODH_ROUTING_HD inline int64_t patchFieldIndex(const PatchShape &s,
                                                int64_t t) {
  const int64_t size = s.patch[0] * s.patch[1] * s.patch[2];
  const int64_t w = t % s.patch[2], j = (t / s.patch[2]) % s.patch[1];
  const int64_t i = (t / (s.patch[2] * s.patch[1])) % s.patch[0];
  const int64_t c = (t / size) % s.channels;
  const int64_t bp = t / (size * s.channels);
  const int64_t b = bp / s.patches, p = bp % s.patches;
  const int64_t nh = s.grid[1] / s.patch[1], nw = s.grid[2] / s.patch[2];
  const int64_t pd = p / (nh * nw), ph = (p / nw) % nh, pw = p % nw;
  const int64_t plane = s.grid[0] * s.grid[1] * s.grid[2];
  return (b * s.channels + c) * plane +
         ((pd * s.patch[0] + i) * s.grid[1] + ph * s.patch[1] + j) * s.grid[2] +
         pw * s.patch[2] + w;
}

// ---- router, router_grad
// -----------------------------------------------------

/// One token of router after the GEMM: z += bias (f32, if any), then
/// p = softmax(z / temperature) in double.
SHODH_ROUTING_HD inline void routerRow(float *z, const float *bias, float *p,
                                       int64_t e, double temperature) {
  if (bias)
    for (int64_t i = 0; i < e; ++i)
      z[i] += bias[i];
  double max = -INFINITY;
  for (int64_t i = 0; i < e; ++i) {
    double v = double(z[i]) / temperature;
    max = max < v ? v : max; // std::max(max, v), NaN kept out as on the CPU
  }
  double sum = 0.0;
  for (int64_t i = 0; i < e; ++i)
    sum += exp(double(z[i]) / temperature - max);
  for (int64_t i = 0; i < e; ++i)
    p[i] = float(exp(double(z[i]) / temperature - max) / sum);
}

/// One token of router_grad: dz = p (dp - <dp, p>) / temperature [+ dl].
SHODH_ROUTING_HD inline void routerGradRow(const float *p, const float *dp,
                                           const float *dl, float *dz,
                                           int64_t e, double temperature) {
  double dot = 0.0;
  for (int64_t j = 0; j < e; ++j)
    dot += double(dp[j]) * double(p[j]);
  for (int64_t j = 0; j < e; ++j) {
    double v = double(p[j]) * (double(dp[j]) - dot) / temperature;
    dz[j] = float(dl ? v + double(dl[j]) : v);
  }
}

// ---- top_k, top_k_grad
// -------------------------------------------------------

/// True if expert `a` ranks before `b`: higher probability, ties (and NaN,
/// which ranks last) to the lower id.
SHODH_ROUTING_HD inline bool topKRanksBefore(const float *p, int64_t a,
                                             int64_t b) {
  float pa = p[a] != p[a] ? -INFINITY : p[a];
  float pb = p[b] != p[b] ? -INFINITY : p[b];
  return pa > pb || (pa == pb && a < b);
}

/// One token of top_k: k selection scans (an expert is taken when it is
/// among ids[0..j)), then the gates.
SHODH_ROUTING_HD inline void topKRow(const float *p, int64_t e, int64_t k,
                                     bool renormalize, float *gates,
                                     int64_t *ids) {
  double sum = 0.0;
  for (int64_t j = 0; j < k; ++j) {
    int64_t best = -1;
    for (int64_t i = 0; i < e; ++i) {
      bool taken = false;
      for (int64_t q = 0; q < j; ++q)
        taken = taken || ids[q] == i;
      if (!taken && (best < 0 || topKRanksBefore(p, i, best)))
        best = i;
    }
    ids[j] = best;
    sum += double(p[best]);
  }
  for (int64_t j = 0; j < k; ++j)
    gates[j] = !renormalize ? p[ids[j]]
               : sum > 0.0  ? float(double(p[ids[j]]) / sum)
                            : float(1.0 / double(k));
}

/// One token of top_k_grad. Returns the first j whose id is outside
/// [0, e) (the row is then left zero), or -1.
SHODH_ROUTING_HD inline int64_t topKGradRow(const float *p, const int64_t *ids,
                                            const float *dg, float *dp,
                                            int64_t e, int64_t k,
                                            bool renormalize) {
  for (int64_t i = 0; i < e; ++i)
    dp[i] = 0.0f;
  for (int64_t j = 0; j < k; ++j)
    if (ids[j] < 0 || ids[j] >= e)
      return j;
  if (!renormalize) {
    for (int64_t j = 0; j < k; ++j)
      dp[ids[j]] += dg[j];
    return -1;
  }
  double sum = 0.0, dot = 0.0;
  for (int64_t j = 0; j < k; ++j)
    sum += double(p[ids[j]]);
  if (!(sum > 0.0))
    return -1; // the forward's uniform fallback gates are constant
  for (int64_t j = 0; j < k; ++j)
    dot += double(dg[j]) * double(p[ids[j]]) / sum;
  for (int64_t j = 0; j < k; ++j)
    dp[ids[j]] += float((double(dg[j]) - dot) / sum);
  return -1;
}

// ---- combine, dispatch_grad, combine_grad
// ------------------------------------

/// y[t, i] = sum over the token's kept slots j (in order) of g[t k + j] *
/// o[row(t k + j), i]; g null: gates of 1 (dispatch_grad). `rowOf` is the
/// inverse of source (-1: dropped).
SHODH_ROUTING_HD inline float gatherSumAt(const float *o, const float *g,
                                          const int64_t *rowOf, int64_t t,
                                          int64_t i, int64_t k, int64_t len) {
  float acc = 0.0f;
  for (int64_t j = 0; j < k; ++j) {
    int64_t r = rowOf[t * k + j];
    if (r < 0)
      continue;
    const float gate = g ? g[t * k + j] : 1.0f;
    acc += gate * o[r * len + i];
  }
  return acc;
}

/// sum a[i] b[i] over [0, n) in double with 8 lanes (i mod 8) added in the
/// CPU's fixed order at the end (cpu/moe/RoutingSupport.h dotF64).
SHODH_ROUTING_HD inline double dotLanes(const float *a, const float *b,
                                        int64_t n) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l)
      lane[l] += double(a[i + l]) * double(b[i + l]);
  for (int l = 0; i < n; ++i, ++l)
    lane[l] += double(a[i]) * double(b[i]);
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
         ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/// combine_grad's dout element (row r, i): g[a] dy[a / k, i] for the
/// assignment a = source[r] of a kept row, 0 for a dropped row (or a
/// source entry outside [0, rows), which the inversion reports).
SHODH_ROUTING_HD inline float combineGradOutAt(const float *dy, const float *g,
                                               const int64_t *source,
                                               int64_t kept, int64_t rows,
                                               int64_t r, int64_t i, int64_t k,
                                               int64_t len) {
  if (r >= kept)
    return 0.0f;
  int64_t a = source[r];
  if (a < 0 || a >= rows)
    return 0.0f;
  return g[a] * dy[(a / k) * len + i];
}

/// combine_grad's dgates of slot a: <dy[a / k], o[row(a)]> (0 if dropped).
SHODH_ROUTING_HD inline float combineGradGateAt(const float *dy, const float *o,
                                                const int64_t *rowOf, int64_t a,
                                                int64_t k, int64_t len) {
  int64_t r = rowOf[a];
  return r < 0 ? 0.0f : float(dotLanes(dy + (a / k) * len, o + r * len, len));
}

// ---- router losses
// -------------------------------------------------------------

/// Logarithms of the KL loss clamp their argument here (as the CPU).
constexpr double kRoutingLogFloor = 1e-30;

/// log(max(x, kRoutingLogFloor)).
SHODH_ROUTING_HD inline double routingSafeLog(double x) {
  return log(x > kRoutingLogFloor ? x : kRoutingLogFloor);
}

/// Mean of column i of the (n, e) rows, rows in order (0 when n = 0).
SHODH_ROUTING_HD inline double columnMeanAt(const float *x, int64_t n,
                                            int64_t e, int64_t i) {
  double m = 0.0;
  for (int64_t r = 0; r < n; ++r)
    m += double(x[r * e + i]);
  return n ? m / double(n) : 0.0;
}

/// logsumexp of one row of e logits.
SHODH_ROUTING_HD inline double rowLogSumExp(const float *z, int64_t e) {
  double max = -INFINITY, sum = 0.0;
  for (int64_t i = 0; i < e; ++i) {
    double v = double(z[i]);
    max = max < v ? v : max;
  }
  for (int64_t i = 0; i < e; ++i)
    sum += exp(double(z[i]) - max);
  return max + log(sum);
}

/// Fraction of the assignments going to an expert with `count` of them.
SHODH_ROUTING_HD inline double assignmentFraction(int64_t count,
                                                  int64_t assignments) {
  return assignments ? double(count) / double(assignments) : 0.0;
}

/// load_balance_loss_grad at column i: dloss E frac_i / n.
SHODH_ROUTING_HD inline float loadBalanceGradAt(double dloss, int64_t e,
                                                double frac, int64_t n) {
  return float(dloss * double(e) * frac / double(n));
}

/// router_z_loss_grad at (r, i): dloss 2 lse_r exp(z - lse_r) / n.
SHODH_ROUTING_HD inline float zLossGradAt(double dloss, double lse, float z,
                                          int64_t n) {
  return float(dloss * 2.0 * lse * exp(double(z) - lse) / double(n));
}

/// router_kl_loss_grad at (r, i) from the column mean a_i, prior_i and the
/// entropy's argument q: the probability p[r, i] (entropy_over "tokens") or
/// the mean of row r's sample (entropy_over "samples").
SHODH_ROUTING_HD inline float klLossGradAt(double dloss, double mean,
                                           double prior, double q, double beta,
                                           int64_t n) {
  double kl = routingSafeLog(mean / prior) + 1.0;
  double ent = routingSafeLog(q) + 1.0;
  return float(dloss * (kl - beta * ent) / double(n));
}

/// -p log p of one probability (0 unless p > 0).
SHODH_ROUTING_HD inline double entropyTerm(float p) {
  return p > 0.0f ? -(double(p) * log(double(p))) : 0.0;
}

/// -q log q of one mean probability in double (0 unless q > 0).
SHODH_ROUTING_HD inline double entropyTermOf(double q) {
  return q > 0.0 ? -(q * log(q)) : 0.0;
}

/// sum_i a_i log(a_i / prior_i) over a_i > 0; uniform prior when null.
SHODH_ROUTING_HD inline double klToPriorOf(const double *a, const double *prior,
                                           int64_t e) {
  double kl = 0.0;
  for (int64_t i = 0; i < e; ++i)
    if (a[i] > 0.0)
      kl += a[i] * log(a[i] / (prior ? prior[i] : 1.0 / double(e)));
  return kl;
}

} // namespace shodh::cuda
