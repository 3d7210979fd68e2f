//===- HostRuntime.cpp - The CUDA runtime API, emulated on the CPU --------===//
//
// Device memory is host memory from aligned_alloc, recorded in a registry:
// copies, memsets, cuBLAS and cuFFT calls check that their device ranges
// lie inside one live allocation, and fresh allocations are filled with
// 0xFF bytes (NaN as floats, -1 as integers) as a GPU's are not zeroed.
// Streams are tokens; every operation completes before it returns, so
// stream order always holds. The device count comes from
// SHODH_CUDAEMU_DEVICES (default 1). Launches run as DeviceCode.h says.
// A fault can be injected (Control.h, or SHODH_CUDAEMU_FAULT_AFTER=N for a
// whole process): launch N + 1 does not run and leaves the sticky
// cudaErrorIllegalAddress that the next synchronisation or copy returns,
// as an asynchronous fault on a GPU does.
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"
#include "cudaemu/Control.h"

#include <cuda_runtime.h>

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <vector>

thread_local uint3 threadIdx, blockIdx;
thread_local dim3 blockDim, gridDim;

namespace shodh::cudaemu {
namespace {

constexpr uint64_t kTotalBytes = uint64_t(16) << 30;

struct Registry {
  std::mutex mutex;
  std::map<uintptr_t, uint64_t> allocations; // start -> bytes
  uint64_t used = 0;
  std::set<cudaStream_t> streams;
};

Registry &registry() {
  static Registry *r = new Registry; // never destroyed (static teardown)
  return *r;
}

thread_local cudaError_t lastError = cudaSuccess;

cudaError_t fail(cudaError_t e, const std::string &why) {
  report(why);
  lastError = e;
  return e;
}

int deviceCount() {
  const char *v = std::getenv("SHODH_CUDAEMU_DEVICES");
  return v ? std::atoi(v) : 1;
}

thread_local int currentDevice = 0;

/// Fault injection (Control.h): launches left before the next one faults
/// (-1: none), and the sticky fault once it has happened.
std::atomic<int64_t> launchesBeforeFault{-2}; // -2: not read from env yet
std::atomic<int> stickyFault{cudaSuccess};

/// The sticky fault, if a launch has faulted.
cudaError_t fault() { return cudaError_t(stickyFault.load()); }

} // namespace

void injectFaultAfter(int64_t launches) {
  launchesBeforeFault = launches;
  stickyFault = cudaSuccess;
}

/// Counts a launch; true if it is the one that faults (it does not run).
bool faultsNow() {
  int64_t expected = -2;
  if (launchesBeforeFault.compare_exchange_strong(expected, -1)) {
    const char *v = std::getenv("SHODH_CUDAEMU_FAULT_AFTER");
    if (v)
      launchesBeforeFault = std::atoll(v);
  }
  if (fault() != cudaSuccess)
    return true; // a faulted context runs nothing
  if (launchesBeforeFault.load() < 0)
    return false;
  if (launchesBeforeFault.fetch_sub(1) == 0) {
    report("injected fault: this launch makes an illegal address access "
           "(cudaErrorIllegalAddress, sticky; seen at the next "
           "synchronisation or copy)");
    stickyFault = cudaErrorIllegalAddress;
    return true;
  }
  return false;
}

bool isDeviceRange(const void *p, uint64_t bytes) {
  if (!p)
    return bytes == 0;
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto a = reinterpret_cast<uintptr_t>(p);
  auto it = r.allocations.upper_bound(a);
  if (it == r.allocations.begin())
    return false;
  --it;
  const uint64_t offset = a - it->first;
  return a >= it->first && offset < it->second && bytes <= it->second - offset;
}

bool isStream(cudaStream_t stream) {
  if (!stream)
    return true;
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.streams.count(stream) != 0;
}

void report(const std::string &what) {
  std::fprintf(stderr, "cudaemu: %s\n", what.c_str());
}

bool checkStreamOrder(cudaStream_t stream, const char *what) {
  if (stream)
    return true;
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.streams.empty())
    return true;
  report(std::string(what) +
         " on the legacy default stream while a non-blocking stream exists: "
         "on a GPU it is not ordered with that stream's work (a race)");
  return false;
}

