//===- SessionFlags.h - Runtime guard flags shared by shodh-run commands --===//
//
// `--check-numerics`, `--memory-limit MiB`, `--fft-plan estimate|measure`
// and `--device cpu|cuda|auto` mean the same in `infer`, `eval`, `train` and
// `bench`; each command adds them with `addTo` and turns them into
// `SessionOptions` with `apply`. `--device cuda` fails with a clear message
// when the build has no CUDA backend or no device is visible; `auto` picks
// cuda when a device is visible, else cpu (docs/cuda.md). `train` runs on
// the CPU only for now and rejects `--device cuda`.
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
  std::string device = "cpu"; ///< cpu, cuda or auto

  /// Adds `--check-numerics` and `--memory-limit` to `cmd`.
  void addTo(CLI::App *cmd);
  /// The memory limit in bytes, if one was given.
  std::optional<uint64_t> memoryLimitBytes() const;
  /// The backend asked for (`auto` resolved by probing for a device).
  Backend backend() const;
  /// The FFT planning mode asked for.
  FftPlanning fftPlanning() const;
  /// `options` with the flags applied (backend included); also sets the
  /// process's FFT planning mode (sessions plan their transforms when
  /// prepared). Throws `Error` for `--device cuda` without a usable device.
  SessionOptions apply(SessionOptions options) const;
};

} // namespace shodh
