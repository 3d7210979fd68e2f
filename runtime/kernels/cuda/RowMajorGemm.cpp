//===- RowMajorGemm.cpp - Row-major strided-batched SGEMM on cuBLAS -------===//
#include "runtime/kernels/cuda/RowMajorGemm.h"
#include "runtime/core/Device.h"
#include "runtime/kernels/cuda/CudaKernel.h"

#include <cublas_v2.h>

namespace shodh::cuda {

void rowMajorGemm(Device &device, const std::string &where, bool ta, bool tb,
                  int64_t m, int64_t n, int64_t k, float alpha,
                  BatchedMat<const float> a, BatchedMat<const float> b,
                  float beta, BatchedMat<float> c, int64_t batch) {
  auto h = static_cast<cublasHandle_t>(device.blasHandle());
  checkBlas(cublasSgemmStridedBatched(h, tb ? CUBLAS_OP_T : CUBLAS_OP_N,
                                      ta ? CUBLAS_OP_T : CUBLAS_OP_N, int(n),
                                      int(m), int(k), &alpha, b.p, int(b.ld),
                                      b.stride, a.p, int(a.ld), a.stride, &beta,
                                      c.p, int(c.ld), c.stride, int(batch)),
            where, "cublasSgemmStridedBatched");
}

} // namespace shodh::cuda
