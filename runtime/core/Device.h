//===- Device.h - CUDA devices, streams and device memory -----------------===//
//
// The small device layer of the CUDA backend (docs/cuda.md). It compiles in
// every build and never includes a CUDA header: the calls go to the CUDA
// backend (CudaRuntime.h), loaded on first use. Without CUDA
// (SHODH_HAVE_CUDA undefined) `cudaCompiledIn()` is false, `probeCuda()`
// says so and constructing a `Device` throws; so it does, with the reason,
// when the backend's plugin cannot be loaded. Every runtime call is checked
// and a failure becomes `shodh::Error` carrying the CUDA error name and
// string and the call site, e.g.
//   "CUDA error at runtime/core/Device.cpp:80 in cudaMalloc(&p, bytes):
//    out of memory (cudaErrorMemoryAllocation)".
//
//   Device dev(0);                    // selects GPU 0, creates a stream
//   DeviceBuffer buf(bytes, dev);     // zero-filled device memory
//   buf.upload(host, bytes, dev);     // host -> device on dev's stream
//   buf.download(host, bytes, dev);   // device -> host, waits for the stream
//
// No managed memory: every host <-> device copy is explicit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace shodh {

class CudaRuntime;

/// True if this build contains the CUDA backend (linked in or as a plugin).
bool cudaCompiledIn();

/// What `probeCuda` found.
struct CudaProbe {
  int devices = 0;    ///< usable devices (0 when none or no driver)
  std::string reason; ///< why none is usable (empty when devices > 0)
};

/// Counts the CUDA devices (cudaGetDeviceCount), loading the backend first;
/// never throws.
CudaProbe probeCuda();

/// Throws `Error` with a message for the user unless device `ordinal`
/// exists: no CUDA in this build, no driver, no device, or ordinal out of
/// range. `what` starts the message (e.g. "--device cuda").
void requireCudaDevice(const std::string &what, int ordinal = 0);

/// One CUDA device with the stream every kernel of a session runs on and
/// the cuBLAS handle bound to it (created on first use).
class Device {
public:
  /// Selects device `ordinal` and creates a stream; throws `Error` (see
  /// `requireCudaDevice`).
  explicit Device(int ordinal = 0);
  ~Device();
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;

  /// The device ordinal.
  int ordinal() const { return ordinal_; }
  /// "NVIDIA H100 80GB HBM3 (sm_90, 79.2 GiB)".
  std::string description() const;
  /// The stream (a `cudaStream_t`).
  void *stream() const { return stream_; }
  /// The cuBLAS handle (a `cublasHandle_t`) bound to `stream()`.
  void *blasHandle();
  /// Waits for the stream; throws `Error` if a kernel failed.
  void synchronize();
  /// Checks for an asynchronous launch error after a kernel launch; `what`
  /// names the kernel in the message.
  void checkLaunch(const char *what);
  /// Bytes free on the device (cudaMemGetInfo).
  uint64_t freeBytes() const;
  /// Makes this device current for the calling thread.
  void makeCurrent() const;

private:
  const CudaRuntime *runtime_ = nullptr;
  int ordinal_ = 0;
  void *stream_ = nullptr;
  void *blas_ = nullptr;
};

/// Owned, zero-filled device memory (cudaMalloc); movable, not copyable.
class DeviceBuffer {
public:
  /// An empty buffer (`data()` is nullptr).
  DeviceBuffer() = default;
  /// Allocates `bytes` zero-filled bytes on `device`; throws `Error` naming
  /// the size if the allocation fails.
  DeviceBuffer(uint64_t bytes, Device &device);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  /// Start of the storage (a device pointer; nullptr when empty).
  uint8_t *data() const { return data_; }
  /// Size in bytes.
  uint64_t size() const { return size_; }
  /// True if nothing is allocated.
  bool empty() const { return size_ == 0; }

  /// Copies `bytes` from host memory into the buffer at `offset` and waits
  /// for the copy; throws if the range exceeds the buffer.
  void upload(const void *host, uint64_t bytes, Device &device,
              uint64_t offset = 0);
  /// Copies `bytes` at `offset` into host memory and waits for the copy.
  void download(void *host, uint64_t bytes, Device &device,
                uint64_t offset = 0) const;

private:
  void release() noexcept;
  uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
};

/// Copies `bytes` from device pointer `src` to host `dst` on `device`'s
/// stream and waits.
void copyDeviceToHost(void *dst, const void *src, uint64_t bytes,
                      Device &device);
/// Copies `bytes` from host `src` to device pointer `dst` and waits.
void copyHostToDevice(void *dst, const void *src, uint64_t bytes,
                      Device &device);

} // namespace shodh
