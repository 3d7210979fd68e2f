//===- Ragged.cu - Device code of dispatch, combine and their gradients ---===//
//
// The ragged token layout on the GPU: dispatch's stable counting sort in
// the steps of DispatchDevice.h (rank per chunk with an exact integer
// histogram, a one-block scan, placement by rank), the inverse of
// `source` with the CPU's checks, and the gather-sums of combine and
// dispatch_grad (RoutingDevice.h). Every output element has one writer
// and float sums run in slot order, so results never depend on thread
// scheduling; the only atomics are integer ones (counts, first rows,
// smallest faulty index), whose results do not depend on their order.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cuda/DispatchDevice.h"
#include "runtime/kernels/cuda/RoutingLaunch.h"

namespace shodh::cuda {

namespace {

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

using ull = unsigned long long;

__device__ void recordBad(RoutingFault *fault, int64_t index) {
  atomicMin(reinterpret_cast<ull *>(&fault->firstBad), ull(index));
}

/// offsets[E] clamped to [0, rows] (garbage offsets are reported, not used).
__device__ int64_t keptRows(const int64_t *offsets, int64_t experts,
                            int64_t rows) {
  int64_t kept = offsets[experts];
  return kept < 0 ? 0 : kept > rows ? rows : kept;
}

__global__ void rankKernel(const int64_t *ids, int64_t n, int64_t experts,
                           int64_t *chunkRank, ull *counts,
                           RoutingFault *fault) {
  for (int64_t a = gridStart(); a < n; a += gridStride()) {
    int64_t e = ids[a];
    if (e < 0 || e >= experts) {
      recordBad(fault, a);
      chunkRank[a] = -1;
      continue;
    }
    chunkRank[a] = dispatchChunkRank(ids, a);
    atomicAdd(&counts[(a / kSortChunk) * experts + e], 1ULL);
  }
}

__global__ void scanKernel(const int64_t *counts, int64_t chunks,
                           int64_t experts, int64_t cap, int64_t *base,
                           int64_t *total, int64_t *offsets,
                           int64_t *dropStart) {
  for (int64_t e = threadIdx.x; e < experts; e += blockDim.x)
    dispatchScanExpert(counts, chunks, experts, e, base, total);
  __syncthreads();
  if (threadIdx.x == 0)
    dispatchOffsets(total, experts, cap, offsets, dropStart);
}

__global__ void placeKernel(const int64_t *ids, int64_t n, int64_t experts,
                            const int64_t *chunkRank, const int64_t *base,
                            const int64_t *offsets, const int64_t *dropStart,
                            int64_t *source) {
  for (int64_t a = gridStart(); a < n; a += gridStride())
    if (chunkRank[a] >= 0)
      source[dispatchRowOf(base, offsets, dropStart, experts, a, ids[a],
                           chunkRank[a])] = a;
}

__global__ void gatherKernel(const float *x, const int64_t *source,
                             const int64_t *offsets, int64_t experts,
                             int64_t rows, int64_t k, int64_t len,
                             float *sorted) {
  const int64_t kept = keptRows(offsets, experts, rows), n = rows * len;
  for (int64_t idx = gridStart(); idx < n; idx += gridStride())
    sorted[idx] =
        dispatchGatherAt(x, source, kept, idx / len, idx % len, k, len);
}

__global__ void offsetsKernel(const int64_t *offsets, int64_t experts,
                              int64_t rows, RoutingFault *fault) {
  int64_t at = 0;
  fault->offsets = int64_t(checkOffsets(offsets, experts, rows, at));
  fault->offsetsAt = at;
}

__global__ void firstRowKernel(const int64_t *source, int64_t rows,
                               ull *first) {
  for (int64_t r = gridStart(); r < rows; r += gridStride()) {
    int64_t a = source[r];
    if (a >= 0 && a < rows)
      atomicMin(&first[a], ull(r));
  }
}

__global__ void invertKernel(const int64_t *source, const int64_t *offsets,
                             int64_t experts, int64_t rows,
                             const uint64_t *first, int64_t *rowOf,
                             RoutingFault *fault) {
  const int64_t kept = keptRows(offsets, experts, rows);
  for (int64_t r = gridStart(); r < rows; r += gridStride())
    if (invertRow(source, first, kept, rows, r, rowOf))
      recordBad(fault, r);
}

__global__ void gatherSumKernel(const float *o, const float *g,
                                const int64_t *rowOf, float *y, int64_t tokens,
                                int64_t k, int64_t len) {
  const int64_t n = tokens * len;
  for (int64_t idx = gridStart(); idx < n; idx += gridStride())
    y[idx] = gatherSumAt(o, g, rowOf, idx / len, idx % len, k, len);
}

__global__ void combineGradOutKernel(const float *dy, const float *g,
                                     const int64_t *source,
                                     const int64_t *offsets, int64_t experts,
                                     float *dout, int64_t rows, int64_t k,
                                     int64_t len) {
  const int64_t kept = keptRows(offsets, experts, rows), n = rows * len;
  for (int64_t idx = gridStart(); idx < n; idx += gridStride())
    dout[idx] = combineGradOutAt(dy, g, source, kept, rows, idx / len,
                                 idx % len, k, len);
}

__global__ void combineGradGateKernel(const float *dy, const float *o,
                                      const int64_t *rowOf, float *dgates,
                                      int64_t rows, int64_t k, int64_t len) {
  for (int64_t a = gridStart(); a < rows; a += gridStride())
    dgates[a] = combineGradGateAt(dy, o, rowOf, a, k, len);
}

__global__ void groupColumnSumsKernel(const float *src, const int64_t *offsets,
                                      int64_t experts, int64_t cols,
                                      float *out) {
  const int64_t n = experts * cols;
  for (int64_t idx = gridStart(); idx < n; idx += gridStride()) {
    const int64_t e = idx / cols, j = idx % cols;
    float acc = 0.0f;
    for (int64_t r = offsets[e]; r < offsets[e + 1]; ++r)
      acc += src[r * cols + j];
    out[idx] = acc;
  }
}

} // namespace

int64_t dispatchScratch(int64_t assignments, int64_t experts) {
  int64_t chunks = (assignments + kSortChunk - 1) / kSortChunk;
  return assignments + 2 * chunks * experts + 2 * experts;
}

void launchDispatch(const int64_t *ids, int64_t n, int64_t experts, int64_t cap,
                    int64_t k, const float *x, int64_t len, float *sorted,
                    int64_t *offsets, int64_t *source, int64_t *scratch,
                    RoutingFault *fault, Stream stream) {
  const int64_t chunks = (n + kSortChunk - 1) / kSortChunk;
  int64_t *chunkRank = scratch, *counts = chunkRank + n,
          *base = counts + chunks * experts, *total = base + chunks * experts,
          *dropStart = total + experts;
  SHODH_CUDA_CHECK(cudaMemsetAsync(
      counts, 0, sizeof(int64_t) * size_t(chunks * experts), st(stream)));
  if (n > 0)
    SHODH_LAUNCH(rankKernel, blocksFor(n), kThreads, st(stream), ids, n,
                 experts, chunkRank, reinterpret_cast<ull *>(counts), fault);
  SHODH_LAUNCH(scanKernel, 1, kThreads, st(stream), counts, chunks, experts,
               cap, base, total, offsets, dropStart);
  if (n == 0)
    return;
  SHODH_LAUNCH(placeKernel, blocksFor(n), kThreads, st(stream), ids, n, experts,
               chunkRank, base, offsets, dropStart, source);
  if (len > 0)
    SHODH_LAUNCH(gatherKernel, blocksFor(n * len), kThreads, st(stream), x,
                 source, offsets, experts, n, k, len, sorted);
}

void launchInvertSource(const int64_t *source, const int64_t *offsets,
                        int64_t rows, int64_t experts, uint64_t *first,
                        int64_t *rowOf, RoutingFault *fault, Stream stream) {
  SHODH_LAUNCH(offsetsKernel, 1, 1, st(stream), offsets, experts, rows, fault);
  if (rows == 0)
    return;
  // 0xFF bytes: first = ~0 (no row yet), rowOf = -1 (dropped).
  SHODH_CUDA_CHECK(cudaMemsetAsync(first, 0xFF, sizeof(uint64_t) * size_t(rows),
                                   st(stream)));
  SHODH_CUDA_CHECK(
      cudaMemsetAsync(rowOf, 0xFF, sizeof(int64_t) * size_t(rows), st(stream)));
  SHODH_LAUNCH(firstRowKernel, blocksFor(rows), kThreads, st(stream), source,
               rows, reinterpret_cast<ull *>(first));
  SHODH_LAUNCH(invertKernel, blocksFor(rows), kThreads, st(stream), source,
               offsets, experts, rows, first, rowOf, fault);
}

void launchGatherSum(const float *o, const float *g, const int64_t *rowOf,
                     float *y, int64_t tokens, int64_t k, int64_t len,
                     Stream stream) {
  if (tokens * len > 0)
    SHODH_LAUNCH(gatherSumKernel, blocksFor(tokens * len), kThreads, st(stream),
                 o, g, rowOf, y, tokens, k, len);
}

void launchCombineGrad(const float *dy, const float *o, const float *g,
                       const int64_t *source, const int64_t *offsets,
                       int64_t experts, const int64_t *rowOf, float *dout,
                       float *dgates, int64_t rows, int64_t k, int64_t len,
                       Stream stream) {
  if (rows * len > 0)
    SHODH_LAUNCH(combineGradOutKernel, blocksFor(rows * len), kThreads,
                 st(stream), dy, g, source, offsets, experts, dout, rows, k,
                 len);
  if (rows > 0)
    SHODH_LAUNCH(combineGradGateKernel, blocksFor(rows), kThreads, st(stream),
                 dy, o, rowOf, dgates, rows, k, len);
}

void launchGroupColumnSums(const float *src, const int64_t *offsets,
                           int64_t experts, int64_t cols, float *out,
                           Stream stream) {
  if (experts * cols > 0)
    SHODH_LAUNCH(groupColumnSumsKernel, blocksFor(experts * cols), kThreads,
                 st(stream), src, offsets, experts, cols, out);
}

} // namespace shodh::cuda