bool strict() {
  static const bool on = [] {
    const char *v = std::getenv("SHODH_CUDAEMU_STRICT");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

} // namespace shodh::cudaemu

using namespace shodh::cudaemu;

cudaError_t cudaGetDeviceCount(int *count) {
  *count = deviceCount();
  if (*count <= 0) {
    *count = 0;
    lastError = cudaErrorNoDevice;
    return cudaErrorNoDevice;
  }
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  if (device < 0 || device >= deviceCount())
    return fail(cudaErrorInvalidDevice, "cudaSetDevice(" +
                                            std::to_string(device) +
                                            "): no such device");
  currentDevice = device;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp *prop, int device) {
  if (device < 0 || device >= deviceCount())
    return fail(cudaErrorInvalidDevice,
                "cudaGetDeviceProperties: no device " + std::to_string(device));
  std::memset(prop, 0, sizeof *prop);
  std::snprintf(prop->name, sizeof prop->name,
                "cudaemu (the CPU emulating a GPU)");
  prop->totalGlobalMem = kTotalBytes;
  prop->major = 9, prop->minor = 0;
  prop->multiProcessorCount = 132;
  prop->maxThreadsPerBlock = 1024;
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t *freeBytes, size_t *totalBytes) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  *totalBytes = kTotalBytes;
  *freeBytes = r.used > kTotalBytes ? 0 : kTotalBytes - r.used;
  return cudaSuccess;
}

cudaError_t cudaMalloc(void **ptr, size_t bytes) {
  *ptr = nullptr;
  if (bytes == 0)
    return cudaSuccess;
  Registry &r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    if (bytes > kTotalBytes - r.used)
      return fail(cudaErrorMemoryAllocation,
                  "cudaMalloc of " + std::to_string(bytes) +
                      " bytes exceeds the emulated device's memory");
  }
  size_t rounded = (bytes + 255) / 256 * 256;
  void *p = std::aligned_alloc(256, rounded);
  if (!p)
    return fail(cudaErrorMemoryAllocation, "host allocation failed");
  std::memset(p, 0xFF, rounded);
  std::lock_guard<std::mutex> lock(r.mutex);
  r.allocations[reinterpret_cast<uintptr_t>(p)] = bytes;
  r.used += bytes;
  *ptr = p;
  return cudaSuccess;
}

