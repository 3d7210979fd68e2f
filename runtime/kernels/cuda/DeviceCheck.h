//===- DeviceCheck.h - Turning CUDA runtime errors into shodh::Error ------===//
//
// For the CUDA backend's sources only (runtime/kernels/cuda): includes
// the CUDA runtime API. `SHODH_CUDA_CHECK(cudaMalloc(...))` throws `Error`
// with the call site, the expression, the error string and its name.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cuda_runtime_api.h>

namespace shodh {

/// Throws `Error`: "CUDA error at FILE:LINE in EXPR: STRING (NAME)". FILE is
/// shortened to its path inside the repository.
[[noreturn]] void throwCudaError(cudaError_t error, const char *expr,
                                 const char *file, int line);

/// For the errors of an asynchronous device fault (sticky: every later call
/// returns them, wherever the fault was): a sentence saying so and how to
/// find the kernel, starting with "; ". Otherwise "".
const char *stickyErrorHint(cudaError_t error);

/// `file` from its last "runtime/" or "tools/" component on (or unchanged).
const char *repoRelativePath(const char *file);

} // namespace shodh

/// Evaluates a CUDA runtime call and throws `shodh::Error` unless it
/// returns cudaSuccess.
#define SHODH_CUDA_CHECK(expr)                                                 \
  do {                                                                         \
    cudaError_t shodhCudaStatus_ = (expr);                                     \
    if (shodhCudaStatus_ != cudaSuccess)                                       \
      ::shodh::throwCudaError(shodhCudaStatus_, #expr, __FILE__, __LINE__);    \
  } while (0)
