//===- HostMemory.cpp - Device memory of the CUDA host emulator -----------===//
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
// make that the slow mode. Copies and memsets complete before they return.
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"
#include "cudaemu/Control.h"

#include <cuda_runtime.h>

#include <csignal>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace shodh::cudaemu {
namespace {

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
  int access = 0; // DeviceAccess scopes open: device memory readable
};

Registry &registry() {
  static Registry *r = new Registry; // never destroyed (static teardown)
  return *r;
}

} // namespace

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

/// What a copy or memset checks first: no sticky fault (returned, as a GPU
/// does at the next call), a live stream in order (checkStream).
cudaError_t checkCopyStart(cudaStream_t stream, const char *what) {
  if (stickyError() != cudaSuccess)
    return fail(stickyError(), "");
  return checkStream(stream, what);
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

std::vector<DeviceSpan> liveAllocations() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<DeviceSpan> spans;
  spans.reserve(r.allocations.size());
  for (const auto &[start, a] : r.allocations)
    spans.push_back(DeviceSpan{reinterpret_cast<char *>(start), a.bytes});
  return spans;
}

} // namespace shodh::cudaemu

using namespace shodh::cudaemu;

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
  count(Stat::Malloc, bytes);
  return cudaSuccess;
}

cudaError_t cudaFree(void *ptr) {
  if (!ptr)
    return cudaSuccess;
  Registry &r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.allocations.find(reinterpret_cast<uintptr_t>(ptr));
    if (it == r.allocations.end())
      return fail(cudaErrorInvalidDevicePointer,
                  "cudaFree of a pointer that is not a live allocation");
    r.used -= it->second.bytes;
    munmap(it->second.base, it->second.mapped);
    r.allocations.erase(it);
  }
  count(Stat::Free);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes,
                            cudaMemcpyKind kind, cudaStream_t stream) {
  if (cudaError_t e = checkCopyStart(stream, "cudaMemcpyAsync"))
    return e;
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
  if (dstDev || srcDev) // host to host is no device work
    count(dstDev ? (srcDev ? Stat::CopyOnDevice : Stat::CopyToDevice)
                 : Stat::CopyToHost,
          bytes);
  return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void *ptr, int value, size_t bytes,
                            cudaStream_t stream) {
  if (cudaError_t e = checkCopyStart(stream, "cudaMemsetAsync"))
    return e;
  if (bytes == 0)
    return cudaSuccess;
  if (!isDeviceRange(ptr, bytes))
    return fail(cudaErrorInvalidValue,
                "cudaMemsetAsync of " + std::to_string(bytes) +
                    " bytes outside a device allocation");
  DeviceAccess access;
  std::memset(ptr, value, bytes);
  count(Stat::Memset, bytes);
  return cudaSuccess;
}
