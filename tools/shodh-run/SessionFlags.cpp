//===- SessionFlags.cpp - Runtime guard flags shared by shodh-run commands ===//
#include "tools/shodh-run/SessionFlags.h"

#include <cmath>

namespace shodh {

void SessionFlags::addTo(CLI::App *cmd) {
  cmd->add_flag("--check-numerics", checkNumerics,
                "after every kernel call, stop at the first NaN/Inf output "
                "(names the call and whether its inputs were finite)");
  cmd->add_option("--memory-limit", memoryLimitMiB,
                  "MiB the program may plan for (arena + parameters + state); "
                  "default: MemAvailable or the cgroup limit")
      ->check(CLI::Range(1.0, 1.0e12));
}

std::optional<uint64_t> SessionFlags::memoryLimitBytes() const {
  if (memoryLimitMiB <= 0)
    return std::nullopt;
  return static_cast<uint64_t>(std::llround(memoryLimitMiB * 1048576.0));
}

SessionOptions SessionFlags::apply(SessionOptions options) const {
  options.checkNumerics = checkNumerics;
  options.memoryLimit = memoryLimitBytes();
  return options;
}

} // namespace shodh
