//===- Linear.cu - Bias/residual prefill and the bias gradient ------------===//
//
// The matrix products of linear and its gradients are cuBLAS calls
// (LinearKernels.cpp); these kernels add what cuBLAS does not: the bias and
// residual the GEMM accumulates on, and db as a deterministic reduction.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

namespace {

__global__ void prefillKernel(const float *r, const float *b, float *y,
                              int64_t channels, int64_t inner, int64_t n) {
  for (int64_t i = gridStart(); i < n; i += gridStride()) {
    float bias = b ? b[(i / inner) % channels] : 0.0f;
    y[i] = (r ? r[i] : 0.0f) + bias;
  }
}

/// One block per channel o: thread j sums the elements j, j + kThreads, ...
/// of the (n, s) range in double; the block then adds the partials in a
/// fixed tree.
__global__ void gradBiasKernel(const float *dy, float *db, int64_t outer,
                               int64_t channels, int64_t inner) {
  __shared__ double shared[kThreads];
  const int64_t o = blockIdx.x, count = outer * inner;
  double acc = 0.0;
  for (int64_t k = threadIdx.x; k < count; k += kThreads) {
    int64_t n = k / inner, s = k % inner;
    acc += double(dy[(n * channels + o) * inner + s]);
  }
  double total = blockSum(acc, shared);
  if (threadIdx.x == 0)
    db[o] = float(total);
}

} // namespace

void launchLinearPrefill(const float *r, const float *b, float *y,
                         int64_t outer, int64_t channels, int64_t inner,
                         Stream s) {
  int64_t n = outer * channels * inner;
  if (n == 0)
    return;
  SHODH_LAUNCH(prefillKernel, blocksFor(n), kThreads,
               static_cast<cudaStream_t>(s), r, b, y, channels, inner, n);
}

void launchLinearGradBias(const float *dy, float *db, int64_t outer,
                          int64_t channels, int64_t inner, Stream s) {
  if (channels == 0)
    return;
  // Channels beyond the grid's x limit are launched in slices.
  for (int64_t o0 = 0; o0 < channels; o0 += 2147483647) {
    int64_t count = std::min<int64_t>(channels - o0, 2147483647);
    SHODH_LAUNCH(gradBiasKernel, unsigned(count), kThreads,
                 static_cast<cudaStream_t>(s), dy + o0 * inner, db + o0, outer,
                 channels, inner);
  }
}

} // namespace shodh::cuda