cudaError_t cudaFree(void *ptr) {
  if (!ptr)
    return cudaSuccess;
  Registry &r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.allocations.find(reinterpret_cast<uintptr_t>(ptr));
    if (it == r.allocations.end()) {
      lastError = cudaErrorInvalidDevicePointer;
      report("cudaFree of a pointer that is not a live allocation");
      return cudaErrorInvalidDevicePointer;
    }
    r.used -= it->second;
    r.allocations.erase(it);
  }
  std::free(ptr);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes,
                            cudaMemcpyKind kind, cudaStream_t stream) {
  if (fault() != cudaSuccess)
    return lastError = fault();
  if (!checkStreamOrder(stream, "cudaMemcpyAsync"))
    return lastError = cudaErrorInvalidValue;
  if (!isStream(stream))
    return fail(cudaErrorInvalidResourceHandle, "cudaMemcpyAsync: bad stream");
  if (bytes == 0)
    return cudaSuccess;
  bool dstDev = isDeviceRange(dst, bytes), srcDev = isDeviceRange(src, bytes);
  bool dstAny = isDeviceRange(dst, 0), srcAny = isDeviceRange(src, 0);
  bool ok = false;
  switch (kind) {
  case cudaMemcpyHostToDevice:
    ok = dstDev && !srcAny;
    break;
  case cudaMemcpyDeviceToHost:
    ok = srcDev && !dstAny;
    break;
  case cudaMemcpyDeviceToDevice:
    ok = dstDev && srcDev;
    break;
  case cudaMemcpyHostToHost:
    ok = !dstAny && !srcAny;
    break;
  case cudaMemcpyDefault:
    ok = (dstDev || !dstAny) && (srcDev || !srcAny);
    break;
  }
  if (!ok)
    return fail(cudaErrorInvalidValue,
                "cudaMemcpyAsync of " + std::to_string(bytes) +
                    " bytes, kind " + std::to_string(int(kind)) +
                    ": a device range lies outside its allocation or the "
                    "direction does not match the pointers");
  std::memmove(dst, src, bytes);
  return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void *ptr, int value, size_t bytes,
                            cudaStream_t stream) {
  if (fault() != cudaSuccess)
    return lastError = fault();
  if (!checkStreamOrder(stream, "cudaMemsetAsync"))
    return lastError = cudaErrorInvalidValue;
  if (!isStream(stream))
    return fail(cudaErrorInvalidResourceHandle, "cudaMemsetAsync: bad stream");
  if (bytes == 0)
    return cudaSuccess;
  if (!isDeviceRange(ptr, bytes))
    return fail(cudaErrorInvalidValue,
                "cudaMemsetAsync of " + std::to_string(bytes) +
                    " bytes outside a device allocation");
  std::memset(ptr, value, bytes);
  return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned) {
  auto *s = reinterpret_cast<cudaStream_t>(new char(0));
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.streams.insert(s);
  *stream = s;
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!stream || !r.streams.erase(stream)) {
    lastError = cudaErrorInvalidResourceHandle;
    return cudaErrorInvalidResourceHandle;
  }
  delete reinterpret_cast<char *>(stream);
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (fault() != cudaSuccess)
    return lastError = fault();
  if (!isStream(stream))
    return fail(cudaErrorInvalidResourceHandle,
                "cudaStreamSynchronize: bad stream");
  return cudaSuccess;
}

cudaError_t cudaGetLastError() {
  cudaError_t e = lastError;
  // A sticky fault, once seen, stays (the context is unusable).
  lastError = e == fault() ? e : cudaSuccess;
  return e;
}

const char *cudaGetErrorName(cudaError_t error) {
  switch (error) {
  case cudaSuccess:
    return "cudaSuccess";
  case cudaErrorInvalidValue:
    return "cudaErrorInvalidValue";
  case cudaErrorMemoryAllocation:
    return "cudaErrorMemoryAllocation";
  case cudaErrorInvalidConfiguration:
    return "cudaErrorInvalidConfiguration";
  case cudaErrorInvalidDevicePointer:
    return "cudaErrorInvalidDevicePointer";
  case cudaErrorInvalidMemcpyDirection:
    return "cudaErrorInvalidMemcpyDirection";
  case cudaErrorInvalidDevice:
    return "cudaErrorInvalidDevice";
  case cudaErrorNoDevice:
    return "cudaErrorNoDevice";
  case cudaErrorInvalidResourceHandle:
    return "cudaErrorInvalidResourceHandle";
  case cudaErrorIllegalAddress:
    return "cudaErrorIllegalAddress";
  case cudaErrorAssert:
    return "cudaErrorAssert";
  case cudaErrorIllegalInstruction:
    return "cudaErrorIllegalInstruction";
  case cudaErrorMisalignedAddress:
    return "cudaErrorMisalignedAddress";
  case cudaErrorLaunchFailure:
    return "cudaErrorLaunchFailure";
  case cudaErrorLaunchTimeout:
    return "cudaErrorLaunchTimeout";
  case cudaErrorHardwareStackError:
    return "cudaErrorHardwareStackError";
  case cudaErrorInvalidAddressSpace:
    return "cudaErrorInvalidAddressSpace";
  case cudaErrorInvalidPc:
    return "cudaErrorInvalidPc";
  }
  return "cudaErrorUnknown";
}

const char *cudaGetErrorString(cudaError_t error) {
  switch (error) {
  case cudaSuccess:
    return "no error";
  case cudaErrorInvalidValue:
    return "invalid argument";
  case cudaErrorMemoryAllocation:
    return "out of memory";
  case cudaErrorInvalidConfiguration:
    return "invalid configuration argument";
  case cudaErrorNoDevice:
    return "no CUDA-capable device is detected";
  case cudaErrorInvalidDevice:
    return "invalid device ordinal";
  case cudaErrorIllegalAddress:
    return "an illegal memory access was encountered";
  default:
    return cudaGetErrorName(error);
  }
}

