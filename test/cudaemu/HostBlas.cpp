//===- HostBlas.cpp - cuBLAS's SGEMM routines, emulated on the CPU --------===//
//
// Column-major C = alpha op(A) op(B) + beta C as cuBLAS defines it (C is
// not read when beta is 0). Each element of C is one sequential sum of
// fused multiply-adds over k in float, the order a GEMM thread of a GPU
// accumulates its tile in (cuBLAS with atomics off and no split-k), so the
// emulator's rounding is of the same kind as the device's. Arguments are
// checked as cuBLAS checks them (CUBLAS_STATUS_INVALID_VALUE), each
// matrix's extent must lie inside one device allocation, and no element an
// output writes may be written by another output of the call or read as
// an input (CUBLAS_STATUS_EXECUTION_FAILED: undefined on a GPU).
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"

#include <cublas_v2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

struct cublasContext {
  cudaStream_t stream = nullptr;
};

using namespace shodh::cudaemu;

namespace {

cublasStatus_t invalid(const std::string &why) {
  report("cuBLAS: " + why);
  return CUBLAS_STATUS_INVALID_VALUE;
}

bool validOp(cublasOperation_t op) {
  return op == CUBLAS_OP_N || op == CUBLAS_OP_T || op == CUBLAS_OP_C;
}

/// Checks one GEMM of a batch; `what` names it in messages.
cublasStatus_t checkGemm(cublasHandle_t h, cublasOperation_t ta,
                         cublasOperation_t tb, int m, int n, int k,
                         const float *alpha, const float *beta, int lda,
                         int ldb, int ldc) {
  if (!h)
    return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!validOp(ta) || !validOp(tb))
    return invalid("bad transpose operation");
  if (m < 0 || n < 0 || k < 0)
    return invalid("negative m, n or k (" + std::to_string(m) + ", " +
                   std::to_string(n) + ", " + std::to_string(k) + ")");
  int rowsA = ta == CUBLAS_OP_N ? m : k, rowsB = tb == CUBLAS_OP_N ? k : n;
  if (lda < std::max(1, rowsA))
    return invalid("lda " + std::to_string(lda) + " < " +
                   std::to_string(std::max(1, rowsA)));
  if (ldb < std::max(1, rowsB))
    return invalid("ldb " + std::to_string(ldb) + " < " +
                   std::to_string(std::max(1, rowsB)));
  if (ldc < std::max(1, m))
    return invalid("ldc " + std::to_string(ldc) + " < " +
                   std::to_string(std::max(1, m)));
  if (!alpha || !beta)
    return invalid("null alpha or beta");
  if (isDeviceRange(alpha, 0) || isDeviceRange(beta, 0))
    return invalid("alpha / beta are device pointers, but the pointer mode "
                   "is host");
  if (!checkStreamOrder(h->stream, "a cuBLAS GEMM"))
    return CUBLAS_STATUS_EXECUTION_FAILED;
  return CUBLAS_STATUS_SUCCESS;
}

/// One matrix a GEMM reads or writes: column-major, `rows` x `cols`, leading
/// dimension `ld`; `name` and `batch` (-1: not batched) for messages.
struct Matrix {
  const float *p;
  int64_t rows, cols, ld;
  const char *name;
  int batch;
  const float *end() const { return p + (cols - 1) * ld + rows; }
  std::string title() const {
    return batch < 0 ? std::string(name)
                     : std::string(name) + " of batch " + std::to_string(batch);
  }
  /// "row i, column j of <title>" for an element of it.
  std::string at(const float *e) const {
    const int64_t offset = e - p;
    return "row " + std::to_string(offset % ld) + ", column " +
           std::to_string(offset / ld) + " of " + title();
  }
};

