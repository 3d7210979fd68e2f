//===- HostLaunch.cpp - Kernel launches of the CUDA host emulator ---------===//
//
// runGrid (DeviceCode.h): blocks one after another, a block's threads as
// plain calls or as fibers switching at __syncthreads, the launch checks
// (shape, stream order, injected faults, pointer arguments), strict
// mode's reverse order and poisoned shared memory, and the race check's
// second run in the opposite order (Control.h, HostRaceCheck.cpp).
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"
#include "cudaemu/Control.h"

#include <cuda_runtime.h>

#include <csetjmp>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

thread_local uint3 threadIdx, blockIdx;
thread_local dim3 blockDim, gridDim;

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
  bool done = true;
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
/// calls with no fiber at all (no jump in and out of a fiber per thread).
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
  f.done = false, f.barriers = 0;
}

void resume(unsigned t) {
  run.current = t;
  threadIdx = indexOf(t, blockDim);
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

/// How a launch's blocks run: in reverse order (blocks, and the threads of
/// each block, last first), and the byte `__shared__` memory is filled
/// with before each block (-1: left as the last block left it).
struct Order {
  bool reverse = false;
  int poison = -1;
};

/// Runs one block.
void runBlock(unsigned threads, Order how) {
  if (how.poison >= 0 && __start_cudaemu_shared && __stop_cudaemu_shared)
    std::memset(__start_cudaemu_shared, how.poison,
                size_t(__stop_cudaemu_shared - __start_cudaemu_shared));
  auto order = [&](unsigned p) { return how.reverse ? threads - 1 - p : p; };
  if (threads == 1) {
    threadIdx = uint3{};
    run.direct = true;
    run.thread(run.context);
    return;
  }
  // Threads order(from), ... as plain calls (no barrier may be reached).
  auto runDirect = [&](unsigned from) {
    run.direct = true;
    for (unsigned p = from; p < threads; ++p) {
      run.current = order(p);
      threadIdx = indexOf(run.current, blockDim);
      run.thread(run.context);
    }
  };
  auto knownIt = usesBarriers.find(run.thread);
  if (knownIt != usesBarriers.end() && !knownIt->second) {
    run.known = true;
    runDirect(0);
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
  if (run.fibers[first].done)
    return runDirect(1);
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

void runGrid(const char *kernel, dim3 grid, dim3 block, cudaStream_t stream,
             void (*thread)(void *), void *context) {
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
  if (checkStream(stream, "a kernel launch") != cudaSuccess || faultsNow())
    return;
  DeviceAccess access;
  count(Stat::Launch);
  gridDim = grid, blockDim = block;
  run.thread = thread, run.context = context, run.active = true;
  const uint64_t blocks = uint64_t(grid.x) * grid.y * grid.z;
  auto runBlocks = [&](Order how) {
    for (uint64_t q = 0; q < blocks; ++q) {
      const uint64_t b = how.reverse ? blocks - 1 - q : q;
      blockIdx = uint3{unsigned(b % grid.x), unsigned(b / grid.x % grid.y),
                       unsigned(b / (uint64_t(grid.x) * grid.y))};
      runBlock(unsigned(threads), how);
    }
  };
  // Strict mode: last first, shared memory poisoned with 0xFF bytes.
  const Order usual{strict(), strict() ? 0xFF : -1};
  if (raceCheck())
    // Both runs poison shared memory, each with its own byte: what one run
    // leaves there must not stand in for the other's poison.
    runTwiceAndCompare(kernel, grid, block, [&](bool second) {
      runBlocks(second ? Order{!usual.reverse, 0xA5}
                       : Order{usual.reverse, strict() ? 0xFF : 0x5A});
    });
  else
    runBlocks(usual);
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
  ++run.fibers[run.current].barriers;
  park();
}

void shodh::cudaemu::checkKernelPointer(const void *p, int index) {
  if (!p || isDeviceRange(p, 0) || stickyError() != cudaSuccess)
    return;
  report("kernel argument " + std::to_string(index) +
         " is not a device pointer (host memory, or freed): a GPU would "
         "fault on it (injected as cudaErrorIllegalAddress)");
  raiseStickyFault();
}
