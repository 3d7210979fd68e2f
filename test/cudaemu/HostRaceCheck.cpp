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

/// The bytes [at, at + 4) of `bytes` as a float and a 32-bit integer (the
/// backend's elements are mostly float); fewer bytes near the end.
std::string word(const char *bytes, uint64_t at, uint64_t size) {
  const uint64_t aligned = at & ~uint64_t(3);
  if (aligned + 4 > size) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%02x", unsigned(uint8_t(bytes[at])));
    return text;
  }
  float f;
  uint32_t u;
  std::memcpy(&f, bytes + aligned, 4);
  std::memcpy(&u, bytes + aligned, 4);
  char text[64];
  std::snprintf(text, sizeof text, "%.9g (0x%08x)", double(f), u);
  return text;
}

[[noreturn]] void reportRace(const char *kernel, dim3 grid, dim3 block,
                             const DeviceSpan &span, const char *first,
                             const char *second) {
  uint64_t at = 0, differing = 0;
  for (uint64_t i = span.bytes; i-- > 0;)
    if (first[i] != second[i])
      at = i, ++differing;
  const uint64_t element = at / 4;
  report("race check: kernel " + std::string(kernel) + " (grid " + shape(grid) +
         " x block " + shape(block) +
         ") left different results when its blocks and threads ran in "
         "opposite orders: " +
         std::to_string(differing) + " of " + std::to_string(span.bytes) +
         " bytes of a device allocation differ, the first at byte " +
         std::to_string(at) + " (4-byte element " + std::to_string(element) +
         ": " + word(first, at, span.bytes) + " in the first run, " +
         word(second, at, span.bytes) +
         " in the second). Its result depends on the order its threads run "
         "in: a data race between threads or blocks (a missing "
         "__syncthreads, two blocks writing one element, a block reading "
         "another's output), a read of __shared__ memory before it is "
         "written, or floating-point atomics; on a GPU it can change from "
         "run to run");
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