/// Empty, or why some element written by one of `writes` is also written
/// by another or read through `reads`: cuBLAS's threads read and write
/// their tiles in no fixed order, so the result is undefined there. Byte
/// ranges first (a sweep in address order); elements only where two ranges
/// overlap (matrices with a leading dimension can interleave).
std::string aliasing(const std::vector<Matrix> &writes,
                     const std::vector<Matrix> &reads) {
  struct Span {
    const float *begin, *end;
    bool write;
  };
  std::vector<Span> spans;
  for (const Matrix &m : writes)
    if (m.rows > 0 && m.cols > 0)
      spans.push_back(Span{m.p, m.end(), true});
  for (const Matrix &m : reads)
    if (m.rows > 0 && m.cols > 0)
      spans.push_back(Span{m.p, m.end(), false});
  std::sort(spans.begin(), spans.end(),
            [](const Span &a, const Span &b) { return a.begin < b.begin; });
  const float *endAll = nullptr, *endWrites = nullptr;
  bool suspect = false;
  for (const Span &s : spans) {
    if ((s.write && s.begin < endAll) || (!s.write && s.begin < endWrites))
      suspect = true;
    endAll = std::max(endAll, s.end);
    if (s.write)
      endWrites = std::max(endWrites, s.end);
  }
  if (!suspect)
    return "";
  std::unordered_map<const float *, size_t> writer;
  auto elements = [](const Matrix &m, auto &&f) {
    for (int64_t j = 0; j < m.cols; ++j)
      for (int64_t i = 0; i < m.rows; ++i)
        if (!f(m.p + i + j * m.ld))
          return false;
    return true;
  };
  std::string why;
  for (size_t w = 0; w < writes.size() && why.empty(); ++w)
    elements(writes[w], [&](const float *e) {
      auto [it, fresh] = writer.emplace(e, w);
      if (!fresh)
        why = writes[w].at(e) + " is also " + writes[it->second].at(e) +
              ": two outputs write one element";
      return fresh;
    });
  for (size_t r = 0; r < reads.size() && why.empty(); ++r)
    elements(reads[r], [&](const float *e) {
      auto it = writer.find(e);
      if (it != writer.end())
        why = reads[r].at(e) + " is also " + writes[it->second].at(e) +
              ": an input aliases an output";
      return it == writer.end();
    });
  return why;
}

/// The matrices of a call (gemmMatrices) checked before anything runs:
/// INVALID_VALUE if one does not lie inside a device allocation, then
/// EXECUTION_FAILED if an output aliases another output or an input
/// (aliasing); each with a message naming the matrix.
cublasStatus_t checkCall(const std::string &what,
                         const std::vector<Matrix> &writes,
                         const std::vector<Matrix> &reads) {
  for (const auto *list : {&reads, &writes})
    for (const Matrix &m : *list)
      if (!isDeviceRange(m.p, matrixBytes(m.rows, m.cols, m.ld, 4)))
        return invalid(
            what + ": " + m.title() + " (" + std::to_string(m.rows) + " x " +
            std::to_string(m.cols) + ", ld" + char(std::tolower(*m.name)) +
            " " + std::to_string(m.ld) + ") is not inside a device allocation");
  const std::string why = aliasing(writes, reads);
  if (why.empty())
    return CUBLAS_STATUS_SUCCESS;
  report("cuBLAS: " + what + ": " + why +
         " (undefined on a GPU: its threads read and write in no fixed "
         "order)");
  return CUBLAS_STATUS_EXECUTION_FAILED;
}

/// The matrices of a GEMM (batch -1: not batched) for checkCall; A and B
/// only where they are read (k > 0, alpha not 0).
void gemmMatrices(cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                  int k, float alpha, const float *A, int lda, const float *B,
                  int ldb, const float *C, int ldc, int batch,
                  std::vector<Matrix> &writes, std::vector<Matrix> &reads) {
  const bool nA = ta == CUBLAS_OP_N, nB = tb == CUBLAS_OP_N;
  if (m == 0 || n == 0)
    return;
  writes.push_back(Matrix{C, m, n, ldc, "C", batch});
  if (k > 0 && alpha != 0.0f) {
    reads.push_back(Matrix{A, nA ? m : k, nA ? k : m, lda, "A", batch});
    reads.push_back(Matrix{B, nB ? k : n, nB ? n : k, ldb, "B", batch});
  }
}

/// One GEMM whose arguments passed checkGemm and checkCall, under a
/// DeviceAccess.
void gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
          float alpha, const float *A, int lda, const float *B, int ldb,
          float beta, float *C, int ldc) {
  if (m == 0 || n == 0)
    return;
  const bool nA = ta == CUBLAS_OP_N, nB = tb == CUBLAS_OP_N;
  const bool readAB = k > 0 && alpha != 0.0f;
  std::vector<float> acc(static_cast<size_t>(m));
  for (int j = 0; j < n; ++j) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    if (readAB)
      for (int l = 0; l < k; ++l) {
        const float b = nB ? B[l + int64_t(j) * ldb] : B[j + int64_t(l) * ldb];
        if (nA) {
          const float *col = A + int64_t(l) * lda;
          for (int i = 0; i < m; ++i)
            acc[size_t(i)] = std::fma(col[i], b, acc[size_t(i)]);
        } else {
          for (int i = 0; i < m; ++i)
            acc[size_t(i)] =
                std::fma(A[l + int64_t(i) * lda], b, acc[size_t(i)]);
        }
      }
    float *c = C + int64_t(j) * ldc;
    for (int i = 0; i < m; ++i) {
      float v = alpha * acc[size_t(i)];
      c[i] = beta == 0.0f ? v : v + beta * c[i];
    }
  }
}

} // namespace

