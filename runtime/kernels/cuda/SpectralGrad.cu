//===- SpectralGrad.cu - Per-mode contractions of spectral_conv's grads ---===//
//
// See SpectralGradLaunch.h. Complex products in PyTorch's gradient
// convention: a * conj(c) for the input gradient, conj(x) * dy for the
// weight gradient.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/SpectralGradLaunch.h"

namespace shodh::cuda {

namespace {

__global__ void adjointKernel(const float2 *dy, const float2 *w, float2 *dx,
                              int64_t I, int64_t O, int64_t K, int64_t n) {
  for (int64_t e = gridStart(); e < n; e += gridStride()) {
    const int64_t k = e % K, i = (e / K) % I, b = e / (K * I);
    float re = 0.0f, im = 0.0f;
    for (int64_t o = 0; o < O; ++o) {
      float2 a = dy[(b * O + o) * K + k], c = w[(i * O + o) * K + k];
      re += a.x * c.x + a.y * c.y; // a * conj(c)
      im += a.y * c.x - a.x * c.y;
    }
    dx[e] = make_float2(re, im);
  }
}

__global__ void weightGradKernel(const float2 *x, const float2 *dy,
                                 const float *scale, float2 *dw, int64_t B,
                                 int64_t I, int64_t O, int64_t K, int64_t n) {
  for (int64_t e = gridStart(); e < n; e += gridStride()) {
    const int64_t k = e % K, o = (e / K) % O, i = e / (K * O);
    float re = 0.0f, im = 0.0f;
    for (int64_t b = 0; b < B; ++b) {
      float2 a = x[(b * I + i) * K + k], c = dy[(b * O + o) * K + k];
      re += a.x * c.x + a.y * c.y; // conj(a) * c
      im += a.x * c.y - a.y * c.x;
    }
    dw[e] = make_float2(re * scale[k], im * scale[k]);
  }
}

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

} // namespace

void launchModeContractAdjoint(const void *dy, const void *w, void *dx,
                               int64_t B, int64_t I, int64_t O, int64_t K,
                               Stream s) {
  int64_t n = B * I * K;
  if (n == 0)
    return;
  SHODH_LAUNCH(adjointKernel, blocksFor(n), kThreads, st(s),
               static_cast<const float2 *>(dy), static_cast<const float2 *>(w),
               static_cast<float2 *>(dx), I, O, K, n);
}

void launchModeWeightGrad(const void *x, const void *dy, const float *scale,
                          void *dw, int64_t B, int64_t I, int64_t O, int64_t K,
                          Stream s) {
  int64_t n = I * O * K;
  if (n == 0)
    return;
  SHODH_LAUNCH(weightGradKernel, blocksFor(n), kThreads, st(s),
               static_cast<const float2 *>(x), static_cast<const float2 *>(dy),
               scale, static_cast<float2 *>(dw), B, I, O, K, n);
}

} // namespace shodh::cuda
