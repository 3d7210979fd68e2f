//===- RowBlockGemm.h - Row-block GEMMs whose rows do not depend on M -----===//
//
// Kernels that split a [rows x k] operand into blocks of rows (a linear on
// the last axis, attention's projections, the router, the experts) must give
// every row the same bits whatever else shares its block: otherwise infer
// and eval results change in the last bits with --batch (the tail block of
// B = 1 has 8 rows, of B = 3 has 24). OpenBLAS chooses its kernel by M
// (0.3.21 on AVX-512: a small-matrix kernel below M·N ≈ 1100), so the same
// row computed in a call of 8 rows and of 24 rows differs; within a call of
// a given M its bits do not depend on its position. `sgemmRowBlock` always
// calls sgemm with M = `block`: a partial block is computed from a
// zero-padded copy in thread-local memory (block·(k + n) floats, kept for
// the thread's next call).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cblas.h>

#include <cstdint>

namespace shodh {

/// C[rows x n] = alpha · A[rows x k] · op(B) + beta · C (row-major; op(B) =
/// Bᵀ for `transB` = CblasTrans with B [n x k], else B [k x n]), as one
/// cblas_sgemm of at least `block` rows: the bits of a row do not depend on
/// `rows` as long as rows <= block.
void sgemmRowBlock(CBLAS_TRANSPOSE transB, int64_t rows, int64_t block,
                   int64_t n, int64_t k, const float *a, int64_t lda,
                   const float *b, int64_t ldb, float beta, float *c,
                   int64_t ldc, float alpha = 1.0f);

} // namespace shodh
