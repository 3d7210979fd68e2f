//===- HostRuntime.cpp - The CUDA runtime API, emulated on the CPU --------===//
//
// Device memory is host memory mapped page by page and recorded in a
// registry: copies, memsets, cuBLAS and cuFFT calls check that their device
// ranges lie inside one live allocation, and fresh allocations are filled
// with 0xFF bytes (NaN as floats, -1 as integers) as a GPU's are not
// zeroed. Each allocation ends (to 256 bytes) against a PROT_NONE guard
// page, so a kernel that runs past the end of its buffer stops with a
// message naming the allocation (a SIGSEGV handler). In strict mode
// (Control.h) allocations are also PROT_NONE except while an emulated
// device operation (a launch, copy, memset, GEMM or FFT: DeviceAccess)
// runs, so host code that reads or writes device memory directly (a crash
// on a GPU) stops too; two mprotect calls per allocation per operation
// make that the slow mode.
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

#include <csetjmp>
#include <csignal>
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
#include <unordered_map>
#include <vector>

thread_local uint3 threadIdx, blockIdx;
thread_local dim3 blockDim, gridDim;

namespace shodh::cudaemu {
namespace {

constexpr uint64_t kTotalBytes = uint64_t(16) << 30;

/// One cudaMalloc: `bytes` at the key address, inside `mapped` bytes from
/// `base` whose last page is the guard and the `body` bytes before it are
/// readable only during device operations.
struct Allocation {
  uint64_t bytes = 0;
  char *base = nullptr;
  size_t body = 0, mapped = 0;
};

struct Registry {
  std::mutex mutex;
  std::map<uintptr_t, Allocation> allocations; // start -> allocation
  uint64_t used = 0;
  std::set<cudaStream_t> streams;
  int access = 0; // DeviceAccess scopes open: device memory readable
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
  const uint64_t offset = a - it->first, size = it->second.bytes;
  return a >= it->first && offset < size && bytes <= size - offset;
}

namespace {

size_t pageBytes() {
  static const size_t page = size_t(sysconf(_SC_PAGESIZE));
  return page;
}

/// Under r.mutex: every allocation's body readable (`open`) or not.
void protectAll(Registry &r, bool open) {
  for (auto &[start, a] : r.allocations)
    mprotect(a.base, a.body, open ? PROT_READ | PROT_WRITE : PROT_NONE);
}

/// Writes `text` to standard error from a signal handler.
void writeErr(const char *text) {
  ssize_t ignored = write(2, text, std::strlen(text));
  (void)ignored;
}

struct sigaction previousSegv;

/// SIGSEGV inside a device allocation: says which, and stops. Other faults
/// go to the handler that was there before (ASan's, or the default).
void onSegv(int sig, siginfo_t *info, void *uc) {
  const auto at = reinterpret_cast<uintptr_t>(info->si_addr);
  Registry &r = registry(); // no lock: the process stops either way
  for (const auto &[start, a] : r.allocations) {
    const auto base = reinterpret_cast<uintptr_t>(a.base);
    if (at < base || at >= base + a.mapped)
      continue;
    char text[320];
    if (at >= base + a.body)
      std::snprintf(text, sizeof text,
                    "cudaemu: a read or write %lu bytes past the end of a "
                    "device allocation of %lu bytes (a kernel out of bounds; "
                    "on a GPU an illegal address)\n",
                    (unsigned long)(at - start - a.bytes),
                    (unsigned long)a.bytes);
    else
      std::snprintf(text, sizeof text,
                    "cudaemu: host code read or wrote device memory (offset "
                    "%lu of an allocation of %lu bytes) outside any device "
                    "operation: on a GPU a host dereference of a device "
                    "pointer crashes\n",
                    (unsigned long)(at - start), (unsigned long)a.bytes);
    writeErr(text);
    std::abort();
  }
  sigaction(SIGSEGV, &previousSegv, nullptr); // re-faults into it
  (void)sig, (void)uc;
}

void installSegvHandler() {
  static bool done = [] {
    struct sigaction sa {};
    sa.sa_sigaction = onSegv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previousSegv);
    return true;
  }();
  (void)done;
}

} // namespace

DeviceAccess::DeviceAccess() {
  if (!strict())
    return;
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.access++ == 0)
    protectAll(r, true);
}

