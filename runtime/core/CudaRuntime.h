//===- CudaRuntime.h - The CUDA backend as a loadable interface -----------===//
//
// The runtime core never includes a CUDA header: everything it needs from the
// CUDA runtime and cuBLAS (devices, streams, memory, copies) and the CUDA
// kernels' registration sit behind `CudaRuntime`, which the CUDA backend
// (runtime/kernels/cuda/CudaRuntimeImpl.cpp) implements. `shodh-run` loads
// that backend only when a command asks for a GPU (`--device cuda|auto`):
// from the plugin `libshodh_cuda.so` next to the executable (or the path in
// $SHODH_CUDA_PLUGIN), so a CPU run never maps libcudart/cuBLAS/cuFFT. Test
// executables and the portable shodh-run link the backend in instead
// (target ShodhCuda); `loadCudaRuntime` then takes the linked-in one and
// loads nothing. docs/cuda.md § How the backend is loaded.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>

namespace shodh {

class KernelRegistry;

/// Version of this interface: a plugin built from other sources is refused.
constexpr int kCudaRuntimeAbi = 1;

/// The C symbol the backend exports:
/// `const CudaRuntime *NAME(int abi, const char *buildId)`, nullptr when
/// `abi` or `buildId` is not the backend's. SHODH_BUILD_ID (CMake: the
/// build directory and the configure time) is compiled into the loader and
/// the backend, so a plugin from another build — whose classes may have
/// another layout even though its symbols resolve — is refused.
#define SHODH_CUDA_RUNTIME_ENTRY shodh_cuda_runtime_v1
/// Its name as a string (for dlsym).
#define SHODH_CUDA_RUNTIME_ENTRY_NAME "shodh_cuda_runtime_v1"

/// The CUDA runtime and cuBLAS calls of the device layer (Device.h) and the
/// backend's kernels. Streams and cuBLAS handles are opaque pointers
/// (`cudaStream_t`, `cublasHandle_t`). Every method that can fail throws
/// `shodh::Error` with the CUDA error name and string.
class CudaRuntime {
public:
  virtual ~CudaRuntime() = default;
  /// Number of devices, or 0 and a sentence saying why none is usable
  /// (written to `why`); never throws.
  virtual int deviceCount(std::string &why) const = 0;
  /// Makes `ordinal` current for the calling thread.
  virtual void setDevice(int ordinal) const = 0;
  /// Selects `ordinal` and creates a non-blocking stream on it.
  virtual void *createStream(int ordinal) const = 0;
  /// Waits for and destroys `stream` and `blas` (either may be nullptr);
  /// never throws.
  virtual void destroyStream(int ordinal, void *stream,
                             void *blas) const noexcept = 0;
  /// "NVIDIA H100 80GB HBM3 (sm_90, 79.2 GiB)".
  virtual std::string describe(int ordinal) const = 0;
  /// A cuBLAS handle bound to `stream`, without atomics (deterministic).
  virtual void *createBlasHandle(int ordinal, void *stream) const = 0;
  /// Waits for `stream`; throws if a kernel failed.
  virtual void synchronize(void *stream) const = 0;
  /// Throws if the last kernel launch failed; `what` names it.
  virtual void checkLaunch(const char *what) const = 0;
  /// Free bytes on `ordinal`.
  virtual uint64_t freeBytes(int ordinal) const = 0;
  /// `bytes` zero-filled bytes on `ordinal` (cleared on `stream`, waited
  /// for); throws naming the size when the allocation fails.
  virtual void *allocateZeroed(uint64_t bytes, int ordinal,
                               void *stream) const = 0;
  /// Frees what `allocateZeroed` returned; never throws.
  virtual void release(void *deviceMemory) const noexcept = 0;
  /// Copies `bytes` on `stream` (host to device when `toDevice`, else
  /// device to host) and waits.
  virtual void copy(void *dst, const void *src, uint64_t bytes, bool toDevice,
                    void *stream) const = 0;
  /// Adds every CUDA kernel to `registry`.
  virtual void registerKernels(KernelRegistry &registry) const = 0;
};

/// The CUDA backend, loaded on the first call (thread-safe); its kernels are
/// then in `KernelRegistry::builtin()`. Returns nullptr and says why in
/// `why` when this build has no CUDA backend or the plugin cannot be loaded;
/// later calls give the same answer.
const CudaRuntime *loadCudaRuntime(std::string &why);

/// True if a CUDA backend is linked into this executable (no plugin needed).
bool cudaRuntimeLinkedIn();

} // namespace shodh
