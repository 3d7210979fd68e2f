//===- CudaRuntimeImpl.cpp - The CUDA backend's entry point ---------------===//
//
// Implements `CudaRuntime` (runtime/core/CudaRuntime.h) with the CUDA
// runtime and cuBLAS, and exports the entry point the runtime core looks for:
// through dlsym in the plugin libshodh_cuda.so, or through a weak reference
// when ShodhCuda is linked into the executable. Also the CUDA error helpers
// of DeviceCheck.h.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/CudaRuntime.h"
#include "runtime/kernels/cuda/CudaKernels.h"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/support/Status.h"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <fmt/format.h>

#include <cstring>

namespace shodh {

const char *repoRelativePath(const char *file) {
  const char *best = file;
  for (const char *marker : {"runtime/", "tools/"}) {
    const char *p = std::strstr(file, marker);
    if (p && (best == file || p > best))
      best = p;
  }
  return best;
}

const char *stickyErrorHint(cudaError_t e) {
  switch (e) {
  case cudaErrorIllegalAddress:
  case cudaErrorLaunchFailure:
  case cudaErrorAssert:
  case cudaErrorMisalignedAddress:
  case cudaErrorIllegalInstruction:
  case cudaErrorLaunchTimeout:
  case cudaErrorHardwareStackError:
  case cudaErrorInvalidPc:
  case cudaErrorInvalidAddressSpace:
    return "; this error is sticky and may come from an earlier kernel: "
           "rerun with `shodh-run bench --profile` (each call synchronised) "
           "or CUDA_LAUNCH_BLOCKING=1 to find it";
  default:
    return "";
  }
}

void throwCudaError(cudaError_t error, const char *expr, const char *file,
                    int line) {
  throw Error(fmt::format("CUDA error at {}:{} in {}: {} ({}){}",
                          repoRelativePath(file), line, expr,
                          cudaGetErrorString(error), cudaGetErrorName(error),
                          stickyErrorHint(error)));
}

namespace {

cudaStream_t asStream(void *s) { return static_cast<cudaStream_t>(s); }

/// The CUDA runtime and cuBLAS behind the device layer.
class CudaRuntimeImpl final : public CudaRuntime {
public:
  int deviceCount(std::string &why) const override {
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      why = fmt::format(
          "cudaGetDeviceCount failed: {} ({}); is the NVIDIA driver "
          "installed and a GPU visible to this process "
          "(CUDA_VISIBLE_DEVICES)?",
          cudaGetErrorString(e), cudaGetErrorName(e));
      cudaGetLastError(); // clear the error state
      return 0;
    }
    if (count == 0)
      why = "the CUDA driver reports no devices";
    return count;
  }

  void setDevice(int ordinal) const override {
    SHODH_CUDA_CHECK(cudaSetDevice(ordinal));
  }

  void *createStream(int ordinal) const override {
    SHODH_CUDA_CHECK(cudaSetDevice(ordinal));
    cudaStream_t s = nullptr;
    SHODH_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    return s;
  }

  void destroyStream(int ordinal, void *stream,
                     void *blas) const noexcept override {
    cudaSetDevice(ordinal);
    if (blas)
      cublasDestroy(static_cast<cublasHandle_t>(blas));
    if (stream) {
      cudaStreamSynchronize(asStream(stream));
      cudaStreamDestroy(asStream(stream));
    }
  }

