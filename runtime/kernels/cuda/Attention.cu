//===- Attention.cu - Device code of the attention and aux kernels --------===//
//
// One thread per score row runs AttentionDevice.h's row code in the CPU's
// order (no cross-thread reductions: the same bits on every run); the
// scalar kernels run one thread.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/AttentionDevice.h"
#include "runtime/kernels/cuda/AttentionLaunch.h"
#include "runtime/kernels/cuda/Common.cuh"

namespace shodh::cuda {

namespace {

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

struct DeviceExp {
  __device__ float operator()(float x) const { return expf(x); }
};

__global__ void softmaxRowsKernel(float *p, int64_t rows, int64_t t) {
  for (int64_t r = gridStart(); r < rows; r += gridStride())
    softmaxRow(p + r * t, t, DeviceExp{});
}

__global__ void softmaxGradRowsKernel(const float *p, float *dp, int64_t rows,
                                      int64_t t) {
  for (int64_t r = gridStart(); r < rows; r += gridStride())
    softmaxGradRow(p + r * t, dp + r * t, t);
}

__global__ void auxLossGradKernel(double coefficient, const float *weight,
                                  float *out) {
  *out = auxLossSeed(coefficient, weight);
}

__global__ void allocationKlKernel(const int64_t *counts, int64_t assignments,
                                   const double *prior, int64_t e, float *out) {
  *out = allocationKlOf(counts, assignments, prior, e);
}

} // namespace

void launchSoftmaxRows(float *p, int64_t rows, int64_t t, Stream s) {
  if (rows > 0 && t > 0)
    SHODH_LAUNCH(softmaxRowsKernel, blocksFor(rows), kThreads, st(s), p, rows,
                 t);
}

void launchSoftmaxGradRows(const float *p, float *dp, int64_t rows, int64_t t,
                           Stream s) {
  if (rows > 0 && t > 0)
    SHODH_LAUNCH(softmaxGradRowsKernel, blocksFor(rows), kThreads, st(s), p, dp,
                 rows, t);
}

void launchAuxLossGrad(double coefficient, const float *weight, float *out,
                       Stream s) {
  SHODH_LAUNCH(auxLossGradKernel, 1, 1, st(s), coefficient, weight, out);
}

void launchAllocationKl(const int64_t *counts, int64_t assignments,
                        const double *prior, int64_t e, float *out, Stream s) {
  SHODH_LAUNCH(allocationKlKernel, 1, 1, st(s), counts, assignments, prior, e,
               out);
}

} // namespace shodh::cuda
