//===- DeviceCode.h - Device code of the CUDA backend, compiled for the CPU
//===//
//
// What a .cu file of runtime/kernels/cuda needs when the host emulator
// compiles it as C++ (SHODH_CUDA_HOST_EMULATION): the execution-space
// keywords as nothing, `__shared__` as `static` (blocks run one at a time,
// so a function-local static is the block's shared memory), the built-in
// index variables, vector types, __syncthreads and the integer atomics the
// backend uses, and the launcher behind SHODH_LAUNCH (Common.cuh).
//
// A launch runs its blocks one after another on the calling thread. Within
// a block, the first thread (thread 0, or the last thread where strict mode
// or the race check's second run reverses the order; Control.h) runs first
// on its own stack (a fiber); if it finishes without reaching
// __syncthreads the other threads run one after another as plain calls,
// otherwise every thread of the block runs as a fiber and __syncthreads
// switches between them, so the barrier means what it means on a GPU. A
// __syncthreads reached by a thread of a block whose first thread never
// reached one (a divergent barrier: undefined on a GPU) stops the process
// with a message. Launch shapes are checked against the limits of
// sm_80/sm_90 (cudaErrorInvalidConfiguration through cudaGetLastError).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "cuda_runtime_api.h"

#include <math.h>

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#define __host__
#define __device__
#define __global__
#define __forceinline__ inline
// Function-local statics in one section, which strict mode (Emulator.h)
// poisons before each block.
#define __shared__ static __attribute__((section("cudaemu_shared")))

struct uint3 {
  unsigned x = 0, y = 0, z = 0;
};

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1)
      : x(x_), y(y_), z(z_) {}
};

struct alignas(8) float2 {
  float x, y;
};
struct alignas(16) double2 {
  double x, y;
};
inline float2 make_float2(float x, float y) { return float2{x, y}; }
inline double2 make_double2(double x, double y) { return double2{x, y}; }

/// The built-in variables of the thread the emulator is running.
extern thread_local uint3 threadIdx, blockIdx;
extern thread_local dim3 blockDim, gridDim;

/// Waits until every thread of the block has reached it.
void __syncthreads();

/// The integer atomics of the backend (one host thread runs a launch, so a
/// read-modify-write is atomic); they return the old value. No floating-
/// point atomic exists here: a kernel using one does not compile for the
/// emulator (the backend has none: its sums are fixed trees).
inline unsigned long long atomicAdd(unsigned long long *p,
                                    unsigned long long v) {
  unsigned long long old = *p;
  *p = old + v;
  return old;
}
inline unsigned long long atomicMin(unsigned long long *p,
                                    unsigned long long v) {
  unsigned long long old = *p;
  *p = v < old ? v : old;
  return old;
}

namespace shodh::cudaemu {

/// Runs `thread(context)` once for every thread of a grid of `kernel` (its
/// name, for messages; see the file comment); a bad shape or stream sets
/// the error cudaGetLastError returns.
void runGrid(const char *kernel, dim3 grid, dim3 block, cudaStream_t stream,
             void (*thread)(void *), void *context);

/// A pointer passed to a kernel must be null or inside a live device
/// allocation; otherwise the launch faults (cudaErrorIllegalAddress), as a
/// GPU reading host memory would. Pointers inside struct arguments are not
/// seen.
void checkKernelPointer(const void *p, int index);

template <class T> void checkKernelArgument(const T &a, int index) {
  if constexpr (std::is_pointer<T>::value)
    checkKernelPointer(static_cast<const void *>(a), index);
}

/// SHODH_LAUNCH(kernel, grid, block, stream)(args...) of the emulator.
template <class Kernel> struct Launch {
  dim3 grid, block;
  cudaStream_t stream;
  const char *name;
  Kernel kernel;
  template <class... Args> void operator()(Args &&...args) const {
    int index = 0;
    (checkKernelArgument(args, index++), ...);
    auto body = [&] { kernel(args...); };
    runGrid(
        name, grid, block, stream,
        [](void *p) { (*static_cast<decltype(body) *>(p))(); }, &body);
  }
};

template <class Kernel>
Launch<Kernel> launcher(dim3 grid, dim3 block, cudaStream_t stream,
                        const char *name, Kernel kernel) {
  return Launch<Kernel>{grid, block, stream, name, std::move(kernel)};
}

} // namespace shodh::cudaemu
