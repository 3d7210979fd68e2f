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

#include <utility>
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

/// Every thread of one block writes its index to one element.
__global__ void lastThreadWinsKernel(unsigned *out) { out[0] = threadIdx.x; }

/// Threads below `written` store x in shared memory; thread 0 sums the
/// first `summed` slots: a read of unwritten shared memory where summed >
/// written.
__global__ void sharedSumKernel(const float *x, float *y, unsigned written,
                                unsigned summed) {
  __shared__ float shared[kThreads];
  if (threadIdx.x < written)
    shared[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  if (threadIdx.x == 0) {
    float total = 0.0f;
    for (unsigned i = 0; i < summed; ++i)
      total += shared[i];
    y[0] = total;
  }
}

/// Host memory, which emulated device code can write (a GPU's could not):
/// the (block, thread) each run of a launch began with.
std::vector<std::pair<unsigned, unsigned>> firstThreads;

__global__ void recordFirstKernel(float *y) {
  static bool started = false; // per run: reset by the last thread
  const unsigned threads = blockDim.x * gridDim.x;
  static unsigned seen = 0;
  if (!started)
    firstThreads.emplace_back(blockIdx.x, threadIdx.x), started = true;
  y[blockIdx.x * blockDim.x + threadIdx.x] = 1.0f;
  if (++seen == threads)
    seen = 0, started = false;
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

TEST(CudaEmu, RaceCheckRunsEachLaunchTwiceInOppositeOrders) {
  ScopedRaceCheck on(true);
  float *dy = upload(std::vector<float>(size_t(3 * 64)));
  firstThreads.clear();
  SHODH_LAUNCH(recordFirstKernel, 3, 64, nullptr, dy);
  using P = std::pair<unsigned, unsigned>;
  if (shodh::cudaemu::strict())
    EXPECT_EQ(firstThreads, (std::vector<P>{{2, 63}, {0, 0}}));
  else
    EXPECT_EQ(firstThreads, (std::vector<P>{{0, 0}, {2, 63}}));
  firstThreads.clear();
  {
    ScopedRaceCheck off(false);
    SHODH_LAUNCH(recordFirstKernel, 3, 64, nullptr, dy);
    EXPECT_EQ(firstThreads.size(), 1u);
  }
  cudaFree(dy);
}

// The message parts every race report has, as a regular expression.
#define RACE(kernel, grid, block, bytes)                                       \
  "race check: kernel " kernel " \\(grid \\(" grid "\\) x block \\(" block     \
  "\\)\\) left different results when its blocks and threads ran in "          \
  "opposite orders: [0-9]+ of the " bytes " bytes of the device allocation "   \
  "at 0x[0-9a-f]+ differ, the first at byte "

TEST(CudaEmuDeathTest, RaceCheckStopsAtAMissingBarrier) {
  ScopedRaceCheck on(true);
  const std::vector<float> x = iota(size_t(2 * kThreads));
  float *dx = upload(x), *dy = upload(std::vector<float>(x.size()));
  EXPECT_DEATH(
      SHODH_LAUNCH(reverseWithoutBarrierKernel, 2, kThreads, nullptr, dx, dy),
      RACE("reverseWithoutBarrierKernel", "2, 1, 1", "256, 1, 1", "2048"));
  cudaFree(dx), cudaFree(dy);
}

TEST(CudaEmuDeathTest, RaceCheckStopsAtBlocksWritingOneElement) {
  ScopedRaceCheck on(true);
  unsigned *d = upload(std::vector<unsigned>(1));
  EXPECT_DEATH(
      SHODH_LAUNCH(lastBlockWinsKernel, 4, 32, nullptr, d),
      RACE("lastBlockWinsKernel", "4, 1, 1", "32, 1, 1",
           "4") "0: first run 0x0000000[03] \\(float [^ ]+, int32 [03]\\), "
                "second run 0x0000000[03] ");
  cudaFree(d);
}

TEST(CudaEmuDeathTest, RaceCheckStopsAtThreadsOfABlockWritingOneElement) {
  ScopedRaceCheck on(true);
  unsigned *d = upload(std::vector<unsigned>(4));
  EXPECT_DEATH(
      SHODH_LAUNCH(lastThreadWinsKernel, 1, 32, nullptr, d),
      RACE("lastThreadWinsKernel", "1, 1, 1", "32, 1, 1",
           "16") "0: first run 0x000000(00|1f) \\(float [^ ]+, int32 (0|31)\\) "
                 "in 0x00000000000000(00|1f) \\(double [^ ]+, int64 (0|31)\\)");
  cudaFree(d);
}

TEST(CudaEmuDeathTest, RaceCheckStopsAtAReadOfUnwrittenSharedMemory) {
  ScopedRaceCheck on(true);
  float *dx = upload(iota(4)), *dy = upload(std::vector<float>(1));
  // Right: two slots written, two read. Then two written, four read: the
  // two unwritten slots hold what the first launch's second run left there
  // unless both runs poison shared memory, each with its own byte.
  SHODH_LAUNCH(sharedSumKernel, 1, 32, nullptr, dx, dy, 2u, 2u);
  EXPECT_EQ(download(dy, 1)[0], 0.5f + 1.5f);
  EXPECT_DEATH(SHODH_LAUNCH(sharedSumKernel, 1, 32, nullptr, dx, dy, 2u, 4u),
               RACE("sharedSumKernel", "1, 1, 1", "32, 1, 1", "4"));
  cudaFree(dx), cudaFree(dy);
}
