//===- SmallGemm.h - Channel-mixing products with a short inner dimension -===//
//
// The FNO's pointwise layers multiply a small weight matrix into a long
// strip of grid points: Y[M x N] = A[M x K] X[K x N] with K = 3..128 and N
// in the hundreds (the lift, the skip of each Fourier layer, the channel
// MLP's first linear). OpenBLAS's small-matrix path reaches about half of
// the machine's sgemm rate there (47-55 GFLOP/s of 102 on this project's
// EPYC VM at K = M = 32). smallGemm runs them with an AVX-512 kernel that
// keeps an 8-row x 48-column block of Y in 24 registers for the whole sum
// over K, reads the 48-column strip of X from L1 for every 8 rows, and
// adds the bias (and an addend, e.g. a residual or Y itself) while the
// block is in registers, so Y is written once. Where the CPU has no
// AVX-512 (or `setSmallGemmKernel(false)`), the same contract runs through
// cblas_sgemm.
//
// Every element's sum runs over k in order from the bias, the same for
// every block split and thread count; the two paths can differ in the last
// bits (FMA, OpenBLAS's order).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace shodh {

/// Y[r, j] = bias[r] + sum_k A(r, k) X[k, j] (+ addend[r, j]), r < m, j < n.
struct SmallGemm {
  int64_t m = 0, n = 0, k = 0;
  /// A(r, k) = a[r * aRowStride + k * aColStride]; one of the strides is 1
  /// (A row-major, or A stored transposed).
  const float *a = nullptr;
  int64_t aRowStride = 0, aColStride = 1;
  const float *x = nullptr; ///< X[k, j] = x[k * ldx + j]
  int64_t ldx = 0;
  const float *bias = nullptr;   ///< m floats, or null (0)
  const float *addend = nullptr; ///< addend[r * ldAddend + j], or null; may be y
  int64_t ldAddend = 0;
  float *y = nullptr; ///< Y[r, j] = y[r * ldy + j]
  int64_t ldy = 0;
  /// Write Y with non-temporal (streaming) stores where a vector of a row
  /// is whole and 64-byte aligned (masked tails plainly): for a large Y
  /// that is not read again while it could still be in cache (it skips the
  /// read of each line a plain store makes first); `run` fences them. Off by
  /// default: a Y re-read soon (a scratch tile) must stay in cache. No effect
  /// on the values.
  bool stream = false;

  /// Computes Y; single-threaded (callers split N or the batch).
  void run() const;
};

/// dst[i] = src[i] for i < n, with streaming stores over dst's whole
/// 64-byte lines where the CPU has AVX-512 (std::copy elsewhere): the fused
/// layers' results, computed in a cached scratch and written out once.
/// Streaming stores are weakly ordered: the caller issues streamFence()
/// before the data may be read by another thread (once per batch of
/// copies: a fence per 2 KiB row cost the fused layer 10-20 %).
void streamCopy(const float *src, float *dst, int64_t n);
/// Orders the streaming stores of streamCopy before later stores (sfence).
void streamFence();

/// Test hook: false forces the cblas path, true (the default) uses the
/// AVX-512 kernel where the CPU has it.
void setSmallGemmKernel(bool enabled);

/// Whether `SmallGemm::run` uses the AVX-512 kernel on this machine now.
bool smallGemmKernelActive();

} // namespace shodh
