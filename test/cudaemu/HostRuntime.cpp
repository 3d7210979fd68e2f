//===- HostRuntime.cpp - The CUDA runtime API, emulated on the CPU --------===//
//
// Devices, streams, errors, fault injection and the modes of Control.h;
// device memory, copies and memsets: HostMemory.cpp.
// Streams are tokens; every operation completes before it returns, so
// stream order always holds. The device count comes from
// SHODH_CUDAEMU_DEVICES (default 1). Launches: HostLaunch.cpp.
// A fault can be injected (Control.h, or SHODH_CUDAEMU_FAULT_AFTER=N for a
// whole process): launch N + 1 does not run and leaves the sticky
// cudaErrorIllegalAddress that the next synchronisation or copy returns,
// as an asynchronous fault on a GPU does.
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"
#include "cudaemu/Control.h"

#include <cuda_runtime.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

namespace shodh::cudaemu {
namespace {

/// The live streams (cudaStreamCreateWithFlags).
struct Streams {
  std::mutex mutex;
  std::set<cudaStream_t> live;
};

Streams &streams() {
  static Streams *s = new Streams; // never destroyed (static teardown)
  return *s;
}

thread_local cudaError_t lastError = cudaSuccess;

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

cudaError_t fail(cudaError_t e, const std::string &why) {
  if (!why.empty())
    report(why);
  lastError = e;
  return e;
}

cudaError_t stickyError() { return fault(); }

void raiseStickyFault() { stickyFault = cudaErrorIllegalAddress; }

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
    raiseStickyFault();
    return true;
  }
  return false;
}

bool isStream(cudaStream_t stream) {
  if (!stream)
    return true;
  Streams &r = streams();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.live.count(stream) != 0;
}

void report(const std::string &what) {
  std::fprintf(stderr, "cudaemu: %s\n", what.c_str());
}

bool checkStreamOrder(cudaStream_t stream, const char *what) {
  if (stream)
    return true;
  Streams &r = streams();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.live.empty())
    return true;
  report(std::string(what) +
         " on the legacy default stream while a non-blocking stream exists: "
         "on a GPU it is not ordered with that stream's work (a race)");
  return false;
}

cudaError_t checkStream(cudaStream_t stream, const char *what) {
  if (!isStream(stream))
    return fail(cudaErrorInvalidResourceHandle,
                std::string(what) + " on a destroyed stream");
  if (!checkStreamOrder(stream, what))
    return fail(cudaErrorInvalidValue, "");
  return cudaSuccess;
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
    return fail(cudaErrorNoDevice, "");
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

cudaError_t cudaStreamCreateWithFlags(cudaStream_t *stream, unsigned) {
  auto *s = reinterpret_cast<cudaStream_t>(new char(0));
  Streams &r = streams();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.live.insert(s);
  *stream = s;
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  Streams &r = streams();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!stream || !r.live.erase(stream))
    return fail(cudaErrorInvalidResourceHandle, "");
  delete reinterpret_cast<char *>(stream);
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (fault() != cudaSuccess)
    return fail(fault(), "");
  if (!isStream(stream))
    return fail(cudaErrorInvalidResourceHandle,
                "cudaStreamSynchronize: bad stream");
  count(Stat::Sync);
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize() {
  if (fault() != cudaSuccess)
    return fail(fault(), "");
  count(Stat::Sync);
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