cublasStatus_t cublasCreate(cublasHandle_t *handle) {
  *handle = new cublasContext;
  count(Stat::BlasHandle);
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy(cublasHandle_t handle) {
  if (!handle)
    return CUBLAS_STATUS_NOT_INITIALIZED;
  delete handle;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream(cublasHandle_t handle, cudaStream_t stream) {
  if (!handle)
    return CUBLAS_STATUS_NOT_INITIALIZED;
  if (!isStream(stream))
    return invalid("cublasSetStream: not a live stream");
  handle->stream = stream;
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetAtomicsMode(cublasHandle_t handle,
                                    cublasAtomicsMode_t) {
  return handle ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_NOT_INITIALIZED;
}

const char *cublasGetStatusName(cublasStatus_t status) {
  switch (status) {
  case CUBLAS_STATUS_SUCCESS:
    return "CUBLAS_STATUS_SUCCESS";
  case CUBLAS_STATUS_NOT_INITIALIZED:
    return "CUBLAS_STATUS_NOT_INITIALIZED";
  case CUBLAS_STATUS_ALLOC_FAILED:
    return "CUBLAS_STATUS_ALLOC_FAILED";
  case CUBLAS_STATUS_INVALID_VALUE:
    return "CUBLAS_STATUS_INVALID_VALUE";
  case CUBLAS_STATUS_ARCH_MISMATCH:
    return "CUBLAS_STATUS_ARCH_MISMATCH";
  case CUBLAS_STATUS_MAPPING_ERROR:
    return "CUBLAS_STATUS_MAPPING_ERROR";
  case CUBLAS_STATUS_EXECUTION_FAILED:
    return "CUBLAS_STATUS_EXECUTION_FAILED";
  case CUBLAS_STATUS_INTERNAL_ERROR:
    return "CUBLAS_STATUS_INTERNAL_ERROR";
  case CUBLAS_STATUS_NOT_SUPPORTED:
    return "CUBLAS_STATUS_NOT_SUPPORTED";
  }
  return "CUBLAS_STATUS_UNKNOWN";
}

const char *cublasGetStatusString(cublasStatus_t status) {
  switch (status) {
  case CUBLAS_STATUS_SUCCESS:
    return "success";
  case CUBLAS_STATUS_INVALID_VALUE:
    return "an invalid numeric value was used as an argument";
  default:
    return cublasGetStatusName(status);
  }
}

cublasStatus_t cublasSgemm(cublasHandle_t handle, cublasOperation_t transa,
                           cublasOperation_t transb, int m, int n, int k,
                           const float *alpha, const float *A, int lda,
                           const float *B, int ldb, const float *beta, float *C,
                           int ldc) {
  cublasStatus_t s =
      checkGemm(handle, transa, transb, m, n, k, alpha, beta, lda, ldb, ldc);
  if (s != CUBLAS_STATUS_SUCCESS)
    return s;
  std::vector<Matrix> writes, reads;
  gemmMatrices(transa, transb, m, n, k, *alpha, A, lda, B, ldb, C, ldc, -1,
               writes, reads);
  if ((s = checkCall("cublasSgemm", writes, reads)))
    return s;
  DeviceAccess access;
  gemm(transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
  count(Stat::Gemm);
  return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSgemmStridedBatched(
    cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
    int m, int n, int k, const float *alpha, const float *A, int lda,
    long long strideA, const float *B, int ldb, long long strideB,
    const float *beta, float *C, int ldc, long long strideC, int batchCount) {
  cublasStatus_t s =
      checkGemm(handle, transa, transb, m, n, k, alpha, beta, lda, ldb, ldc);
  if (s != CUBLAS_STATUS_SUCCESS)
    return s;
  if (batchCount < 0)
    return invalid("negative batchCount");
  std::vector<Matrix> writes, reads;
  for (int b = 0; b < batchCount; ++b)
    gemmMatrices(transa, transb, m, n, k, *alpha, A + b * strideA, lda,
                 B + b * strideB, ldb, C + b * strideC, ldc, b, writes, reads);
  if ((s = checkCall("cublasSgemmStridedBatched", writes, reads)))
    return s;
  DeviceAccess access;
  for (int b = 0; b < batchCount; ++b)
    gemm(transa, transb, m, n, k, *alpha, A + b * strideA, lda, B + b * strideB,
         ldb, *beta, C + b * strideC, ldc);
  count(Stat::Gemm);
  return CUBLAS_STATUS_SUCCESS;
}
