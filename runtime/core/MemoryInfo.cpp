//===- MemoryInfo.cpp - How much memory there is, and how much we use -----===//
#include "runtime/core/MemoryInfo.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace shodh {

namespace {

/// The whole content of a small text file, or nullopt if it cannot be read.
std::optional<std::string> readSmallFile(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return s.str();
}

/// Parses a non-empty run of decimal digits at `s[pos...]`; nullopt on
/// anything else or on overflow.
std::optional<uint64_t> parseDigits(const std::string &s, size_t pos,
                                    size_t *end) {
  uint64_t v = 0;
  size_t i = pos;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
    if (__builtin_mul_overflow(v, uint64_t(10), &v) ||
        __builtin_add_overflow(v, uint64_t(s[i] - '0'), &v))
      return std::nullopt;
  if (i == pos)
    return std::nullopt;
  *end = i;
  return v;
}

/// Bytes as MiB with one decimal.
std::string mib(uint64_t bytes) {
  return fmt::format("{:.1f} MiB", double(bytes) / 1048576.0);
}

/// "B=16, N=3", or "no symbols bound".
std::string formatSymbols(const std::map<std::string, int64_t> &symbols) {
  std::vector<std::string> parts;
  for (const auto &[name, value] : symbols)
    parts.push_back(fmt::format("{}={}", name, value));
  if (parts.empty())
    return "with no symbols bound";
  return fmt::format("at {}", fmt::join(parts, ", "));
}

/// a + b, or throws (sizes this large cannot be real).
uint64_t addBytes(uint64_t a, uint64_t b, const std::string &program) {
  uint64_t s;
  if (__builtin_add_overflow(a, b, &s))
    throw Error(fmt::format(
        "program '{}': the memory it needs overflows 64 bits", program));
  return s;
}

} // namespace

std::optional<uint64_t> parseKiBField(const std::string &text,
                                      const std::string &field) {
  std::string key = field + ":";
  size_t at = 0;
  while ((at = text.find(key, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n')
      break;
    at += key.size();
  }
  if (at == std::string::npos)
    return std::nullopt;
  size_t pos = at + key.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
    ++pos;
  size_t end = 0;
  std::optional<uint64_t> v = parseDigits(text, pos, &end);
  if (!v || text.compare(end, 3, " kB") != 0)
    return std::nullopt;
  return v;
}

std::optional<uint64_t> parseCgroupLimit(const std::string &text) {
  size_t end = 0;
  std::optional<uint64_t> v = parseDigits(text, 0, &end);
  // cgroup v1 reports "no limit" as a huge page-rounded number.
  if (!v || *v >= (uint64_t(1) << 62))
    return std::nullopt;
  return v;
}

std::optional<MemoryBudget>
detectMemoryBudget(uint64_t heldBytes, const std::string &meminfoPath,
                   const std::string &cgroupV2Path,
                   const std::string &cgroupV1Path) {
  std::optional<MemoryBudget> best;
  if (std::optional<std::string> text = readSmallFile(meminfoPath))
    if (std::optional<uint64_t> kib = parseKiBField(*text, "MemAvailable")) {
      uint64_t bytes = 0;
      if (__builtin_mul_overflow(*kib, uint64_t(1024), &bytes) ||
          __builtin_add_overflow(bytes, heldBytes, &bytes))
        bytes = UINT64_MAX;
      best = MemoryBudget{bytes, "MemAvailable in " + meminfoPath +
                                     " plus what the session holds"};
    }
  for (const std::string &path : {cgroupV2Path, cgroupV1Path}) {
    std::optional<std::string> text = readSmallFile(path);
    std::optional<uint64_t> limit =
        text ? parseCgroupLimit(*text) : std::nullopt;
    if (limit && (!best || *limit < best->bytes))
      best = MemoryBudget{*limit, "cgroup limit in " + path};
    if (text)
      break; // v2 and v1 are not mounted together
  }
  return best;
}

std::optional<uint64_t> procStatusKiB(const std::string &field) {
  std::optional<std::string> text = readSmallFile("/proc/self/status");
  return text ? parseKiBField(*text, field) : std::nullopt;
}

void checkMemoryFits(const MemoryDemand &d, const MemoryBudget &budget) {
  uint64_t held = addBytes(d.persistentBytes, d.otherArenaBytes, d.program);
  uint64_t total = addBytes(d.arenaBytes, held, d.program);
  if (total <= budget.bytes)
    return;
  std::string others = d.otherArenaBytes
                           ? fmt::format(" + {} of other prepared programs",
                                         mib(d.otherArenaBytes))
                           : "";
  throw Error(fmt::format(
      "program '{}' needs {} {} (arena {} planned + {} of parameters, state "
      "and constants{}) but only {} is available ({}); try a smaller --batch",
      d.program, mib(total), formatSymbols(d.symbols), mib(d.arenaBytes),
      mib(d.persistentBytes), others, mib(budget.bytes), budget.source));
}

} // namespace shodh
