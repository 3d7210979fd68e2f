//===- Conv.cu - Device code of the convolution kernels -------------------===//
//
// im2col (one thread per patch element) and the gather form of col2im (one
// thread per input element, ConvDevice.h): no atomics, every element has
// one writer and a fixed summation order.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/ConvDevice.h"
#include "runtime/kernels/cuda/ConvLaunch.h"

namespace shodh::cuda {

namespace {

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

__global__ void im2colKernel(ConvGeom g, const float *x, int64_t channels,
                             int64_t j0, int64_t cols, float *col) {
  const int64_t kp = g.kernelSize(), n = channels * kp * cols;
  for (int64_t idx = gridStart(); idx < n; idx += gridStride()) {
    int64_t c = idx / (kp * cols), k = (idx / cols) % kp, jj = idx % cols;
    col[idx] = im2colAt(g, x + c * g.inSize(), k, j0 + jj);
  }
}

__global__ void col2imKernel(ConvGeom g, const float *col, int64_t channels,
                             int64_t j0, int64_t cols, const float *bias,
                             bool first, float *dx) {
  const int64_t is = g.inSize(), n = channels * is;
  for (int64_t idx = gridStart(); idx < n; idx += gridStride()) {
    int64_t c = idx / is;
    float acc = first ? (bias ? bias[c] : 0.0f) : dx[idx];
    dx[idx] =
        col2imAt(g, col + c * g.kernelSize() * cols, j0, cols, idx % is, acc);
  }
}

} // namespace

void launchIm2col(const ConvGeom &g, const float *x, int64_t channels,
                  int64_t j0, int64_t cols, float *col, Stream s) {
  const int64_t n = channels * g.kernelSize() * cols;
  if (n > 0)
    SHODH_LAUNCH(im2colKernel, blocksFor(n), kThreads, st(s), g, x, channels,
                 j0, cols, col);
}

void launchCol2im(const ConvGeom &g, const float *col, int64_t channels,
                  int64_t j0, int64_t cols, const float *bias, bool first,
                  float *dx, Stream s) {
  const int64_t n = channels * g.inSize();
  if (n > 0)
    SHODH_LAUNCH(col2imKernel, blocksFor(n), kThreads, st(s), g, col, channels,
                 j0, cols, bias, first, dx);
}

} // namespace shodh::cuda
