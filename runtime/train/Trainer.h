//===- Trainer.h - The training loop --------------------------------------===//
//
// `Trainer` runs a model's `train_step` program (TrainContract.h) for a
// number of steps. Each step takes the next batch from a shuffling,
// prefetching `DataLoader` (inputs and targets normalised), writes it and
// the scheduled learning rate into the program's inputs, invokes it, reads
// the loss and then:
//
//   - stops with "loss is NaN at step 1234; last good checkpoint:
//     run/ckpt-1200.fb" if the loss is not finite (no further checkpoint is
//     written, so the last good one survives); with `checkNumerics`, stops
//     the same way at the first kernel call that leaves a NaN/Inf in an
//     output ("step 1234: program 'train_step', call 17 (adam): ...");
//   - restores the parameters matched by `--freeze` to their values at the
//     start of the run (restore-after-step: the optimizer still updates their
//     moments, but the values never change);
//   - every `valEvery` steps and at the end, evaluates `infer` on the
//     validation set (relative L2 and MSE in physical units);
//   - every `logEvery` steps, at validation steps and at the end, appends a
//     record to metrics.jsonl;
//   - every `ckptEvery` steps and at the end, writes ckpt-STEP.fb and
//     latest.fb;
//   - with `keepBest`, writes best.fb at every validation that improves on
//     the lowest relative L2 so far (ties keep the earlier step);
//   - with `patience` P, ends the run (with a checkpoint) at the P-th
//     validation in a row that does not improve on the best one.
//
// Steps are numbered by the count of completed steps: the step that runs
// with lr(s) (s = 0, 1, …) is "step s+1", and ckpt-(s+1).fb holds its result.
// A run resumed from a checkpoint continues with the same parameters, state,
// normalisation, step and loader position, so it computes bit-for-bit what
// the uninterrupted run would have (same machine, threads and options).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/LrSchedule.h"
#include "runtime/train/Normalizer.h"
#include "runtime/train/RunDirectory.h"
#include "runtime/train/TrainContract.h"
#include "runtime/train/TrainingData.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shodh {

class Predictor;

/// Options of a training run (the `shodh-run train` flags).
struct TrainOptions {
  int64_t steps = 0;        ///< total steps of the run
  int64_t batch = 16;       ///< samples per step
  int threads = 1;          ///< session threads
  std::optional<double> lr; ///< replaces `train.lr`
  int64_t valEvery = 0;     ///< validate every K steps (0: at the end only)
  int64_t logEvery = 10;    ///< metrics record every K steps
  int64_t ckptEvery = 0;    ///< checkpoint every K steps (0: at the end only)
  uint64_t seed = 0;        ///< shuffling seed
  std::string freeze;    ///< ECMAScript regex over parameter names (whole name)
  bool normalize = true; ///< false: identity statistics
  int64_t valBatch = 0;  ///< validation batch (0: `batch`)
  bool checkNumerics = false; ///< NaN/Inf check after every kernel call
  /// Bytes a program may plan for; unset: detected (Session.h).
  std::optional<uint64_t> memoryLimit = std::nullopt;
  /// Where the session's kernels run (Backend::Cuda: docs/cuda.md).
  Backend backend = Backend::Cpu;
  bool keepBest = false; ///< write best.fb (needs validation data)
  int64_t patience = 0;  ///< stop after this many validations without a
                         ///< new best (0: never)
};

/// What happened in one step, for progress displays.
struct StepReport {
  int64_t step = 0; ///< completed steps
  int64_t totalSteps = 0;
  int64_t epoch = 0;
  double loss = 0;
  double lr = 0;
  std::optional<double> valRelL2, valMse;
  std::optional<double> valSeconds; ///< wall time of this step's validation
  /// The step's logged `train_step` outputs ("aux.*", "pi.*"), by name.
  std::vector<std::pair<std::string, double>> terms;
  double seconds = 0;     ///< training time, continued across resumes
  double runSeconds = 0;  ///< time since this process started training
  int64_t runSteps = 0;   ///< steps done by this process
  bool logged = false;    ///< a metrics record was written
  std::string checkpoint; ///< path of the checkpoint written, or ""
  bool best = false;      ///< this step's validation is the best so far
};

/// Receives progress; may ask the loop to stop (e.g. on SIGINT).
class TrainObserver {
public:
  virtual ~TrainObserver() = default;
  /// Called after every step.
  virtual void onStep(const StepReport &report) { (void)report; }
  /// Checked after every step: true writes a checkpoint and ends the run.
  virtual bool stopRequested() { return false; }
};

