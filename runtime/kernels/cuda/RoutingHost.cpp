//===- RoutingHost.cpp - Host helpers of the CUDA routing kernels ---------===//
#include "runtime/kernels/cuda/RoutingHost.h"
#include "runtime/kernels/cuda/DeviceCheck.h"
#include "runtime/kernels/cuda/DispatchDevice.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>

#include <climits>

namespace shodh::cuda {

namespace {

/// One i64 of device memory.
int64_t readI64(const int64_t *p, Device &device) {
  int64_t v = 0;
  copyDeviceToHost(&v, p, sizeof v, device);
  return v;
}

} // namespace

void FaultRecord::allocate(Device &device) {
  if (buffer_.empty())
    buffer_ = DeviceBuffer(sizeof(RoutingFault), device);
}

void FaultRecord::reset(Device &device) const {
  RoutingFault *f = data();
  auto s = static_cast<cudaStream_t>(device.stream());
  SHODH_CUDA_CHECK(cudaMemsetAsync(f, 0, 2 * sizeof(int64_t), s));
  SHODH_CUDA_CHECK(cudaMemsetAsync(&f->firstBad, 0xFF, sizeof(uint64_t), s));
}

RoutingFault FaultRecord::read(Device &device) const {
  RoutingFault f;
  copyDeviceToHost(&f, data(), sizeof f, device);
  return f;
}

void FaultRecord::raiseBadId(const std::string &where, const int64_t *ids,
                             int64_t experts, Device &device,
                             bool perToken) const {
  RoutingFault f = read(device);
  if (f.firstBad == ~uint64_t(0))
    return;
  int64_t a = int64_t(f.firstBad), id = readI64(ids + a, device);
  if (perToken)
    throw Error(
        fmt::format("{}: expert id {} is outside [0, {})", where, id, experts));
  throw Error(fmt::format("{}: expert id {} of assignment {} is outside "
                          "[0, {})",
                          where, id, a, experts));
}

void FaultRecord::raiseBadSource(const std::string &where,
                                 const int64_t *source, const int64_t *offsets,
                                 int64_t rows, int64_t experts,
                                 Device &device) const {
  RoutingFault f = read(device);
  switch (OffsetsFault(f.offsets)) {
  case OffsetsFault::None:
    break;
  case OffsetsFault::FirstNotZero:
    throw Error(fmt::format("{}: offsets[0] must be 0, got {}", where,
                            readI64(offsets, device)));
  case OffsetsFault::Decreasing:
    throw Error(fmt::format("{}: offsets decrease at expert {} ({} > {})",
                            where, f.offsetsAt,
                            readI64(offsets + f.offsetsAt, device),
                            readI64(offsets + f.offsetsAt + 1, device)));
  case OffsetsFault::PastRows:
    throw Error(fmt::format("{}: offsets[E] = {} exceeds the {} rows", where,
                            readI64(offsets + experts, device), rows));
  }
  if (f.firstBad == ~uint64_t(0))
    return;
  int64_t r = int64_t(f.firstBad);
  throw Error(fmt::format("{}: source is not a permutation of the {} "
                          "assignments (row {} holds {})",
                          where, rows, r, readI64(source + r, device)));
}

void checkBlasDims(const std::string &where,
                   std::initializer_list<int64_t> values) {
  for (int64_t v : values)
    if (v > INT_MAX)
      throw Error(fmt::format("{}: dimension {} exceeds the cuBLAS limit of {}",
                              where, v, INT_MAX));
}

void ensureBytes(DeviceBuffer &buffer, uint64_t bytes, Device &device) {
  if (buffer.size() < bytes)
    buffer = DeviceBuffer(bytes, device);
}

} // namespace shodh::cuda
