//===- HostRaceCheck.cpp - Order-independence check of kernel launches ----===//
//
// The race check (raceCheck, Control.h): a launch runs twice from the same
// device memory, its blocks and threads in opposite orders, and both runs
// must leave every device allocation bit-identical. The emulator runs one
// thread at a time, so a data race never interleaves; it shows instead as
// a result that depends on which thread ran first, which is what a GPU's
// scheduler changes from run to run.
//
//===----------------------------------------------------------------------===//
#include "Emulator.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace shodh::cudaemu {
namespace {

std::atomic<int> raceCheckSetting{-1}; // -1: not read from the environment yet

std::string shape(dim3 d) {
  return "(" + std::to_string(d.x) + ", " + std::to_string(d.y) + ", " +
         std::to_string(d.z) + ")";
}

/// The aligned 4-byte and 8-byte words of `bytes` holding byte `at`, in
/// hex and read as float/int32 and double/int64 (the backend's buffers
/// hold all four); a word that would pass the end is left out.
std::string words(const char *bytes, uint64_t at, uint64_t size) {
  std::string text;
  char part[128];
  const uint64_t at4 = at & ~uint64_t(3), at8 = at & ~uint64_t(7);
  if (at4 + 4 <= size) {
    float f;
    int32_t i;
    std::memcpy(&f, bytes + at4, 4);
    std::memcpy(&i, bytes + at4, 4);
    std::snprintf(part, sizeof part, "0x%08x (float %.9g, int32 %d)",
                  uint32_t(i), double(f), i);
    text += part;
  }
  if (at8 + 8 <= size) {
    double d;
    int64_t l;
    std::memcpy(&d, bytes + at8, 8);
    std::memcpy(&l, bytes + at8, 8);
    std::snprintf(part, sizeof part, "%s0x%016llx (double %.17g, int64 %lld)",
                  text.empty() ? "" : " in ", (unsigned long long)l, d,
                  (long long)l);
    text += part;
  }
  if (text.empty()) {
    std::snprintf(part, sizeof part, "0x%02x", unsigned(uint8_t(bytes[at])));
    text = part;
  }
  return text;
}

[[noreturn]] void reportRace(const char *kernel, dim3 grid, dim3 block,
                             const DeviceSpan &span, const char *first,
                             const char *second) {
  uint64_t at = 0, differing = 0;
  for (uint64_t i = span.bytes; i-- > 0;)
    if (first[i] != second[i])
      at = i, ++differing;
  char where[64];
  std::snprintf(where, sizeof where, "%p", static_cast<void *>(span.start));
  report("race check: kernel " + std::string(kernel) + " (grid " + shape(grid) +
         " x block " + shape(block) +
         ") left different results when its blocks and threads ran in "
         "opposite orders: " +
         std::to_string(differing) + " of the " + std::to_string(span.bytes) +
         " bytes of the device allocation at " + where +
         " differ, the first at byte " + std::to_string(at) + ": first run " +
         words(first, at, span.bytes) + ", second run " +
         words(second, at, span.bytes) +
         ". Its result depends on the order its threads run in: a data race "
         "between threads or blocks (a missing __syncthreads, two blocks "
         "writing one element, a block reading another's output), a read of "
         "__shared__ memory before it is written, or an atomic whose "
         "returned value places data; on a GPU it can change from run to "
         "run");
  std::abort();
}

} // namespace

bool raceCheck() {
  if (raceCheckSetting < 0) {
    const char *v = std::getenv("SHODH_CUDAEMU_RACECHECK");
    raceCheckSetting = v && *v && std::string(v) != "0";
  }
  return raceCheckSetting == 1;
}

void setRaceCheck(bool on) { raceCheckSetting = on; }

void runTwiceAndCompare(const char *kernel, dim3 grid, dim3 block,
                        const std::function<void(bool second)> &run) {
  // Device memory before the launch, then what the first run left in the
  // allocations it changed (the others must stay as they were).
  thread_local std::vector<char> before, after;
  const std::vector<DeviceSpan> spans = liveAllocations();
  uint64_t total = 0;
  for (const DeviceSpan &s : spans)
    total += s.bytes;
  before.resize(total);
  uint64_t offset = 0;
  for (const DeviceSpan &s : spans) {
    std::memcpy(before.data() + offset, s.start, s.bytes);
    offset += s.bytes;
  }
  run(false);
  std::vector<uint64_t> afterOffset(spans.size(), ~uint64_t(0));
  after.clear();
  offset = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const DeviceSpan &s = spans[i];
    const char *saved = before.data() + offset;
    if (std::memcmp(s.start, saved, s.bytes) != 0) {
      afterOffset[i] = after.size();
      after.insert(after.end(), s.start, s.start + s.bytes);
      std::memcpy(s.start, saved, s.bytes);
    }
    offset += s.bytes;
  }
  run(true);
  offset = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const DeviceSpan &s = spans[i];
    const char *expected = afterOffset[i] == ~uint64_t(0)
                               ? before.data() + offset
                               : after.data() + afterOffset[i];
    if (std::memcmp(s.start, expected, s.bytes) != 0)
      reportRace(kernel, grid, block, s, expected, s.start);
    offset += s.bytes;
  }
}

} // namespace shodh::cudaemu