/// The outcome of `Trainer::run`.
struct TrainResult {
  int64_t steps = 0; ///< completed steps
  double loss = 0;   ///< loss of the last step
  std::optional<double> valRelL2, valMse;
  std::string checkpoint; ///< the last checkpoint written
  /// Ended by `stopRequested` (before the last step; `steps` unchanged and
  /// no checkpoint written when asked before the first one).
  bool stopped = false;
  bool patienceOut = false; ///< ended by `patience`
  /// The lowest validation relative L2 of the run (resumed parts included)
  /// and its step; `best` is best.fb's path when it holds those weights.
  std::optional<double> bestValRelL2;
  int64_t bestStep = 0, sinceBest = 0;
  std::string best;
  /// Wall time of this process's run, and the parts of it spent on
  /// validation (`validations` runs) and on checkpoints (`checkpoints`).
  double seconds = 0, valSeconds = 0, ckptSeconds = 0;
  int64_t validations = 0, checkpoints = 0;
};

/// Checks the options (positive counts; --keep-best and --patience need
/// `validation` data, --patience also --val-every); throws `Error`. The
/// trainer runs it first; `shodh-run train` also runs it before it creates
/// the run folder.
void checkTrainOptions(const TrainOptions &options, bool validation);

/// Checks training (and validation) data against the model's `train_step`
/// and `infer` and the batch size; throws `Error` naming the file and
/// dataset. The trainer runs it first; `shodh-run train` also runs it
/// before it creates the run folder.
void checkTrainingData(const ModelDesc &model, const TrainingData &train,
                       const TrainingData *val, int64_t batch);

/// The training loop over one model, data set and run directory.
class Trainer {
public:
  /// Checks the model against the contract and the data, computes the
  /// normalisation, creates the session and prepares `train_step`. Throws
  /// `Error` on any mismatch. `model`, the data and `run` must outlive it.
  Trainer(const ModelDesc &model, const TrainingData &train,
          const TrainingData *val, RunDirectory &run, TrainOptions options,
          TrainObserver *observer = nullptr);
  ~Trainer();

  /// Continues the run saved in `ckpt`: parameters, state, normalisation,
  /// step and loader position. Throws if it is not a training checkpoint of
  /// this model and data (batch size, sample count) or has no step left.
  /// Returns notes for the user (e.g. a changed --steps).
  std::vector<std::string> resume(const Checkpoint &ckpt,
                                  const std::string &modelName);
  /// Starts from the parameters of `ckpt` matched by name, dtype and shape.
  /// With `keepNormalization` (and normalisation on), the checkpoint's
  /// normalisation statistics replace those computed on the training set, so
  /// fine-tuning feeds data scaled as in pretraining; throws if the channel
  /// counts differ.
  InitFromReport initFrom(const Checkpoint &ckpt,
                          bool keepNormalization = true);

  /// Runs the remaining steps. Throws `Error` on a non-finite loss.
  TrainResult run();

  Session &session() { return *session_; }
  const Normalizer &normalizer() const { return norm_; }
  const LrSchedule &schedule() const { return schedule_; }
  const TrainState &state() const { return state_; }
  /// Names of the frozen parameters.
  std::vector<std::string> frozenNames() const;

private:
  /// Binds the symbols and prepares `train_step` for the batch.
  void prepareTrainStep();
  /// Finds the parameters matched by `--freeze` and records their values.
  void setupFreeze();
  /// Records the current values of the frozen parameters.
  void snapshotFrozen();
  /// Writes back the recorded values of the frozen parameters.
  void restoreFrozen();
  /// Runs one step on `batch`; returns the loss and fills `terms` with the
  /// logged outputs.
  double step(const Batch &batch, double lr,
              std::vector<std::pair<std::string, double>> &terms);
  /// Writes the checkpoint of the current state as ckpt-STEP.fb and
  /// latest.fb (`regular`) and as best.fb (`best`).
  void saveCheckpoint(bool regular, bool best, StepReport &r);
  /// Runs the validation of step `r.step` into `r`; throws on non-finite
  /// metrics.
  void validate(StepReport &r);
  /// Records the validation of step `r.step` against the best so far.
  void recordValidation(StepReport &r);
  /// With keepBest on a run resumed from `from`: checks that best.fb holds
  /// the recorded best validation (step and value); else restores it from
  /// the resumed folder's best.fb or the checkpoint of that step when one
  /// is left, or notes that best.fb waits for the next better validation
  /// (the record itself is kept: --patience and the `best:` line go on).
  std::optional<std::string> checkBestFile(const std::string &from);
  /// The message for a non-finite loss at `stepNumber`.
  std::string divergedMessage(double loss, int64_t stepNumber) const;
  /// The message for a `NonFiniteError` raised during `stepNumber`.
  std::string nonFiniteMessage(const std::string &what,
                               int64_t stepNumber) const;

  const ModelDesc &model_;
  const TrainingData &train_;
  const TrainingData *val_;
  RunDirectory &run_;
  TrainOptions options_;
  TrainObserver *observer_;
  TrainStepOperands ops_;
  LrSchedule schedule_;
  Normalizer norm_;
  TrainState state_;
  bool resumed_ = false;
  std::string lastCheckpoint_;
  bool bestFileHolds_ = false; ///< best.fb holds the recorded best
  std::unique_ptr<Session> session_;
  std::unique_ptr<Predictor> predictor_;
  std::vector<std::pair<int32_t, std::vector<uint8_t>>> frozen_;
};

} // namespace shodh