DeviceAccess::~DeviceAccess() {
  if (!strict())
    return;
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (--r.access == 0)
    protectAll(r, false);
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
  // [pad | the 256-rounded bytes | guard page]: the data ends against the
  // guard, at a page boundary (so 256-aligned).
  const size_t page = pageBytes(), rounded = (bytes + 255) / 256 * 256;
  const size_t body = (rounded + page - 1) / page * page;
  void *m = mmap(nullptr, body + page, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return fail(cudaErrorMemoryAllocation, "host mapping failed");
  installSegvHandler();
  Allocation alloc;
  alloc.bytes = bytes, alloc.base = static_cast<char *>(m);
  alloc.body = body, alloc.mapped = body + page;
  char *p = alloc.base + (body - rounded);
  std::memset(p, 0xFF, rounded);
  mprotect(alloc.base + body, page, PROT_NONE);
  std::lock_guard<std::mutex> lock(r.mutex);
  if (strict() && r.access == 0)
    mprotect(alloc.base, body, PROT_NONE);
  r.allocations[reinterpret_cast<uintptr_t>(p)] = alloc;
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
    r.used -= it->second.bytes;
    munmap(it->second.base, it->second.mapped);
    r.allocations.erase(it);
  }
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
  DeviceAccess access;
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
  DeviceAccess access;
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

/// A fiber runs one thread of a block at a time and is kept for the next
/// block. It is entered once through ucontext (makecontext needs it to
/// reach its own stack), then parks and resumes with _setjmp/_longjmp,
/// which unlike swapcontext save no signal mask: no system call per switch.
struct Fiber {
  jmp_buf parked; // where it waits: the top of its loop, or a barrier
  FiberStack stack;
  bool created = false;
  bool done = true, atBarrier = false;
  unsigned barriers = 0; // __syncthreads reached
};

/// The block the calling thread is running.
struct BlockRun {
  jmp_buf scheduler;
  std::vector<Fiber> fibers;
  void (*thread)(void *) = nullptr;
  void *context = nullptr;
  unsigned current = 0;
  bool direct = false; // threads run as plain calls (no barrier allowed)
  bool active = false;
  bool known = false; // direct mode because the kernel is known barrier-free
};

/// Per kernel (its launch function), once a block has shown it: whether it
/// reaches __syncthreads. Blocks of a kernel known not to then run as plain
/// calls with no fiber at all (a fiber switch costs a system call).
thread_local std::unordered_map<void (*)(void *), bool> usesBarriers;

thread_local BlockRun run;

uint3 indexOf(unsigned t, dim3 shape) {
  uint3 i;
  i.x = t % shape.x;
  i.y = (t / shape.x) % shape.y;
  i.z = t / (shape.x * shape.y);
  return i;
}

/// Parks the running fiber and returns to the scheduler; returns when the
/// scheduler resumes it.
void park() {
  if (_setjmp(run.fibers[run.current].parked) == 0)
    _longjmp(run.scheduler, 1);
}

/// A fiber's whole life: park, then run one thread per resume, forever.
[[noreturn]] void fiberMain() {
  for (;;) {
    park();
    run.thread(run.context);
    run.fibers[run.current].done = true;
  }
}

/// Makes fiber `t` (once) and readies it to run a thread of a new block.
void startFiber(unsigned t) {
  Fiber &f = run.fibers[t];
  if (!f.created) {
    ucontext_t boot, ignored;
    getcontext(&boot);
    boot.uc_stack.ss_sp = f.stack.top();
    boot.uc_stack.ss_size = kStackBytes;
    boot.uc_link = nullptr;
    makecontext(&boot, reinterpret_cast<void (*)()>(fiberMain), 0);
    run.current = t;
    if (_setjmp(run.scheduler) == 0)
      swapcontext(&ignored, &boot); // fiberMain parks at once
    f.created = true;
  }
  f.done = false, f.atBarrier = false, f.barriers = 0;
}

void resume(unsigned t) {
  run.current = t;
  threadIdx = indexOf(t, blockDim);
  run.fibers[t].atBarrier = false;
  if (_setjmp(run.scheduler) == 0)
    _longjmp(run.fibers[t].parked, 1);
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
  auto knownIt = usesBarriers.find(run.thread);
  if (knownIt != usesBarriers.end() && !knownIt->second) {
    run.direct = true, run.known = true;
    for (unsigned p = 0; p < threads; ++p) {
      run.current = order(p);
      threadIdx = indexOf(run.current, blockDim);
      run.thread(run.context);
    }
    run.known = false;
    return;
  }
  if (run.fibers.size() < threads)
    run.fibers.resize(threads);
  run.direct = false;
  const unsigned first = order(0);
  startFiber(first);
  resume(first);
  usesBarriers[run.thread] = !run.fibers[first].done;
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
  DeviceAccess access;
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
  if (run.direct && run.known)
    fatal("thread " + std::to_string(run.current) + " of block " +
          std::to_string(blockIdx.x) +
          " reached __syncthreads in a kernel whose earlier blocks reached "
          "none (a divergent barrier: undefined on a GPU; the emulator also "
          "needs a kernel's barriers not to depend on its arguments)");
  if (run.direct)
    fatal("thread " + std::to_string(run.current) + " of block " +
          std::to_string(blockIdx.x) +
          " reached __syncthreads, but the first thread of its block to run "
          "finished "
          "without one (a divergent barrier: undefined on a GPU)");
  Fiber &f = run.fibers[run.current];
  f.atBarrier = true;
  ++f.barriers;
  park();
}

void shodh::cudaemu::checkKernelPointer(const void *p, int index) {
  if (!p || isDeviceRange(p, 0) || fault() != cudaSuccess)
    return;
  report("kernel argument " + std::to_string(index) +
         " is not a device pointer (host memory, or freed): a GPU would "
         "fault on it (injected as cudaErrorIllegalAddress)");
  stickyFault = cudaErrorIllegalAddress;
}
