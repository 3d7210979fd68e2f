//===- WeightGemm.h - Weight gradients: products with a long K -*- C++ -*-===//
//
// The weight gradients of the FNO's pointwise layers are C[M x N] =
// A[M x K] B[N x K]^T with M, N = the layer's channels (32 .. 128) and K =
// the grid positions of a block (512 or more): dw = dy x^T, both operands
// with the positions contiguous. OpenBLAS's small-matrix path runs them at
// 44-61 GFLOP/s of the core's ~100 on this project's EPYC VM. WeightGemm
// does them with an AVX-512 kernel: a chunk of up to 512 positions of 32
// rows of B is transposed into a 64 KiB buffer (SSE 4x4 transposes: ~0.1
// ns per float, a third of what 16x16 AVX-512 ones cost there), then each
// block of up to 12 rows of C x 32 columns stays in 24 registers while
// every position of the chunk adds the outer product of A's column
// (broadcasts) and the transposed row of B (two vector loads): 24 FMAs per
// 14 loads. The transposition costs about 1/M of the FMAs' time, so the
// kernel pays off with many rows: the channel MLP's [128 x 32] dw1 tile
// runs at 70-78 GFLOP/s against OpenBLAS's 53-56 (one core, operands in
// cache); a skip linear's [32 x 32] with operands from memory is even.
// C with fewer than 8 rows or columns goes through cblas. Each element is
// the same sequence of FMAs whichever operand is A, so C^T computed with
// A and B swapped has C's bits on the kernel path.
//
// Every element's sum runs over k in order, starting from 0 or from C
// (`accumulate`), the same for every block split, chunk and thread count;
// the two paths can differ in the last bits (FMA, OpenBLAS's order). Where
// the CPU has no AVX-512 (or `setWeightGemmKernel(false)`), the same
// contract runs through cblas_sgemm.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace shodh {

/// C[r, j] = (accumulate ? C[r, j] : 0) + sum_k A[r, k] B[j, k], r < m,
/// j < n, the sum over k in order.
struct WeightGemm {
  int64_t m = 0, n = 0, k = 0;
  const float *a = nullptr; ///< A[r, k] = a[r * lda + k]
  int64_t lda = 0;
  const float *b = nullptr; ///< B[j, k] = b[j * ldb + k]
  int64_t ldb = 0;
  float *c = nullptr; ///< C[r, j] = c[r * ldc + j]
  int64_t ldc = 0;
  bool accumulate = false;

  /// Computes C; single-threaded (callers split the sum into slabs).
  void run() const;
};

/// Test hook: false forces the cblas path, true (the default) uses the
/// AVX-512 kernel where the CPU has it.
void setWeightGemmKernel(bool enabled);

/// Whether `WeightGemm::run` uses the AVX-512 kernel on this machine now.
bool weightGemmKernelActive();

} // namespace shodh