//===----------------------------------------------------------------------===//
// Launches
//===----------------------------------------------------------------------===//

namespace shodh::cudaemu {
namespace {

constexpr size_t kStackBytes = 256 * 1024;

/// A fiber's stack: mmap'd with a PROT_NONE page below it, so an overflow
/// faults instead of corrupting the heap.
struct FiberStack {
  char *base = nullptr; // the guard page; the stack follows it
  size_t pageBytes = 0;
  FiberStack() = default;
  FiberStack(const FiberStack &) = delete;
  FiberStack &operator=(const FiberStack &) = delete;
  FiberStack(FiberStack &&o) noexcept : base(o.base), pageBytes(o.pageBytes) {
    o.base = nullptr;
  }
  ~FiberStack() {
    if (base)
      munmap(base, pageBytes + kStackBytes);
  }
  char *top() {
    if (!base) {
      pageBytes = size_t(sysconf(_SC_PAGESIZE));
      void *p = mmap(nullptr, pageBytes + kStackBytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        report("cannot map a fiber stack");
        std::abort();
      }
      base = static_cast<char *>(p);
      mprotect(base, pageBytes, PROT_NONE);
    }
    return base + pageBytes;
  }
};

struct Fiber {
  ucontext_t context;
  FiberStack stack;
  bool done = false, atBarrier = false;
  unsigned barriers = 0; // __syncthreads reached
};

/// The block the calling thread is running.
struct BlockRun {
  ucontext_t scheduler;
  std::vector<Fiber> fibers;
  void (*thread)(void *) = nullptr;
  void *context = nullptr;
  unsigned current = 0;
  bool direct = false; // threads run as plain calls (no barrier allowed)
  bool active = false;
};

thread_local BlockRun run;

uint3 indexOf(unsigned t, dim3 shape) {
  uint3 i;
  i.x = t % shape.x;
  i.y = (t / shape.x) % shape.y;
  i.z = t / (shape.x * shape.y);
  return i;
}

void fiberMain() {
  run.thread(run.context);
  run.fibers[run.current].done = true;
} // returns to run.scheduler through uc_link

void startFiber(unsigned t) {
  Fiber &f = run.fibers[t];
  f.done = false, f.atBarrier = false, f.barriers = 0;
  getcontext(&f.context);
  f.context.uc_stack.ss_sp = f.stack.top();
  f.context.uc_stack.ss_size = kStackBytes;
  f.context.uc_link = &run.scheduler;
  makecontext(&f.context, fiberMain, 0);
}

void resume(unsigned t) {
  run.current = t;
  threadIdx = indexOf(t, blockDim);
  run.fibers[t].atBarrier = false;
  swapcontext(&run.scheduler, &run.fibers[t].context);
}

[[noreturn]] void fatal(const std::string &what) {
  report(what);
  std::abort();
}

// The section of every `__shared__` variable (DeviceCode.h); weak: a
// module may have none.
extern "C" char __start_cudaemu_shared[] __attribute__((weak));
extern "C" char __stop_cudaemu_shared[] __attribute__((weak));

/// Runs one block; `reverse` (strict mode) takes its threads last first.
void runBlock(unsigned threads, bool reverse) {
  if (reverse && __start_cudaemu_shared && __stop_cudaemu_shared)
    std::memset(__start_cudaemu_shared, 0xFF,
                size_t(__stop_cudaemu_shared - __start_cudaemu_shared));
  auto order = [&](unsigned p) { return reverse ? threads - 1 - p : p; };
  if (threads == 1) {
    threadIdx = uint3{};
    run.direct = true;
    run.thread(run.context);
    return;
  }
  if (run.fibers.size() < threads)
    run.fibers.resize(threads);
  run.direct = false;
  const unsigned first = order(0);
  startFiber(first);
  resume(first);
  if (run.fibers[first].done) {
    run.direct = true;
    for (unsigned p = 1; p < threads; ++p) {
      run.current = order(p);
      threadIdx = indexOf(run.current, blockDim);
      run.thread(run.context);
    }
    return;
  }
  for (unsigned p = 1; p < threads; ++p) {
    startFiber(order(p));
    resume(order(p));
  }
  for (;;) {
    bool waiting = false;
    for (unsigned t = 0; t < threads; ++t)
      waiting |= !run.fibers[t].done;
    if (!waiting)
      break;
    for (unsigned p = 0; p < threads; ++p)
      if (!run.fibers[order(p)].done)
        resume(order(p));
  }
  // Every thread must have reached the same barriers.
  for (unsigned t = 1; t < threads; ++t)
    if (run.fibers[t].barriers != run.fibers[0].barriers)
      fatal("thread " + std::to_string(t) + " of block " +
            std::to_string(blockIdx.x) + " reached __syncthreads " +
            std::to_string(run.fibers[t].barriers) + " times, thread 0 " +
            std::to_string(run.fibers[0].barriers) +
            " times (a divergent barrier: undefined on a GPU)");
}

} // namespace

void runGrid(dim3 grid, dim3 block, cudaStream_t stream, void (*thread)(void *),
             void *context) {
  if (run.active)
    fatal("a kernel launched a kernel (dynamic parallelism is not used by "
          "the backend)");
  const uint64_t threads = uint64_t(block.x) * block.y * block.z;
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || grid.x > 2147483647u ||
      grid.y > 65535 || grid.z > 65535 || threads == 0 || threads > 1024 ||
      block.x > 1024 || block.y > 1024 || block.z > 64) {
    fail(cudaErrorInvalidConfiguration,
         "launch of grid (" + std::to_string(grid.x) + ", " +
             std::to_string(grid.y) + ", " + std::to_string(grid.z) +
             ") x block (" + std::to_string(block.x) + ", " +
             std::to_string(block.y) + ", " + std::to_string(block.z) +
             ") is outside the device's limits");
    return;
  }
  if (!isStream(stream)) {
    fail(cudaErrorInvalidResourceHandle, "launch on a destroyed stream");
    return;
  }
  if (!checkStreamOrder(stream, "a kernel launch")) {
    lastError = cudaErrorInvalidValue;
    return;
  }
  if (faultsNow())
    return;
  gridDim = grid, blockDim = block;
  run.thread = thread, run.context = context, run.active = true;
  const bool reverse = strict();
  const uint64_t blocks = uint64_t(grid.x) * grid.y * grid.z;
  for (uint64_t q = 0; q < blocks; ++q) {
    const uint64_t b = reverse ? blocks - 1 - q : q;
    blockIdx = uint3{unsigned(b % grid.x), unsigned(b / grid.x % grid.y),
                     unsigned(b / (uint64_t(grid.x) * grid.y))};
    runBlock(unsigned(threads), reverse);
  }
  run.active = false;
}

} // namespace shodh::cudaemu

void __syncthreads() {
  using namespace shodh::cudaemu;
  if (!run.active)
    fatal("__syncthreads outside a kernel");
  if (blockDim.x * blockDim.y * blockDim.z == 1)
    return;
  if (run.direct)
    fatal("thread " + std::to_string(run.current) + " of block " +
          std::to_string(blockIdx.x) +
          " reached __syncthreads, but the first thread of its block to run "
          "finished "
          "without one (a divergent barrier: undefined on a GPU)");
  Fiber &f = run.fibers[run.current];
  f.atBarrier = true;
  ++f.barriers;
  swapcontext(&f.context, &run.scheduler);
}

void shodh::cudaemu::checkKernelPointer(const void *p, int index) {
  if (!p || isDeviceRange(p, 0) || fault() != cudaSuccess)
    return;
  report("kernel argument " + std::to_string(index) +
         " is not a device pointer (host memory, or freed): a GPU would "
         "fault on it (injected as cudaErrorIllegalAddress)");
  stickyFault = cudaErrorIllegalAddress;
}
