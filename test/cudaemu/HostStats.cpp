//===- HostStats.cpp - What the emulated device was asked to do -----------===//
//
// Counts of the successful allocations, copies, synchronisations, launches,
// FFT plans and GEMMs (counts(), Control.h), and with SHODH_CUDAEMU_STATS
// set their JSON at process exit: what a test needs to check that a
// session's steady state allocates nothing, creates no plan or handle and
// uploads only its batches.
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace shodh::cudaemu {
namespace {

constexpr int kStats = int(Stat::Count);
std::atomic<uint64_t> events[kStats], bytes[kStats];

/// JSON field names, in Stat order: NAME (the count) and NAME_bytes.
constexpr const char *kNames[kStats] = {"mallocs",
                                        "frees",
                                        "copies_to_device",
                                        "copies_to_host",
                                        "copies_on_device",
                                        "memsets",
                                        "syncs",
                                        "launches",
                                        "fft_plans",
                                        "fft_execs",
                                        "blas_handles",
                                        "gemms"};

/// Writes the counts to SHODH_CUDAEMU_STATS (if set) when the process (or
/// the plugin) ends.
struct WriteAtExit {
  ~WriteAtExit() {
    const char *path = std::getenv("SHODH_CUDAEMU_STATS");
    if (!path || !*path)
      return;
    std::FILE *f = std::fopen(path, "w");
    if (!f) {
      report(std::string("cannot write the statistics to ") + path);
      return;
    }
    std::fprintf(f, "{");
    for (int s = 0; s < kStats; ++s)
      std::fprintf(f, "%s\"%s\": %llu, \"%s_bytes\": %llu", s ? ", " : "",
                   kNames[s], (unsigned long long)events[s].load(), kNames[s],
                   (unsigned long long)bytes[s].load());
    std::fprintf(f, "}\n");
    std::fclose(f);
  }
} writeAtExit;

} // namespace

void count(Stat what, uint64_t byteCount) {
  events[int(what)].fetch_add(1, std::memory_order_relaxed);
  bytes[int(what)].fetch_add(byteCount, std::memory_order_relaxed);
}

Counts counts() {
  Counts c;
  auto get = [](Stat s) { return events[int(s)].load(); };
  auto getBytes = [](Stat s) { return bytes[int(s)].load(); };
  c.mallocs = get(Stat::Malloc), c.bytesAllocated = getBytes(Stat::Malloc);
  c.frees = get(Stat::Free);
  c.copiesToDevice = get(Stat::CopyToDevice);
  c.bytesToDevice = getBytes(Stat::CopyToDevice);
  c.copiesToHost = get(Stat::CopyToHost);
  c.bytesToHost = getBytes(Stat::CopyToHost);
  c.copiesOnDevice = get(Stat::CopyOnDevice);
  c.memsets = get(Stat::Memset), c.syncs = get(Stat::Sync);
  c.launches = get(Stat::Launch), c.fftPlans = get(Stat::FftPlan);
  c.fftExecs = get(Stat::FftExec), c.blasHandles = get(Stat::BlasHandle);
  c.gemms = get(Stat::Gemm);
  return c;
}

} // namespace shodh::cudaemu
