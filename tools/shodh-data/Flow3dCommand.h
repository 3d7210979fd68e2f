//===- Flow3dCommand.h - Shared parts of shodh-data channel3d / porous3d --===//
//
// The two 3D flow commands differ only in their geometry flags; options,
// generation and the file layout (docs/data-format.md, "3D flows") are
// shared here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/gen/Flow3dSamples.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace shodh {

/// Options of `shodh-data channel3d|porous3d`.
struct Flow3dCommandOptions {
  Flow3dOptions flow;
  std::vector<double> nu, re, porosity; ///< 1 value or a range (2)
  std::string penalization = "implicit";
  int64_t n = 8;
  uint64_t seed = 0;
  int threads = 2;
  /// --snapshots: write `inputs` = `targets` (N*T, 3, R, R, R), components
  /// in axis order (u_z, u_y, u_x), and `domain` per snapshot, instead of
  /// `velocity` (autoencoder training, docs/data-format.md "3D flows").
  bool snapshots = false;
  /// --pairs: write next-state pairs `inputs` = u(t_j), `targets` =
  /// u(t_{j+1}), j = 0..T-1 with t_0 = 0 the stored initial state, as
  /// (N*T, 3, D, H, W) in the same axis order, and `domain` per pair.
  bool pairs = false;
  std::string out;
  std::string commandLine;
};

/// Adds a `name` subcommand for `domain` with the shared options; the caller
/// adds the geometry flags.
CLI::App *addFlow3dSubcommand(CLI::App &app, const std::string &name,
                              const std::string &description,
                              Flow3dDomain domain,
                              const std::shared_ptr<Flow3dCommandOptions> &o);

} // namespace shodh
