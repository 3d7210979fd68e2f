//===- Device.cpp - CUDA devices, streams and device memory ---------------===//
//
// The device layer over `CudaRuntime` (CudaRuntime.h): no CUDA header here,
// the backend is loaded on first use (a build without it, or a plugin that
// cannot be loaded, gives the reason in every error). Copies go through the
// device's stream and wait for it, so host memory may be reused at once.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Device.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include "runtime/core/CudaRuntime.h"

#include <utility>

namespace shodh {

namespace {

/// The loaded backend; throws its reason when there is none.
const CudaRuntime &runtime() {
  std::string why;
  const CudaRuntime *rt = loadCudaRuntime(why);
  if (!rt)
    throw Error(why);
  return *rt;
}

} // namespace

bool cudaCompiledIn() {
#ifdef SHODH_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

CudaProbe probeCuda() {
  CudaProbe probe;
  const CudaRuntime *rt = loadCudaRuntime(probe.reason);
  if (rt)
    probe.devices = rt->deviceCount(probe.reason);
  return probe;
}

Device::Device(int ordinal) : ordinal_(ordinal) {
  requireCudaDevice("CUDA device", ordinal);
  runtime_ = &runtime();
  stream_ = runtime_->createStream(ordinal);
}

Device::~Device() {
  // Errors are ignored here (the context may already be gone at exit).
  if (runtime_)
    runtime_->destroyStream(ordinal_, stream_, blas_);
}

std::string Device::description() const {
  return runtime_->describe(ordinal_);
}

void *Device::blasHandle() {
  if (!blas_)
    blas_ = runtime_->createBlasHandle(ordinal_, stream_);
  return blas_;
}

void Device::synchronize() { runtime_->synchronize(stream_); }

void Device::checkLaunch(const char *what) { runtime_->checkLaunch(what); }

uint64_t Device::freeBytes() const { return runtime_->freeBytes(ordinal_); }

void Device::makeCurrent() const { runtime_->setDevice(ordinal_); }

DeviceBuffer::DeviceBuffer(uint64_t bytes, Device &device) {
  if (bytes == 0)
    return;
  data_ = static_cast<uint8_t *>(
      runtime().allocateZeroed(bytes, device.ordinal(), device.stream()));
  size_ = bytes;
}

DeviceBuffer::~DeviceBuffer() { release(); }

void DeviceBuffer::release() noexcept {
  if (data_) {
    std::string why; // loaded: data_ came from it
    loadCudaRuntime(why)->release(data_);
  }
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
  if (bytes > 0)
    runtime().copy(dst, src, bytes, /*toDevice=*/false, device.stream());
}

void copyHostToDevice(void *dst, const void *src, uint64_t bytes,
                      Device &device) {
  if (bytes > 0)
    runtime().copy(dst, src, bytes, /*toDevice=*/true, device.stream());
}

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
