//===- SessionFlags.h - Runtime guard flags shared by shodh-run commands --===//
//
// `--check-numerics`, `--memory-limit MiB` and `--fft-plan estimate|measure`
// mean the same in `infer`, `eval`, `train` and `bench`; each command adds
// them with `addTo` and turns them into `SessionOptions` with `apply`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace shodh {

/// The guard flags of one command.
struct SessionFlags {
  bool checkNumerics = false;
  double memoryLimitMiB = 0; ///< 0: detect the memory available
  std::string fftPlan = "estimate";

  /// Adds `--check-numerics` and `--memory-limit` to `cmd`.
  void addTo(CLI::App *cmd);
  /// The memory limit in bytes, if one was given.
  std::optional<uint64_t> memoryLimitBytes() const;
  /// The FFT planning mode asked for.
  FftPlanning fftPlanning() const;
  /// `options` with the flags applied; also sets the process's FFT planning
  /// mode (sessions plan their transforms when prepared).
  SessionOptions apply(SessionOptions options) const;
};

} // namespace shodh