  std::string describe(int ordinal) const override {
    cudaDeviceProp prop{};
    SHODH_CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal));
    return fmt::format("{} (sm_{}{}, {:.1f} GiB)", prop.name, prop.major,
                       prop.minor,
                       static_cast<double>(prop.totalGlobalMem) / 1073741824.0);
  }

  void *createBlasHandle(int ordinal, void *stream) const override {
    setDevice(ordinal);
    cublasHandle_t h = nullptr;
    auto fail = [&](const char *call, cublasStatus_t st) {
      if (h)
        cublasDestroy(h);
      throw Error(fmt::format("cuBLAS: {} failed: {} ({})", call,
                              cublasGetStatusString(st),
                              cublasGetStatusName(st)));
    };
    cublasStatus_t st = cublasCreate(&h);
    if (st != CUBLAS_STATUS_SUCCESS)
      fail("cublasCreate", st);
    // GEMMs on the session's (non-blocking) stream: on the legacy default
    // stream they would not be ordered with the session's kernels.
    if ((st = cublasSetStream(h, asStream(stream))) != CUBLAS_STATUS_SUCCESS)
      fail("cublasSetStream", st);
    // Deterministic results: no atomics in cuBLAS reductions.
    if ((st = cublasSetAtomicsMode(h, CUBLAS_ATOMICS_NOT_ALLOWED)) !=
        CUBLAS_STATUS_SUCCESS)
      fail("cublasSetAtomicsMode", st);
    return h;
  }

  void synchronize(void *stream) const override {
    SHODH_CUDA_CHECK(cudaStreamSynchronize(asStream(stream)));
  }

  void checkLaunch(const char *what) const override {
    cudaError_t e = cudaGetLastError();
    if (e == cudaSuccess)
      return;
    // Faults of a kernel that ran earlier (asynchronously) are sticky and
    // surface at the next check: they need not be this launch's.
    throw Error(fmt::format("CUDA kernel launch failed in {}: {} ({}){}", what,
                            cudaGetErrorString(e), cudaGetErrorName(e),
                            stickyErrorHint(e)));
  }

  uint64_t freeBytes(int ordinal) const override {
    setDevice(ordinal);
    size_t freeB = 0, totalB = 0;
    SHODH_CUDA_CHECK(cudaMemGetInfo(&freeB, &totalB));
    return freeB;
  }

  void *allocateZeroed(uint64_t bytes, int ordinal,
                       void *stream) const override {
    setDevice(ordinal);
    void *p = nullptr;
    cudaError_t e = cudaMalloc(&p, static_cast<size_t>(bytes));
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw Error(fmt::format(
          "cannot allocate {} bytes ({:.1f} MiB) on CUDA device {}: {} ({})",
          bytes, static_cast<double>(bytes) / 1048576.0, ordinal,
          cudaGetErrorString(e), cudaGetErrorName(e)));
    }
    try {
      SHODH_CUDA_CHECK(
          cudaMemsetAsync(p, 0, static_cast<size_t>(bytes), asStream(stream)));
      synchronize(stream);
    } catch (...) {
      cudaFree(p);
      throw;
    }
    return p;
  }

  void release(void *deviceMemory) const noexcept override {
    // Kernels still queued may use the memory (a program that threw part
    // way, then a re-prepare or the session's end): cudaFree does not
    // promise to wait for them. A fault found here was reported already
    // or is reported by the next call; it is cleared only if not sticky.
    cudaDeviceSynchronize();
    cudaGetLastError();
    cudaFree(deviceMemory);
  }

  void copy(void *dst, const void *src, uint64_t bytes, bool toDevice,
            void *stream) const override {
    SHODH_CUDA_CHECK(cudaMemcpyAsync(
        dst, src, static_cast<size_t>(bytes),
        toDevice ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost,
        asStream(stream)));
    synchronize(stream);
  }

  void registerKernels(KernelRegistry &registry) const override {
    registerCudaKernels(registry);
  }
};

} // namespace
} // namespace shodh

extern "C" __attribute__((visibility("default"))) const shodh::CudaRuntime *
SHODH_CUDA_RUNTIME_ENTRY(int abi, const char *buildId) {
  // Never destroyed: devices and buffers with static storage may still call
  // it while the process exits.
  static const shodh::CudaRuntimeImpl *runtime = new shodh::CudaRuntimeImpl;
  return abi == shodh::kCudaRuntimeAbi && buildId &&
                 std::strcmp(buildId, SHODH_BUILD_ID) == 0
             ? runtime
             : nullptr;
}
