//===- LayerNorm.cu - Device code of the layer-norm kernels ---------------===//
//
// Grid-stride loops over positions calling the functions of
// LayerNormDevice.h, and the per-channel dgamma reduction (one block per
// channel, fixed-order tree, no atomics).
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/LayerNormDevice.h"

namespace shodh::cuda {

namespace {

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

__global__ void forwardKernel(NormShape s, const float *x, const float *gamma,
                              const float *beta, float *y, int64_t n) {
  for (int64_t p = gridStart(); p < n; p += gridStride())
    layerNormForwardAt(s, x, gamma, beta, y, p);
}

__global__ void gradInputKernel(NormShape s, const float *x, const float *gamma,
                                const float *dy, float *dx, int64_t n) {
  for (int64_t p = gridStart(); p < n; p += gridStride())
    layerNormGradInputAt(s, x, gamma, dy, dx, p);
}

__global__ void statsKernel(NormShape s, const float *x, double *mean,
                            double *rstd, int64_t n) {
  for (int64_t p = gridStart(); p < n; p += gridStride())
    layerNormStats(s, x, p, mean[p], rstd[p]);
}

/// One block per channel c0 + blockIdx.x.
__global__ void gradGammaKernel(NormShape s, const float *x, const float *dy,
                                const double *mean, const double *rstd,
                                float *dgamma, int64_t c0) {
  __shared__ double shared[kThreads];
  const int64_t c = c0 + blockIdx.x, n = s.outer * s.inner;
  double acc = 0.0;
  for (int64_t p = threadIdx.x; p < n; p += kThreads)
    acc += layerNormGammaTerm(s, x, dy, mean, rstd, c, p);
  double total = blockSum(acc, shared);
  if (threadIdx.x == 0)
    dgamma[c] = float(total);
}

} // namespace

void launchLayerNorm(const NormShape &s, const float *x, const float *gamma,
                     const float *beta, float *y, Stream stream) {
  int64_t n = s.outer * s.inner;
  if (n == 0 || s.channels == 0)
    return;
  SHODH_LAUNCH(forwardKernel, blocksFor(n), kThreads, st(stream), s, x, gamma,
               beta, y, n);
}

void launchLayerNormGradInput(const NormShape &s, const float *x,
                              const float *gamma, const float *dy, float *dx,
                              Stream stream) {
  int64_t n = s.outer * s.inner;
  if (n == 0 || s.channels == 0)
    return;
  SHODH_LAUNCH(gradInputKernel, blocksFor(n), kThreads, st(stream), s, x, gamma,
               dy, dx, n);
}

void launchLayerNormGradGamma(const NormShape &s, const float *x,
                              const float *dy, double *stats, float *dgamma,
                              Stream stream) {
  int64_t n = s.outer * s.inner;
  if (s.channels == 0)
    return;
  if (n > 0)
    SHODH_LAUNCH(statsKernel, blocksFor(n), kThreads, st(stream), s, x, stats,
                 stats + n, n);
  // Channels beyond the grid's x limit are launched in slices.
  for (int64_t c0 = 0; c0 < s.channels; c0 += 2147483647) {
    int64_t count = std::min<int64_t>(s.channels - c0, 2147483647);
    SHODH_LAUNCH(gradGammaKernel, unsigned(count), kThreads, st(stream), s, x,
                 dy, stats, stats + n, dgamma, c0);
  }
}

} // namespace shodh::cuda
