//===- Device.cpp - CUDA devices, streams and device memory ---------------===//
//
// Everything CUDA-specific is inside `#ifdef SHODH_HAVE_CUDA`; without it the
// functions report that this build has no CUDA backend. Copies go through the
// device's stream and wait for it, so host memory may be reused at once.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Device.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <cstring>
#include <utility>

#ifdef SHODH_HAVE_CUDA
#include "runtime/core/DeviceCheck.h"

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#endif

namespace shodh {

#ifdef SHODH_HAVE_CUDA

const char *repoRelativePath(const char *file) {
  const char *best = file;
  for (const char *marker : {"runtime/", "tools/"}) {
    const char *p = std::strstr(file, marker);
    if (p && (best == file || p > best))
      best = p;
  }
  return best;
}

void throwCudaError(cudaError_t error, const char *expr, const char *file,
                    int line) {
  throw Error(fmt::format("CUDA error at {}:{} in {}: {} ({})",
                          repoRelativePath(file), line, expr,
                          cudaGetErrorString(error), cudaGetErrorName(error)));
}

bool cudaCompiledIn() { return true; }

CudaProbe probeCuda() {
  CudaProbe probe;
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    probe.reason = fmt::format(
        "cudaGetDeviceCount failed: {} ({}); is the NVIDIA driver installed "
        "and a GPU visible to this process (CUDA_VISIBLE_DEVICES)?",
        cudaGetErrorString(e), cudaGetErrorName(e));
    cudaGetLastError(); // clear the sticky-free error state
    return probe;
  }
  if (count == 0) {
    probe.reason = "the CUDA driver reports no devices";
    return probe;
  }
  probe.devices = count;
  return probe;
}

Device::Device(int ordinal) : ordinal_(ordinal) {
  requireCudaDevice("CUDA device", ordinal);
  SHODH_CUDA_CHECK(cudaSetDevice(ordinal));
  cudaStream_t s = nullptr;
  SHODH_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  stream_ = s;
}

Device::~Device() {
  // Destructors must not throw: errors here are ignored (the context may
  // already be gone at process exit).
  cudaSetDevice(ordinal_);
  if (blas_)
    cublasDestroy(static_cast<cublasHandle_t>(blas_));
  if (stream_) {
    cudaStreamSynchronize(static_cast<cudaStream_t>(stream_));
    cudaStreamDestroy(static_cast<cudaStream_t>(stream_));
  }
}

std::string Device::description() const {
  cudaDeviceProp prop{};
  SHODH_CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal_));
  return fmt::format("{} (sm_{}{}, {:.1f} GiB)", prop.name, prop.major,
                     prop.minor,
                     static_cast<double>(prop.totalGlobalMem) / 1073741824.0);
}

void *Device::blasHandle() {
  if (!blas_) {
    makeCurrent();
    cublasHandle_t h = nullptr;
    cublasStatus_t st = cublasCreate(&h);
    if (st != CUBLAS_STATUS_SUCCESS)
      throw Error(fmt::format("cuBLAS: cublasCreate failed: {} ({})",
                              cublasGetStatusString(st),
                              cublasGetStatusName(st)));
    cublasSetStream(h, static_cast<cudaStream_t>(stream_));
    // Deterministic results: no atomics in cuBLAS reductions.
    cublasSetAtomicsMode(h, CUBLAS_ATOMICS_NOT_ALLOWED);
    blas_ = h;
  }
  return blas_;
}

void Device::synchronize() {
  SHODH_CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(stream_)));
}

void Device::checkLaunch(const char *what) {
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess)
    throw Error(fmt::format("CUDA kernel launch failed in {}: {} ({})", what,
                            cudaGetErrorString(e), cudaGetErrorName(e)));
}

uint64_t Device::freeBytes() const {
  makeCurrent();
  size_t freeB = 0, totalB = 0;
  SHODH_CUDA_CHECK(cudaMemGetInfo(&freeB, &totalB));
  return freeB;
}

void Device::makeCurrent() const { SHODH_CUDA_CHECK(cudaSetDevice(ordinal_)); }

