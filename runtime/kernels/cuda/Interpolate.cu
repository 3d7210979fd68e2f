//===- Interpolate.cu - Device code of interpolate and interpolate_grad ---===//
//
// One thread per output element (grid-stride): interpolate runs
// `interpolatePoint` per output point, interpolate_grad
// `interpolateGradPoint` per input point (a gather: every element is
// written by one thread, no atomics). The arithmetic is the CPU kernel's
// (InterpolateDevice.h; --fmad=false), so both agree bit for bit.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cuda/InterpolateDevice.h"

namespace shodh::cuda {

namespace {

__global__ void interpolateKernel(InterpGeometry g, const InterpTap *taps,
                                  const float *x, float *y) {
  const int64_t dstSize = g.dstSize(), total = g.slices * dstSize;
  for (int64_t e = gridStart(); e < total; e += gridStride()) {
    const int64_t s = e / dstSize, p = e % dstSize;
    const int64_t ow = p % g.dst[2], oh = (p / g.dst[2]) % g.dst[1],
                  od = p / (g.dst[2] * g.dst[1]);
    y[e] = interpolatePoint(g, taps, x + s * g.srcSize(), od, oh, ow);
  }
}

__global__ void interpolateGradKernel(InterpGeometry g, const int64_t *start,
                                      const InterpHit *hits, const float *dy,
                                      float *dx) {
  const int64_t srcSize = g.srcSize(), total = g.slices * srcSize;
  for (int64_t e = gridStart(); e < total; e += gridStride()) {
    const int64_t s = e / srcSize, p = e % srcSize;
    const int64_t w = p % g.src[2], h = (p / g.src[2]) % g.src[1],
                  d = p / (g.src[2] * g.src[1]);
    dx[e] = interpolateGradPoint(g, start, hits, dy + s * g.dstSize(), d, h, w);
  }
}

} // namespace

void launchInterpolate(const InterpGeometry &g, const InterpTap *taps,
                       const float *x, float *y, void *stream) {
  const int64_t total = g.slices * g.dstSize();
  if (total > 0 && g.srcSize() == 0) // nothing to read: zeros, not garbage
    SHODH_CUDA_CHECK(cudaMemsetAsync(y, 0, sizeof(float) * size_t(total),
                                     static_cast<cudaStream_t>(stream)));
  else if (total > 0)
    SHODH_LAUNCH(interpolateKernel, blocksFor(total), kThreads,
                 static_cast<cudaStream_t>(stream), g, taps, x, y);
}

void launchInterpolateGrad(const InterpGeometry &g, const int64_t *start,
                           const InterpHit *hits, const float *dy, float *dx,
                           void *stream) {
  const int64_t total = g.slices * g.srcSize();
  if (total > 0)
    SHODH_LAUNCH(interpolateGradKernel, blocksFor(total), kThreads,
                 static_cast<cudaStream_t>(stream), g, start, hits, dy, dx);
}

} // namespace shodh::cuda
