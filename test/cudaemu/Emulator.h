//===- Emulator.h - Shared state of the CUDA host emulator ----------------===//
//
// What the parts of the emulator share: the device memory registry
// (HostMemory.cpp) and the stream set, errors and faults (HostRuntime.cpp),
// used by launches (HostLaunch.cpp, HostRaceCheck.cpp), the emulated cuBLAS
// (HostBlas.cpp) and cuFFT (HostFft.cpp) to check the pointers and streams
// they are given, and the counts of HostStats.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cuda_runtime_api.h>
#include <cudaemu/Control.h>
#include <cudaemu/DeviceCode.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shodh::cudaemu {

/// The emulated device's memory (cudaGetDeviceProperties, cudaMemGetInfo,
/// the cudaMalloc limit).
constexpr uint64_t kTotalBytes = uint64_t(16) << 30;

/// True if [p, p + bytes) lies inside one live device allocation (bytes 0:
/// p inside one, or p null).
bool isDeviceRange(const void *p, uint64_t bytes);

/// A live device allocation: its first byte and size.
struct DeviceSpan {
  char *start;
  uint64_t bytes;
};

/// Every live device allocation, lowest address first.
std::vector<DeviceSpan> liveAllocations();

/// Runs `run(false)`, puts device memory back as it was, runs `run(true)`
/// and stops the process with a message naming `kernel` (launched with
/// `grid` x `block`) unless both runs left every device allocation
/// bit-identical (raceCheck, Control.h; HostRaceCheck.cpp).
void runTwiceAndCompare(const char *kernel, dim3 grid, dim3 block,
                        const std::function<void(bool second)> &run);

/// The events counts() (Control.h) reports, in HostStats.cpp's order.
enum class Stat {
  Malloc,
  Free,
  CopyToDevice,
  CopyToHost,
  CopyOnDevice,
  Memset,
  Sync,
  Launch,
  FftPlan,
  FftExec,
  BlasHandle,
  Gemm,
  Count
};

/// Counts one successful `what` moving or allocating `bytes`.
void count(Stat what, uint64_t bytes = 0);

/// True for the default stream (null) and every live created stream.
bool isStream(cudaStream_t stream);

/// False (with a message) for work on the legacy default stream (null)
/// while a created stream exists: on a GPU it is not ordered with the
/// non-blocking session stream's work.
bool checkStreamOrder(cudaStream_t stream, const char *what);

/// In strict mode, while one exists (on any thread) device memory is
/// readable and writable, otherwise PROT_NONE (HostMemory.cpp). Every
/// emulated device operation holds one.
struct DeviceAccess {
  DeviceAccess();
  ~DeviceAccess();
  DeviceAccess(const DeviceAccess &) = delete;
  DeviceAccess &operator=(const DeviceAccess &) = delete;
};

/// cudaErrorInvalidResourceHandle for a destroyed stream, cudaErrorInvalidValue
/// for default-stream work beside a created stream (checkStreamOrder), else
/// cudaSuccess; errors are set as fail() does.
cudaError_t checkStream(cudaStream_t stream, const char *what);

/// Sets the error cudaGetLastError returns (and reports `why` unless it is
/// empty); returns `e`.
cudaError_t fail(cudaError_t e, const std::string &why);

/// The injected or detected device fault (sticky), or cudaSuccess.
cudaError_t stickyError();

/// Makes cudaErrorIllegalAddress the sticky fault (as a kernel reading an
/// address that is not device memory would on a GPU).
void raiseStickyFault();

/// Counts a launch; true if it must not run (a fault is injected now or
/// one is already sticky).
bool faultsNow();

/// Writes "cudaemu: <what>" to standard error: the reason behind an error
/// status the emulator returns where the real library would say less.
void report(const std::string &what);

/// Bytes from p to the last byte of a column-major matrix of `rows` x
/// `cols` with leading dimension `ld` of `elementBytes` elements.
inline uint64_t matrixBytes(int64_t rows, int64_t cols, int64_t ld,
                            uint64_t elementBytes) {
  if (rows <= 0 || cols <= 0)
    return 0;
  return uint64_t((cols - 1) * ld + rows) * elementBytes;
}

} // namespace shodh::cudaemu
