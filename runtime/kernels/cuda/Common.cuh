//===- Common.cuh - Launch helpers shared by the .cu files ----------------===//
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

namespace shodh::cuda {

/// Threads per block of the elementwise and reduction kernels.
constexpr int kThreads = 256;

/// Blocks for `n` elements (grid-stride loops cover the rest).
inline unsigned blocksFor(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(
      std::max<int64_t>(1, std::min<int64_t>(b, 65535)));
}

/// First index and stride of a grid-stride loop.
__device__ inline int64_t gridStart() {
  return blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
}
__device__ inline int64_t gridStride() {
  return int64_t(gridDim.x) * blockDim.x;
}

/// Sums `v` over the block in a fixed tree order (kThreads threads); the
/// result is valid in thread 0. `shared` holds kThreads doubles.
__device__ inline double blockSum(double v, double *shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int width = kThreads / 2; width > 0; width /= 2) {
    if (threadIdx.x < width)
      shared[threadIdx.x] += shared[threadIdx.x + width];
    __syncthreads();
  }
  return shared[0];
}

} // namespace shodh::cuda
