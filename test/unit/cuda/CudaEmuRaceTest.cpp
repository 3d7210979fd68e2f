//===- CudaEmuRaceTest.cpp - The emulator's race check --------------------===//
//
// Only in cuda_emu_test: the race check (SHODH_CUDAEMU_RACECHECK,
// cudaemu/Control.h) keeps the results of kernels whose threads are
// independent or properly synchronised, integer atomics included, and
// stops at each kind of order dependence it exists to show.
//
//===----------------------------------------------------------------------===//
#include "CudaEmuHelpers.h"
#include "runtime/kernels/cuda/Common.cuh"

#include <cuda_runtime.h>

#include <gtest/gtest.h>

#include <vector>

using namespace shodh::cuda;
using shodh::testing::download;
using shodh::testing::ScopedRaceCheck;
using shodh::testing::upload;

namespace {

/// Reverses each block's slice of `x` into `y` through shared memory, with
/// the barrier it needs.
__global__ void reverseKernel(const float *x, float *y) {
  __shared__ float shared[kThreads];
  const unsigned base = blockIdx.x * kThreads;
  shared[threadIdx.x] = x[base + threadIdx.x];
  __syncthreads();
  y[base + threadIdx.x] = shared[kThreads - 1 - threadIdx.x];
}

/// Counts values per bucket with integer atomics: the same whatever order.
__global__ void histogramKernel(const int *x, unsigned long long *counts,
                                int64_t n) {
  for (int64_t i = gridStart(); i < n; i += gridStride())
    atomicAdd(&counts[x[i]], 1ULL);
}

/// The same without the barrier: a thread may read its neighbour's slot
/// before the neighbour wrote it.
__global__ void reverseWithoutBarrierKernel(const float *x, float *y) {
  __shared__ float shared[kThreads];
  const unsigned base = blockIdx.x * kThreads;
  shared[threadIdx.x] = x[base + threadIdx.x];
  y[base + threadIdx.x] = shared[kThreads - 1 - threadIdx.x];
}

/// Every block writes its index to one element.
__global__ void lastBlockWinsKernel(unsigned *out) {
  if (threadIdx.x == 0)
    out[0] = blockIdx.x;
}

/// Reads shared memory no thread of the block has written.
__global__ void readUnwrittenSharedKernel(float *y) {
  __shared__ float shared[kThreads];
  y[blockIdx.x * kThreads + threadIdx.x] = shared[threadIdx.x];
  __syncthreads();
  shared[threadIdx.x] = 1.0f;
}

std::vector<float> iota(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = float(i) + 0.5f;
  return v;
}

} // namespace

TEST(CudaEmu, RaceCheckKeepsTheResultsOfOrderIndependentKernels) {
  ScopedRaceCheck on(true);
  const int blocks = 3;
  const std::vector<float> x = iota(size_t(blocks * kThreads));
  float *dx = upload(x), *dy = upload(std::vector<float>(x.size()));
  SHODH_LAUNCH(reverseKernel, blocks, kThreads, nullptr, dx, dy);
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  const std::vector<float> y = download(dy, x.size());
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < kThreads; ++t)
      EXPECT_EQ(y[size_t(b * kThreads + t)],
                x[size_t(b * kThreads + kThreads - 1 - t)]);

  // In place on device memory the launch also reads: run twice from the
  // same start, so the counts are added once.
  std::vector<int> values(1000);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = int(i * 7 % 5);
  int *dv = upload(values);
  unsigned long long *dc = upload(std::vector<unsigned long long>(5, 10));
  SHODH_LAUNCH(histogramKernel, 2, kThreads, nullptr, dv, dc,
               int64_t(values.size()));
  EXPECT_EQ(download(dc, 5),
            (std::vector<unsigned long long>{210, 210, 210, 210, 210}));
  cudaFree(dx), cudaFree(dy), cudaFree(dv), cudaFree(dc);
}

TEST(CudaEmuDeathTest, RaceCheckStopsAtAMissingBarrier) {
  ScopedRaceCheck on(true);
  const std::vector<float> x = iota(size_t(2 * kThreads));
  float *dx = upload(x), *dy = upload(std::vector<float>(x.size()));
  EXPECT_DEATH(
      SHODH_LAUNCH(reverseWithoutBarrierKernel, 2, kThreads, nullptr, dx, dy),
      "race check: kernel reverseWithoutBarrierKernel \\(grid \\(2, 1, 1\\) x "
      "block \\(256, 1, 1\\)\\) left different results when its blocks and "
      "threads ran in opposite orders: [0-9]+ of 2048 bytes of a device "
      "allocation differ");
  cudaFree(dx), cudaFree(dy);
}

TEST(CudaEmuDeathTest, RaceCheckStopsAtBlocksWritingOneElement) {
  ScopedRaceCheck on(true);
  unsigned *d = upload(std::vector<unsigned>(1));
  EXPECT_DEATH(SHODH_LAUNCH(lastBlockWinsKernel, 4, 32, nullptr, d),
               "kernel lastBlockWinsKernel .* 1 of 4 bytes of a device "
               "allocation differ, the first at byte 0 \\(4-byte element 0: "
               "[^ ]+ \\(0x0000000[03]\\) in the first run, [^ ]+ "
               "\\(0x0000000[03]\\) in the second\\)");
  cudaFree(d);
}

TEST(CudaEmuDeathTest, RaceCheckStopsAtAReadOfUnwrittenSharedMemory) {
  ScopedRaceCheck on(true);
  float *d = upload(std::vector<float>(size_t(2 * kThreads)));
  EXPECT_DEATH(SHODH_LAUNCH(readUnwrittenSharedKernel, 2, kThreads, nullptr, d),
               "kernel readUnwrittenSharedKernel .* a read of __shared__ "
               "memory before it is written");
  cudaFree(d);
}
