//===- UnfusedSpectral.cu - Element steps of CUDA rfft, irfft and grads ---===//
//
// See UnfusedSpectralLaunch.h. Each kernel is a grid-stride loop over
// output elements running the functions of UnfusedSpectralDevice.h; no
// element depends on another's result, so results repeat exactly.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/UnfusedSpectralLaunch.h"

namespace shodh::cuda {

namespace {

__global__ void scaleFloatsKernel(float *v, int64_t n, float scale) {
  for (int64_t i = gridStart(); i < n; i += gridStride())
    v[i] *= scale;
}

__global__ void scaleModesKernel(float *v, const float *factor,
                                 int64_t halfSize, int64_t n) {
  for (int64_t e = gridStart(); e < n; e += gridStride())
    scaleModeElement(v, factor, halfSize, e);
}

__global__ void c2rInputKernel(const float *src, const float *factor,
                               HalfLayout g, float *dst, int64_t n) {
  for (int64_t e = gridStart(); e < n; e += gridStride())
    c2rInputElement(src, factor, g, e, dst);
}

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

} // namespace

void launchScaleFloats(float *v, int64_t n, float scale, Stream s) {
  if (n == 0)
    return;
  SHODH_LAUNCH(scaleFloatsKernel, blocksFor(n), kThreads, st(s), v, n, scale);
}

void launchScaleModes(void *v, const float *factor, int64_t rows,
                      int64_t halfSize, Stream s) {
  const int64_t n = rows * halfSize;
  if (n == 0)
    return;
  SHODH_LAUNCH(scaleModesKernel, blocksFor(n), kThreads, st(s),
               static_cast<float *>(v), factor, halfSize, n);
}

void launchC2rInput(const void *src, const float *factor, void *dst,
                    const HalfLayout &g, int64_t rows, Stream s) {
  const int64_t n = rows * halfSizeOf(g);
  if (n == 0)
    return;
  SHODH_LAUNCH(c2rInputKernel, blocksFor(n), kThreads, st(s),
               static_cast<const float *>(src), factor, g,
               static_cast<float *>(dst), n);
}

} // namespace shodh::cuda
