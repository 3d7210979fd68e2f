//===- RowMajorGemm.h - Row-major strided-batched SGEMM on cuBLAS ---------===//
//
// `rowMajorGemm` computes, for `batch` entries, the row-major
// C (m x n) = alpha op(A) op(B) + beta C, handing the row-major operands
// to column-major cuBLAS as their transposes (C^T = op(B)^T op(A)^T), on
// the device's handle and stream (atomics disallowed: deterministic).
// Used by the attention and convolution kernels; the host tests run the
// same calls with cblas_sgemm.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

namespace shodh {
class Device;
}

namespace shodh::cuda {

/// One row-major operand of a batched GEMM: pointer, leading dimension and
/// the distance between batch entries.
template <typename T> struct BatchedMat {
  T *p;
  int64_t ld, stride;
};

/// See the file comment; throws `Error` naming `where` if cuBLAS fails.
void rowMajorGemm(Device &device, const std::string &where, bool ta, bool tb,
                  int64_t m, int64_t n, int64_t k, float alpha,
                  BatchedMat<const float> a, BatchedMat<const float> b,
                  float beta, BatchedMat<float> c, int64_t batch);

} // namespace shodh::cuda
