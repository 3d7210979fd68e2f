//===- Spectral.cu - Mode gather/scatter and the per-mode contraction -----===//
//
// spectral_conv on the GPU (SpectralKernels.cpp) is cuFFT r2c -> gather the
// kept modes (SpectralLayout.h) -> contract channels per mode -> scatter
// into a zeroed half spectrum with the inverse's 1/N -> cuFFT c2r. The
// contraction sums the input channels in order in one thread per output
// element: no atomics, so results repeat exactly.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

namespace {

__global__ void gatherKernel(const float2 *half, float2 *trunc,
                             const int64_t *index, int64_t halfSize,
                             int64_t truncSize, int64_t n) {
  for (int64_t i = gridStart(); i < n; i += gridStride())
    trunc[i] = half[(i / truncSize) * halfSize + index[i % truncSize]];
}

__global__ void scatterKernel(const float2 *trunc, float2 *half,
                              const int64_t *index, int64_t halfSize,
                              int64_t truncSize, float scale, int64_t n) {
  for (int64_t i = gridStart(); i < n; i += gridStride()) {
    float2 v = trunc[i];
    half[(i / truncSize) * halfSize + index[i % truncSize]] =
        make_float2(v.x * scale, v.y * scale);
  }
}

__global__ void contractKernel(const float2 *x, const float2 *w, float2 *out,
                               int64_t I, int64_t O, int64_t K, int64_t n) {
  for (int64_t e = gridStart(); e < n; e += gridStride()) {
    const int64_t k = e % K, o = (e / K) % O, b = e / (K * O);
    float re = 0.0f, im = 0.0f;
    for (int64_t i = 0; i < I; ++i) {
      float2 a = x[(b * I + i) * K + k], c = w[(i * O + o) * K + k];
      re += a.x * c.x - a.y * c.y;
      im += a.x * c.y + a.y * c.x;
    }
    out[e] = make_float2(re, im);
  }
}

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

} // namespace

void launchGatherModes(const void *half, void *trunc, const int64_t *index,
                       int64_t rows, int64_t halfSize, int64_t truncSize,
                       Stream s) {
  int64_t n = rows * truncSize;
  if (n == 0)
    return;
  SHODH_LAUNCH(gatherKernel, blocksFor(n), kThreads, st(s),
               static_cast<const float2 *>(half), static_cast<float2 *>(trunc),
               index, halfSize, truncSize, n);
}

void launchScatterModes(const void *trunc, void *half, const int64_t *index,
                        int64_t rows, int64_t halfSize, int64_t truncSize,
                        float scale, Stream s) {
  int64_t n = rows * truncSize;
  if (n == 0)
    return;
  SHODH_LAUNCH(scatterKernel, blocksFor(n), kThreads, st(s),
               static_cast<const float2 *>(trunc), static_cast<float2 *>(half),
               index, halfSize, truncSize, scale, n);
}

void launchModeContract(const void *x, const void *w, void *out, int64_t B,
                        int64_t I, int64_t O, int64_t K, Stream s) {
  int64_t n = B * O * K;
  if (n == 0)
    return;
  SHODH_LAUNCH(contractKernel, blocksFor(n), kThreads, st(s),
               static_cast<const float2 *>(x), static_cast<const float2 *>(w),
               static_cast<float2 *>(out), I, O, K, n);
}

} // namespace shodh::cuda
