//===- SessionFlags.h - Runtime guard flags shared by shodh-run commands --===//
//
// `--check-numerics` and `--memory-limit MiB` mean the same in `infer`,
// `eval`, `train` and `bench`; each command adds them with `addTo` and turns
// them into `SessionOptions` with `apply`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>

namespace shodh {

/// The guard flags of one command.
struct SessionFlags {
  bool checkNumerics = false;
  double memoryLimitMiB = 0; ///< 0: detect the memory available

  /// Adds `--check-numerics` and `--memory-limit` to `cmd`.
  void addTo(CLI::App *cmd);
  /// The memory limit in bytes, if one was given.
  std::optional<uint64_t> memoryLimitBytes() const;
  /// `options` with the flags applied.
  SessionOptions apply(SessionOptions options) const;
};

} // namespace shodh
