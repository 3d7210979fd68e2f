//===- TrajectoryImport.h - Importing trajectories from other layouts ----===//
//
// Shared by `shodh-data pdebench` and `shodh-data well`: fields of a foreign
// HDF5 file, each (N, T, spatial..., components...), become the channels of
// `trajectories` (N, T', C, spatial...) and, with --window, training pairs
// `inputs` (W snapshots) -> `targets` (the next V), snapshot-major
// (docs/data-format.md § Importing PDEBench and The Well). Samples are read
// and written one at a time.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/Hdf5File.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shodh {

/// One dataset of the input file and the channels it gives.
struct ImportField {
  std::string dataset;               ///< path in the file
  std::vector<std::string> channels; ///< one per component (1: scalar)
  int64_t componentAxes = 0;         ///< trailing axes holding components
};

/// The options the import commands share.
struct ImportOptions {
  std::string in, out, commandLine;
  int64_t samples = 0; ///< 0: all
  int64_t every = 1;
  int64_t window = 0, windowOut = 0, windowStride = 0;

  /// Adds --in, --out, --samples, --every, --window, --window-out and
  /// --window-stride to `cmd`.
  void addTo(CLI::App *cmd);
};

/// Checks `fields` against `file` (floating point, one shape (N, T,
/// `spatialRank` spatial axes (-1: 1 to 3), components)) and the options,
/// then writes `o.out`: `trajectories`, the pairs with --window, the common
/// attributes, `extent` when the datasets `coordinates` (one per spatial
/// axis) are uniform cell centres (points × spacing), and what `extraAttrs`
/// writes. `label` names the progress line.
void importTrajectories(
    ImportOptions &o, const Hdf5Reader &file,
    const std::vector<ImportField> &fields, int64_t spatialRank,
    const std::vector<std::string> &coordinates, const std::string &label,
    const std::function<void(Hdf5Writer &)> &extraAttrs = {});

} // namespace shodh
