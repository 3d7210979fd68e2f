//===- Checkpoint.h - Saving and restoring training state -----------------===//
//
// A checkpoint is a model file (docs/model-file.md): a copy of the model in
// which every parameter and state tensor carries its current value in the
// data section, plus
//
//   - four f64 [C] state tensors with the normalisation statistics:
//     `norm.input.mean`, `norm.input.std`, `norm.target.mean`,
//     `norm.target.std` (no program uses them);
//   - the training progress as hyperparameters: `ckpt.step` (completed
//     steps), `ckpt.epoch` and `ckpt.position` (the data loader's position),
//     `ckpt.seed`, `ckpt.batch`, `ckpt.samples` (training-set size),
//     `ckpt.total_steps`, `ckpt.window_steps` (Int), `ckpt.seconds`
//     (Float, training time) and `ckpt.window_loss` (Float; with
//     window_steps, the running `loss_avg` of metrics.jsonl); once a
//     validation has run, `ckpt.best_step` (Int), `ckpt.best_val_rel_l2`
//     (Float: the lowest validation relative L2 so far and its step) and
//     `ckpt.since_best` (Int: validations since then, for --patience).
//     Checkpoints written before these existed read as "no validation yet".
//
// Checkpoints are written with `writeModelFile` (temp file + fsync +
// rename), so a crash never leaves a torn one. Reading runs the model-file
// verifier, then checks the `ckpt.*` and `norm.*` entries; restoring into a
// session first checks that the checkpoint matches the model (same
// parameter and state names, roles, dtypes and shapes) and lists every
// mismatch.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"
#include "runtime/format/ModelDesc.h"
#include "runtime/train/DataLoader.h"
#include "runtime/train/Normalizer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shodh {

/// Names of the normalisation tensors of a checkpoint.
extern const char *const kNormInputMean,
    *const kNormInputStd, *const kNormTargetMean, *const kNormTargetStd;

/// Training progress stored in a checkpoint's `ckpt.*` hyperparameters.
struct TrainState {
  int64_t step = 0;        ///< completed steps
  LoaderPosition loader;   ///< where the training loader continues
  uint64_t seed = 0;       ///< shuffling seed
  int64_t batch = 0;       ///< batch size of the run
  int64_t samples = 0;     ///< training samples of the run
  int64_t totalSteps = 0;  ///< --steps of the run
  double seconds = 0;      ///< wall time spent training so far
  double windowLoss = 0;   ///< sum of the losses since the last metrics record
  int64_t windowSteps = 0; ///< steps since the last metrics record
  /// The lowest validation relative L2 so far (none before the first
  /// validation), the step it was measured at, and the validations run
  /// since then without improving on it.
  std::optional<double> bestValRelL2;
  int64_t bestStep = 0;
  int64_t sinceBest = 0;
};

/// A checkpoint read from disk.
struct Checkpoint {
  std::string path;
  ModelDesc desc;
  std::optional<TrainState> state; ///< absent in weights-only model files
  std::optional<Normalizer> norm;  ///< absent without `norm.*` tensors
};

/// Builds the checkpoint of `session` (its model with current parameter and
/// state values), with the normalisation statistics and training state.
ModelDesc makeCheckpoint(Session &session, const Normalizer &norm,
                         const TrainState &state);

/// Writes a checkpoint atomically; throws `Error` on failure.
void writeCheckpoint(const ModelDesc &checkpoint, const std::string &path);

/// Reads and verifies a checkpoint. Throws `Error` for an unreadable or
/// corrupted file, or malformed `ckpt.*` / `norm.*` entries:
/// `'c.fb': corrupted checkpoint (hyperparameter 'ckpt.epoch' is missing)`.
Checkpoint readCheckpoint(const std::string &path);

/// Throws `Error` listing every difference between the checkpoint's and the
/// model's parameter and state tensors (missing, extra, role, dtype, shape,
/// no stored value). `modelName` names the model in the message.
void checkCheckpointMatches(const Checkpoint &ckpt, const ModelDesc &model,
                            const std::string &modelName);

/// Throws `Error` listing every hyperparameter (`train.*` configuration
/// included; the checkpoint's own `ckpt.*` entries aside) that differs
/// between the checkpoint and the model: a resumed run must continue with
/// the model it was started with, not one compiled with another loss or
/// optimizer setting.
void checkSameHyperparams(const Checkpoint &ckpt, const ModelDesc &model,
                          const std::string &modelName);

/// Checks the match, then copies every parameter and state value of the
/// checkpoint into the session.
void restoreCheckpoint(Session &session, const Checkpoint &ckpt,
                       const std::string &modelName);

/// Restores the session from one or more checkpoints that together hold the
/// model (an autoencoder's and a latent model's, trained apart; or a larger
/// model's checkpoint for a model compiled from one of its functions): each
/// parameter and state tensor of the model comes from the first checkpoint
/// holding it with the same dtype and shape (or an f32 value for an f64
/// tensor, widened exactly: a model compiled with `shodhc --precision f64`
/// runs with the weights of its f32 training run). Throws `Error` listing every
/// model tensor no checkpoint holds. Returns notes: parameters found in
/// several checkpoints (the first was used) and, per checkpoint, the
/// parameters the model does not have (ignored). Training resumes use the
/// strict restoreCheckpoint instead.
std::vector<std::string>
restoreCheckpoints(Session &session, const std::vector<Checkpoint> &ckpts,
                   const std::string &modelName);

/// The normalisation statistics for a model restored from `ckpts`: those of
/// a single checkpoint unless they are the identity (a --no-normalize run,
/// whose channel counts need not match a model compiled from a part of
/// it); for several, none — each must have been trained
/// with --no-normalize (identity statistics), else `Error`: one part's
/// statistics do not describe the combined model's inputs and outputs.
std::optional<Normalizer>
combinedNormalizer(const std::vector<Checkpoint> &ckpts);

/// "'c.fb' comes from a model compiled with res=16; this one has res=32
/// (its parameters fit)": the hyperparameters both have with other values
/// (`train.*` and `ckpt.*` aside), or none. Weights whose shapes fit a model
/// compiled with other sizes (an FNO at another grid) are used as they are;
/// restoreCheckpoints and --init-from say what changed.
std::optional<std::string> changedHyperparamsNote(const Checkpoint &ckpt,
                                                  const ModelDesc &model);

/// What `initParameters` did.
struct InitFromReport {
  int64_t copied = 0;
  std::vector<std::string> mismatches; ///< one line per parameter not copied
  bool keptNormalization = false;      ///< the checkpoint's statistics are used
};

/// Copies the parameters of `ckpt` whose name, dtype and shape match a model
/// parameter into the session (optimizer state and normalisation are not
/// copied). Reports parameters missing on either side and shape/dtype
/// differences; throws `Error` if nothing matches.
InitFromReport initParameters(Session &session, const Checkpoint &ckpt);

} // namespace shodh