DeviceBuffer::DeviceBuffer(uint64_t bytes, Device &device) : size_(bytes) {
  if (bytes == 0)
    return;
  device.makeCurrent();
  void *p = nullptr;
  cudaError_t e = cudaMalloc(&p, static_cast<size_t>(bytes));
  if (e != cudaSuccess) {
    cudaGetLastError();
    size_ = 0;
    throw Error(fmt::format(
        "cannot allocate {} bytes ({:.1f} MiB) on CUDA device {}: {} ({})",
        bytes, static_cast<double>(bytes) / 1048576.0, device.ordinal(),
        cudaGetErrorString(e), cudaGetErrorName(e)));
  }
  data_ = static_cast<uint8_t *>(p);
  try {
    SHODH_CUDA_CHECK(cudaMemsetAsync(
        p, 0, static_cast<size_t>(bytes),
        static_cast<cudaStream_t>(device.stream())));
    device.synchronize();
  } catch (...) {
    release();
    throw;
  }
}

DeviceBuffer::~DeviceBuffer() { release(); }

void DeviceBuffer::release() noexcept {
  if (data_)
    cudaFree(data_);
  data_ = nullptr;
  size_ = 0;
}

void DeviceBuffer::upload(const void *host, uint64_t bytes, Device &device,
                          uint64_t offset) {
  if (offset > size_ || bytes > size_ - offset)
    throw Error(fmt::format("device upload of {} bytes at offset {} exceeds "
                            "the buffer of {} bytes",
                            bytes, offset, size_));
  copyHostToDevice(data_ + offset, host, bytes, device);
}

void DeviceBuffer::download(void *host, uint64_t bytes, Device &device,
                            uint64_t offset) const {
  if (offset > size_ || bytes > size_ - offset)
    throw Error(fmt::format("device download of {} bytes at offset {} "
                            "exceeds the buffer of {} bytes",
                            bytes, offset, size_));
  copyDeviceToHost(host, data_ + offset, bytes, device);
}

void copyDeviceToHost(void *dst, const void *src, uint64_t bytes,
                      Device &device) {
  if (bytes == 0)
    return;
  SHODH_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(bytes),
                                   cudaMemcpyDeviceToHost,
                                   static_cast<cudaStream_t>(device.stream())));
  device.synchronize();
}

void copyHostToDevice(void *dst, const void *src, uint64_t bytes,
                      Device &device) {
  if (bytes == 0)
    return;
  SHODH_CUDA_CHECK(cudaMemcpyAsync(dst, src, static_cast<size_t>(bytes),
                                   cudaMemcpyHostToDevice,
                                   static_cast<cudaStream_t>(device.stream())));
  device.synchronize();
}

#else // !SHODH_HAVE_CUDA

namespace {

/// The message when the build has no CUDA backend.
constexpr const char *kNoCudaBuild =
    "this build of shodh has no CUDA backend (it was configured without "
    "nvcc or with -DSHODH_CUDA=OFF; see docs/cuda.md)";

} // namespace

bool cudaCompiledIn() { return false; }

CudaProbe probeCuda() { return CudaProbe{0, kNoCudaBuild}; }

Device::Device(int ordinal) : ordinal_(ordinal) {
  requireCudaDevice("CUDA device", ordinal);
}
Device::~Device() = default;
std::string Device::description() const { throw Error(kNoCudaBuild); }
void *Device::blasHandle() { throw Error(kNoCudaBuild); }
void Device::synchronize() { throw Error(kNoCudaBuild); }
void Device::checkLaunch(const char *) { throw Error(kNoCudaBuild); }
uint64_t Device::freeBytes() const { throw Error(kNoCudaBuild); }
void Device::makeCurrent() const { throw Error(kNoCudaBuild); }
DeviceBuffer::DeviceBuffer(uint64_t, Device &) { throw Error(kNoCudaBuild); }
DeviceBuffer::~DeviceBuffer() = default;
void DeviceBuffer::release() noexcept {}
void DeviceBuffer::upload(const void *, uint64_t, Device &, uint64_t) {
  throw Error(kNoCudaBuild);
}
void DeviceBuffer::download(void *, uint64_t, Device &, uint64_t) const {
  throw Error(kNoCudaBuild);
}
void copyDeviceToHost(void *, const void *, uint64_t, Device &) {
  throw Error(kNoCudaBuild);
}
void copyHostToDevice(void *, const void *, uint64_t, Device &) {
  throw Error(kNoCudaBuild);
}

#endif // SHODH_HAVE_CUDA

void requireCudaDevice(const std::string &what, int ordinal) {
  CudaProbe probe = probeCuda();
  if (probe.devices == 0)
    throw Error(fmt::format("{}: no CUDA device is available: {}", what,
                            probe.reason));
  if (ordinal < 0 || ordinal >= probe.devices)
    throw Error(fmt::format("{}: CUDA device {} does not exist ({} device{} "
                            "found)",
                            what, ordinal, probe.devices,
                            probe.devices == 1 ? "" : "s"));
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

} // namespace shodh
