//===- RowBlockGemm.cpp - Row-block GEMMs whose rows do not depend on M ---===//
#include "runtime/kernels/cpu/RowBlockGemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace shodh {

void sgemmRowBlock(CBLAS_TRANSPOSE transB, int64_t rows, int64_t block,
                   int64_t n, int64_t k, const float *a, int64_t lda,
                   const float *b, int64_t ldb, float beta, float *c,
                   int64_t ldc, float alpha) {
  if (rows <= 0 || n <= 0)
    return;
  if (rows >= block) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transB, int(rows), int(n), int(k),
                alpha, a, int(lda), b, int(ldb), beta, c, int(ldc));
    return;
  }
  // A's padding rows are zeros (no stale NaN or denormal reaches the
  // kernel); C's padding rows are computed and dropped, whatever they held:
  // only the first `rows` rows are copied in (beta != 0) and back.
  thread_local std::vector<float> pad;
  const size_t aSize = size_t(block * k), cSize = size_t(block * n);
  if (pad.size() < aSize + cSize)
    pad.resize(aSize + cSize);
  float *pa = pad.data(), *pc = pa + aSize;
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(pa + r * k, a + r * lda, size_t(k) * sizeof(float));
  std::fill(pa + rows * k, pa + aSize, 0.0f);
  if (beta != 0.0f)
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(pc + r * n, c + r * ldc, size_t(n) * sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, transB, int(block), int(n), int(k),
              alpha, pa, int(k), b, int(ldb), beta, pc, int(n));
  for (int64_t r = 0; r < rows; ++r)
    std::memcpy(c + r * ldc, pc + r * n, size_t(n) * sizeof(float));
}

} // namespace shodh
