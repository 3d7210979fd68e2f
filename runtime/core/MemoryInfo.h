//===- MemoryInfo.h - How much memory there is, and how much we use -------===//
//
// `Session::prepare` refuses a program whose planned memory (arena plus the
// persistent tensors and the arenas of other prepared programs) exceeds the
// memory available to the process, instead of letting the allocation fail or
// the kernel's OOM killer end the process half-way through a run:
//
//   available = min(MemAvailable + memory the session already holds,
//                   cgroup limit)             unless --memory-limit is given
//
// MemAvailable comes from /proc/meminfo (it already excludes what the
// session holds, hence the addition); the cgroup limit from
// /sys/fs/cgroup/memory.max (cgroup v2) or
// /sys/fs/cgroup/memory/memory.limit_in_bytes (v1) when one is set. Where
// neither can be read (not Linux), there is no check. `procStatusKiB` reads
// the process's own resident set (VmRSS, VmHWM) for `shodh-run bench`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace shodh {

/// A memory figure and where it came from (for messages).
struct MemoryBudget {
  uint64_t bytes = 0;
  std::string source; ///< e.g. "MemAvailable in /proc/meminfo"
};

/// The value in KiB of a "Name:   1234 kB" line of /proc/meminfo or
/// /proc/self/status text; nullopt if the field is missing or malformed.
std::optional<uint64_t> parseKiBField(const std::string &text,
                                      const std::string &field);

/// A cgroup memory limit file's content in bytes ("max" or a number too
/// large to be a real limit: nullopt).
std::optional<uint64_t> parseCgroupLimit(const std::string &text);

/// Memory the process may still use, given that it already holds
/// `heldBytes`: the smaller of MemAvailable + `heldBytes` and the cgroup
/// limit. The paths are parameters for tests. nullopt if nothing could be
/// read.
std::optional<MemoryBudget> detectMemoryBudget(
    uint64_t heldBytes, const std::string &meminfoPath = "/proc/meminfo",
    const std::string &cgroupV2Path = "/sys/fs/cgroup/memory.max",
    const std::string &cgroupV1Path =
        "/sys/fs/cgroup/memory/memory.limit_in_bytes");

/// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); nullopt where
/// the file or field does not exist.
std::optional<uint64_t> procStatusKiB(const std::string &field);

/// What a program to be prepared needs, for `checkMemoryFits`.
struct MemoryDemand {
  std::string program;
  std::map<std::string, int64_t> symbols; ///< bindings, for the message
  uint64_t arenaBytes = 0;                ///< the planned arena
  uint64_t persistentBytes = 0;           ///< parameters, state, constants
  uint64_t otherArenaBytes = 0;           ///< arenas of other prepared programs
};

/// Throws `Error` when `demand` does not fit in `budget`, naming the
/// program, the bindings, every figure in MiB and suggesting a smaller
/// --batch. Sums are overflow-checked.
void checkMemoryFits(const MemoryDemand &demand, const MemoryBudget &budget);

} // namespace shodh
