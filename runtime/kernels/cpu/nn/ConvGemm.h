//===- ConvGemm.h - The BLAS product of the CPU convolution kernels -------===//
//
// One row-major GEMM with alpha 1 for float (OpenBLAS sgemm) or double
// (dgemm), shared by the im2col path (ConvKernels.cpp) and the strided path
// (StridedConv.cpp). The pool keeps OpenBLAS single-threaded, so one call's
// summation order is fixed by its shape.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cblas.h>

#include <cstdint>
#include <type_traits>

namespace shodh {

/// c = op(a) op(b) + beta c (row-major, alpha 1) by OpenBLAS sgemm or
/// dgemm for T = float or double.
template <typename T>
inline void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n,
                 int64_t k, const T *a, int64_t lda, const T *b, int64_t ldb,
                 T beta, T *c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, ta, tb, int(m), int(n), int(k), 1.0f, a,
                int(lda), b, int(ldb), beta, c, int(ldc));
  else
    cblas_dgemm(CblasRowMajor, ta, tb, int(m), int(n), int(k), 1.0, a, int(lda),
                b, int(ldb), beta, c, int(ldc));
}

} // namespace shodh
