//===- Common.cuh - Launch helpers shared by the .cu files ----------------===//
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

namespace shodh::cuda {

/// Launches `kernel(args...)` on `grid` blocks of `block` threads on
/// `stream` (a cudaStream_t), no dynamic shared memory:
/// `SHODH_LAUNCH(k, blocks, threads, stream, args...)`. Every launch of the
/// backend goes through it so that the host emulator of the tests
/// (test/cudaemu, SHODH_CUDA_HOST_EMULATION) can run the same device code
/// on the CPU, one block at a time.
#if defined(SHODH_CUDA_HOST_EMULATION)
#define SHODH_LAUNCH(kernel, grid, block, stream, ...)                         \
  ::shodh::cudaemu::launcher(grid, block, stream, #kernel,                     \
                             [&](auto &&...args) { kernel(args...); })(        \
      __VA_ARGS__)
#else
#define SHODH_LAUNCH(kernel, grid, block, stream, ...)                         \
  kernel<<<grid, block, 0, stream>>>(__VA_ARGS__)
#endif

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
    if (int(threadIdx.x) < width)
      shared[threadIdx.x] += shared[threadIdx.x + width];
    __syncthreads();
  }
  return shared[0];
}

} // namespace shodh::cuda
