//===- CudaEmuHelpers.h - Host <-> device copies for the emulator's tests -===//
//
// Only in cuda_emu_test (CudaEmuTest.cpp, CudaEmuRaceTest.cpp), which call
// the (emulated) CUDA runtime directly.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cuda_runtime.h>
#include <cudaemu/Control.h>

#include <gtest/gtest.h>

#include <vector>

namespace shodh::testing {

/// A device copy of `host` (freed by the caller), copied on `stream`.
template <class T>
T *upload(const std::vector<T> &host, cudaStream_t stream = nullptr) {
  void *p = nullptr;
  EXPECT_EQ(cudaMalloc(&p, host.size() * sizeof(T)), cudaSuccess);
  EXPECT_EQ(cudaMemcpyAsync(p, host.data(), host.size() * sizeof(T),
                            cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  return static_cast<T *>(p);
}

template <class T> std::vector<T> download(const T *dev, size_t n) {
  std::vector<T> host(n);
  EXPECT_EQ(
      cudaMemcpyAsync(host.data(), dev, n * sizeof(T), cudaMemcpyDeviceToHost),
      cudaSuccess);
  return host;
}

/// The race check (cudaemu/Control.h) on or off for a scope, then back to
/// what it was.
struct ScopedRaceCheck {
  bool was = cudaemu::raceCheck();
  explicit ScopedRaceCheck(bool on) { cudaemu::setRaceCheck(on); }
  ~ScopedRaceCheck() { cudaemu::setRaceCheck(was); }
  ScopedRaceCheck(const ScopedRaceCheck &) = delete;
  ScopedRaceCheck &operator=(const ScopedRaceCheck &) = delete;
};

} // namespace shodh::testing
