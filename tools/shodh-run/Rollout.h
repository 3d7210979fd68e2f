//===- Rollout.h - Autoregressive rollout in `shodh-run eval` -------------===//
//
// `shodh-run eval --rollout DATASET` walks a model along stored
// trajectories: DATASET holds (N, T, C, spatial...) snapshots; the model's
// `infer` maps a window of W_in snapshots (W_in·C channels, snapshot-major:
// channel w·C + c is channel c of snapshot w, as `shodh-data ns2d --window`
// writes them) to the next W_out snapshots (W_out·C channels). The first
// window is snapshots 0 … W_in−1 of the data; every later window is the
// last W_in snapshots of (that window, then every prediction so far), so
// from the first step on the model sees its own output. Step k (1-based)
// predicts snapshots W_in + (k−1)·W_out … W_in + k·W_out − 1 and is
// compared with the stored ones (physical units, ErrorMetrics).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/data/Hdf5File.h"
#include "runtime/train/Metrics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace shodh {

struct ModelDesc;
class Predictor;

/// The trajectories of one data file.
struct Trajectories {
  std::string path, dataset;
  FloatArray values; ///< (N, T, C, spatial...)

  int64_t count() const { return values.shape[0]; }
  int64_t snapshots() const { return values.shape[1]; }
  int64_t channels() const { return values.shape[2]; }
  /// Values of one snapshot (C · spatial).
  int64_t snapshotSize() const;
};

/// Reads dataset `dataset` of `path`; throws `Error` if it is missing, not
/// floating point, not (N, T, C, spatial...) with N, T ≥ 1, or holds a NaN
/// or Inf.
Trajectories loadTrajectories(const std::string &path,
                              const std::string &dataset);

/// Snapshots per window of the model on some trajectories.
struct RolloutShape {
  int64_t channels = 0;  ///< C: channels of one snapshot
  int64_t windowIn = 0;  ///< W_in: snapshots the model reads
  int64_t windowOut = 0; ///< W_out: snapshots it predicts

  /// Model applications that fit into `snapshots` (0 if none does).
  int64_t stepsWithin(int64_t snapshots) const;
};

/// The windows of `model` (file `modelPath`) on `t`: its `infer` input must
/// be [B, W_in·C, spatial...] and its prediction [B, W_out·C, spatial...]
/// with the trajectories' C and spatial sizes. Throws `Error` naming the
/// file, the dataset and the model's operands otherwise.
RolloutShape rolloutShape(const ModelDesc &model, const std::string &modelPath,
                          const Trajectories &t);

/// The errors of one rollout over a file's trajectories (or of several
/// files together).
struct RolloutErrors {
  std::string name, path;          ///< file ("all" for the files together)
  std::vector<ErrorMetrics> steps; ///< one per model application
  ErrorMetrics whole; ///< per trajectory over all predicted snapshots
};

/// Runs `steps` model applications over every trajectory of `t` through
/// `predictor` (whose `infer` fits `shape`).
RolloutErrors rollout(Predictor &predictor, const Trajectories &t,
                      const RolloutShape &shape, int64_t steps);

/// The files' errors together (each must have the same number of steps).
RolloutErrors combinedRollout(const std::vector<RolloutErrors> &files);

/// Terminal lines of one group: "name: N trajectories, snapshots a-b,
/// relative L2 .., MSE .." then one indented line per step.
std::string rolloutText(const RolloutShape &shape, const RolloutErrors &e);

/// The JSON object of `--metrics-json` for a rollout of `dataset`.
std::string rolloutJson(const std::string &dataset, const RolloutShape &shape,
                        const std::vector<RolloutErrors> &files);

} // namespace shodh
