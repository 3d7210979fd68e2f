//===- RouterLoss.cu - Device code of the router losses -------------------===//
//
// load_balance_loss, router_z_loss, router_kl_loss and their gradients with
// the per-element functions of RoutingDevice.h. Expert counts are an exact
// integer histogram; column means run one thread per column over the rows
// in order (the CPU's order, so bitwise); the two long sums (z-loss's
// lse^2 over rows, KL's entropy over all elements or sample means) are strided
// double partials of one block added in a fixed tree (Common.cuh blockSum): no
// float atomics, the same bits on every run, and within double rounding of
// the CPU's sequential sums.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cuda/RoutingLaunch.h"

namespace shodh::cuda {

namespace {

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

using ull = unsigned long long;

__device__ double dlossOf(const float *dloss) {
  return dloss ? double(*dloss) : 1.0;
}

__global__ void countKernel(const int64_t *ids, int64_t n, int64_t experts,
                            ull *counts, RoutingFault *fault) {
  for (int64_t a = gridStart(); a < n; a += gridStride()) {
    int64_t e = ids[a];
    if (e < 0 || e >= experts)
      atomicMin(reinterpret_cast<ull *>(&fault->firstBad), ull(a));
    else
      atomicAdd(&counts[e], 1ULL);
  }
}

__global__ void columnMeansKernel(const float *x, int64_t n, int64_t e,
                                  double *means) {
  for (int64_t i = gridStart(); i < e; i += gridStride())
    means[i] = columnMeanAt(x, n, e, i);
}

__global__ void loadBalanceKernel(const int64_t *counts, int64_t assignments,
                                  const double *means, int64_t e, float *out) {
  double sum = 0.0;
  for (int64_t i = 0; i < e; ++i)
    sum += assignmentFraction(counts[i], assignments) * means[i];
  *out = float(double(e) * sum);
}

__global__ void loadBalanceGradKernel(const float *dloss, const int64_t *counts,
                                      int64_t assignments, int64_t n, int64_t e,
                                      float *out) {
  const double d = dlossOf(dloss);
  for (int64_t idx = gridStart(); idx < n * e; idx += gridStride())
    out[idx] = loadBalanceGradAt(
        d, e, assignmentFraction(counts[idx % e], assignments), n);
}

__global__ void rowLseKernel(const float *z, int64_t n, int64_t e,
                             double *lse) {
  for (int64_t r = gridStart(); r < n; r += gridStride())
    lse[r] = rowLogSumExp(z + r * e, e);
}

__global__ void zLossKernel(const double *lse, int64_t n, float *out) {
  __shared__ double shared[kThreads];
  double acc = 0.0;
  for (int64_t r = threadIdx.x; r < n; r += kThreads)
    acc += lse[r] * lse[r];
  double total = blockSum(acc, shared);
  if (threadIdx.x == 0)
    *out = float(n ? total / double(n) : 0.0);
}

__global__ void zLossGradKernel(const float *dloss, const float *z,
                                const double *lse, int64_t n, int64_t e,
                                float *out) {
  const double d = dlossOf(dloss);
  for (int64_t idx = gridStart(); idx < n * e; idx += gridStride())
    out[idx] = zLossGradAt(d, lse[idx / e], z[idx], n);
}

/// means[b * e + i]: column i's mean over the t rows of sample b.
__global__ void sampleMeansKernel(const float *x, int64_t t, int64_t samples,
                                  int64_t e, double *means) {
  for (int64_t j = gridStart(); j < samples * e; j += gridStride())
    means[j] = columnMeanAt(x + (j / e) * t * e, t, e, j % e);
}

/// sampleMeans null: the entropy of every row (n of them); else of the
/// `samples` mean rows.
__global__ void klLossKernel(const float *p, const double *means,
                             const double *prior, double beta, int64_t n,
                             int64_t e, const double *sampleMeans,
                             int64_t samples, float *out) {
  __shared__ double shared[kThreads];
  double acc = 0.0;
  if (sampleMeans)
    for (int64_t j = threadIdx.x; j < samples * e; j += kThreads)
      acc += entropyTermOf(sampleMeans[j]);
  else
    for (int64_t j = threadIdx.x; j < n * e; j += kThreads)
      acc += entropyTerm(p[j]);
  double entropy = blockSum(acc, shared);
  const int64_t rows = sampleMeans ? samples : n;
  if (threadIdx.x == 0)
    *out = float(klToPriorOf(means, prior, e) +
                 beta * (rows ? entropy / double(rows) : 0.0));
}

__global__ void klLossGradKernel(const float *dloss, const float *p,
                                 const double *means, const double *prior,
                                 double beta, int64_t n, int64_t e,
                                 const double *sampleMeans, int64_t t,
                                 float *out) {
  const double d = dlossOf(dloss);
  for (int64_t idx = gridStart(); idx < n * e; idx += gridStride()) {
    const int64_t i = idx % e;
    const double q =
        sampleMeans ? sampleMeans[(idx / e / t) * e + i] : double(p[idx]);
    out[idx] = klLossGradAt(d, means[i], prior ? prior[i] : 1.0 / double(e), q,
                            beta, n);
  }
}

} // namespace

void launchExpertCounts(const int64_t *ids, int64_t assignments,
                        int64_t experts, int64_t *counts, RoutingFault *fault,
                        Stream stream) {
  SHODH_CUDA_CHECK(cudaMemsetAsync(counts, 0, sizeof(int64_t) * size_t(experts),
                                   st(stream)));
  if (assignments > 0)
    SHODH_LAUNCH(countKernel, blocksFor(assignments), kThreads, st(stream), ids,
                 assignments, experts, reinterpret_cast<ull *>(counts), fault);
}

void launchColumnMeans(const float *x, int64_t n, int64_t e, double *means,
                       Stream stream) {
  if (e > 0)
    SHODH_LAUNCH(columnMeansKernel, blocksFor(e), kThreads, st(stream), x, n, e,
                 means);
}

void launchLoadBalance(bool grad, const float *dloss, const int64_t *counts,
                       int64_t assignments, const double *means, int64_t n,
                       int64_t e, float *out, Stream stream) {
  if (!grad)
    SHODH_LAUNCH(loadBalanceKernel, 1, 1, st(stream), counts, assignments,
                 means, e, out);
  else if (n * e > 0)
    SHODH_LAUNCH(loadBalanceGradKernel, blocksFor(n * e), kThreads, st(stream),
                 dloss, counts, assignments, n, e, out);
}

void launchRowLse(const float *z, int64_t n, int64_t e, double *lse,
                  Stream stream) {
  if (n > 0)
    SHODH_LAUNCH(rowLseKernel, blocksFor(n), kThreads, st(stream), z, n, e,
                 lse);
}

void launchZLoss(bool grad, const float *dloss, const float *z,
                 const double *lse, int64_t n, int64_t e, float *out,
                 Stream stream) {
  if (!grad)
    SHODH_LAUNCH(zLossKernel, 1, kThreads, st(stream), lse, n, out);
  else if (n * e > 0)
    SHODH_LAUNCH(zLossGradKernel, blocksFor(n * e), kThreads, st(stream), dloss,
                 z, lse, n, e, out);
}

void launchSampleMeans(const float *x, int64_t t, int64_t n, int64_t e,
                       double *means, Stream stream) {
  const int64_t samples = t ? n / t : 0;
  if (samples * e > 0)
    SHODH_LAUNCH(sampleMeansKernel, blocksFor(samples * e), kThreads,
                 st(stream), x, t, samples, e, means);
}

void launchKlLoss(bool grad, const float *dloss, const float *p,
                  const double *means, const double *prior, double beta,
                  int64_t n, int64_t e, const double *sampleMeans, int64_t t,
                  float *out, Stream stream) {
  if (!grad)
    SHODH_LAUNCH(klLossKernel, 1, kThreads, st(stream), p, means, prior, beta,
                 n, e, sampleMeans, t ? n / t : 0, out);
  else if (n * e > 0)
    SHODH_LAUNCH(klLossGradKernel, blocksFor(n * e), kThreads, st(stream),
                 dloss, p, means, prior, beta, n, e, sampleMeans, t, out);
}

} // namespace shodh::cuda
