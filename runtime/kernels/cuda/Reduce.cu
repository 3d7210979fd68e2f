//===- Reduce.cu - Deterministic sums, losses and the gradient norm -------===//
//
// Every sum is accumulated in double in two passes without atomics: pass 1
// gives each (row, chunk of kChunk elements) to one block, whose threads sum
// strided elements and combine them in a fixed tree; pass 2 adds a row's
// chunk partials in chunk order. The order depends only on (rows, len), so
// results are bit-identical from run to run and GPU to GPU model; they agree
// with the CPU's blocked double sums (BlockedSum.h) to double rounding,
// which the final f32 rounding almost always hides.
//
//===----------------------------------------------------------------------===//
#include "runtime/kernels/cuda/Common.cuh"
#include "runtime/kernels/cuda/Launch.h"

namespace shodh::cuda {

namespace {

/// Elements per (row, chunk) block of pass 1.
constexpr int64_t kChunk = 16384;

int64_t chunksPerRow(int64_t len) {
  return std::max<int64_t>(1, (len + kChunk - 1) / kChunk);
}

__global__ void partialSums(const float *a, const float *b, int64_t len,
                            int64_t chunks, double *partials) {
  __shared__ double shared[kThreads];
  const int64_t unit = blockIdx.x; // row * chunks + chunk
  const int64_t row = unit / chunks, chunk = unit % chunks;
  const int64_t begin = chunk * kChunk,
                end = begin + kChunk < len ? begin + kChunk : len;
  const float *ra = a + row * len, *rb = b ? b + row * len : nullptr;
  double acc = 0.0;
  for (int64_t j = begin + threadIdx.x; j < end; j += kThreads) {
    double d = rb ? double(ra[j]) - double(rb[j]) : double(ra[j]);
    acc += d * d;
  }
  double total = blockSum(acc, shared);
  if (threadIdx.x == 0)
    partials[unit] = total;
}

__global__ void rowTotals(const double *partials, int64_t rows, int64_t chunks,
                          double *sums) {
  for (int64_t r = gridStart(); r < rows; r += gridStride()) {
    double s = 0.0;
    for (int64_t c = 0; c < chunks; ++c)
      s += partials[r * chunks + c];
    sums[r] = s;
  }
}

__global__ void mseFinish(const double *sums, int64_t n, float *out) {
  *out = float(sums[0] / double(n));
}

__global__ void mseGrad(const float *p, const float *t, const float *dloss,
                        float *dp, int64_t n) {
  const double scale = 2.0 * (dloss ? double(*dloss) : 1.0) / double(n);
  for (int64_t i = gridStart(); i < n; i += gridStride())
    dp[i] = float(scale * (double(p[i]) - (t ? double(t[i]) : 0.0)));
}

__device__ double guardedNorm(double sumSquares) {
  return sumSquares == 0.0 ? 1.0 : sqrt(sumSquares);
}

__global__ void relL2Finish(const double *diff, const double *norm,
                            int64_t batch, float *out) {
  double sum = 0.0;
  for (int64_t r = 0; r < batch; ++r)
    sum += sqrt(diff[r]) / guardedNorm(norm[r]);
  *out = float(sum / double(batch));
}

__global__ void relL2Coef(const float *dloss, const double *diff,
                          const double *norm, int64_t batch, double *coef) {
  const double g = dloss ? double(*dloss) : 1.0;
  for (int64_t r = gridStart(); r < batch; r += gridStride()) {
    double d = sqrt(diff[r]);
    coef[r] = d != 0.0 ? g / (double(batch) * d * guardedNorm(norm[r])) : 0.0;
  }
}

__global__ void relL2Grad(const float *p, const float *t, const double *coef,
                          int64_t len, float *dp, int64_t n) {
  for (int64_t i = gridStart(); i < n; i += gridStride())
    dp[i] = float(coef[i / len] * (double(p[i]) - double(t[i])));
}

__global__ void normFinish(const double *sums, int64_t count, float *out) {
  double total = 0.0;
  for (int64_t k = 0; k < count; ++k)
    total += sums[k];
  *out = float(sqrt(total));
}

cudaStream_t st(Stream s) { return static_cast<cudaStream_t>(s); }

} // namespace

int64_t rowSumScratch(int64_t rows, int64_t len) {
  return rows * chunksPerRow(len);
}

void launchRowSums(const float *a, const float *b, int64_t rows, int64_t len,
                   double *scratch, double *sums, Stream s) {
  if (rows == 0)
    return;
  const int64_t chunks = chunksPerRow(len);
  // Grid x holds up to 2^31 - 1 blocks: far beyond any tensor we plan for.
  SHODH_LAUNCH(partialSums, unsigned(rows * chunks), kThreads, st(s), a, b, len,
               chunks, scratch);
  SHODH_LAUNCH(rowTotals, blocksFor(rows), kThreads, st(s), scratch, rows,
               chunks, sums);
}

void launchMseFinish(const double *sums, int64_t n, float *out, Stream s) {
  SHODH_LAUNCH(mseFinish, 1, 1, st(s), sums, n, out);
}

void launchMseGrad(const float *p, const float *t, const float *dlossPtr,
                   float *dp, int64_t n, Stream s) {
  if (n == 0)
    return;
  SHODH_LAUNCH(mseGrad, blocksFor(n), kThreads, st(s), p, t, dlossPtr, dp, n);
}

void launchRelL2Finish(const double *diff, const double *norm, int64_t batch,
                       float *out, Stream s) {
  SHODH_LAUNCH(relL2Finish, 1, 1, st(s), diff, norm, batch, out);
}

void launchRelL2Grad(const float *p, const float *t, const float *dlossPtr,
                     const double *diff, const double *norm, double *coef,
                     int64_t batch, int64_t len, float *dp, Stream s) {
  if (batch == 0 || len == 0)
    return;
  SHODH_LAUNCH(relL2Coef, blocksFor(batch), kThreads, st(s), dlossPtr, diff,
               norm, batch, coef);
  SHODH_LAUNCH(relL2Grad, blocksFor(batch * len), kThreads, st(s), p, t, coef,
               len, dp, batch * len);
}

void launchNormFinish(const double *sums, int64_t count, float *out, Stream s) {
  SHODH_LAUNCH(normFinish, 1, 1, st(s), sums, count, out);
}

} // namespace shodh::cuda
