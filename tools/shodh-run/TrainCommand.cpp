//===- TrainCommand.cpp - shodh-run train
//----------------------------------===//
//
// Trains a model compiled with a `shodh.train` config: checks every file
// first (model, data, output folder, checkpoints to resume or start from),
// then runs the `Trainer` (runtime/train/Trainer.h) with a progress line —
// redrawn in place on a terminal, one plain line per logged step otherwise;
// auxiliary loss terms and PI controller weights, if the model has any, are
// shown after the learning rate.
// Ctrl-C (or SIGTERM, SIGHUP, SIGUSR1: StopSignals.h) finishes the current
// step, writes a checkpoint and exits cleanly; `--resume` continues from
// it. See docs/training.md.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Device.h"
#include "runtime/kernels/cpu/spectral/FftPlan.h"
#include "runtime/support/Status.h"
#include "runtime/train/AtomicText.h"
#include "runtime/train/Trainer.h"
#include "tools/common/CliChecks.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/ModelText.h"
#include "tools/shodh-run/SessionFlags.h"
#include "tools/shodh-run/StopSignals.h"
#include "tools/shodh-run/TrainFolder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <chrono>
#include <cstdio>
#include <deque>
#include <unistd.h>

namespace shodh {
namespace {

struct TrainCommandOptions {
  std::string model, data, val, out, resume, initFrom;
  TrainOptions train;
  double lr = 0;
  int keep = 3;
  bool autoResume = false;
  bool noNormalize = false;
  bool renormalize = false;
  SessionFlags flags;
};

/// "1h02m", "3m07s", "12s".
std::string formatDuration(double seconds) {
  auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600)
    return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60)
    return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

/// The progress line: redrawn on a terminal, plain lines for logged steps.
class ProgressLine : public TrainObserver {
public:
  ProgressLine() : tty_(isatty(fileno(stderr)) != 0) {}

  void onStep(const StepReport &r) override {
    if (r.valRelL2)
      valRelL2_ = *r.valRelL2, valBest_ = r.best;
    bool last = r.step == r.totalSteps;
    auto now = std::chrono::steady_clock::now();
    recent_.push_back({r.runSeconds, r.runSteps});
    while (recent_.size() > 2 && recent_[1].first < r.runSeconds - kRateWindow)
      recent_.pop_front();
    // On a terminal at most 10 redraws a second (logged steps too: with
    // --log-every 1 they came 1000 times a second); validation always.
    if (tty_ && !last && !r.valRelL2 &&
        now - lastDraw_ < std::chrono::milliseconds(100))
      return;
    if (!tty_ && !r.logged)
      return;
    lastDraw_ = now;
    double rate = windowRate(r);
    std::string val = valRelL2_
                          ? fmt::format("  val rel-L2 {:.4e}{}", *valRelL2_,
                                        valBest_ ? " (best)" : "")
                          : "";
    std::string eta =
        rate > 0 ? formatDuration(double(r.totalSteps - r.step) / rate) : "?";
    std::string terms;
    for (const auto &[name, value] : r.terms)
      terms += fmt::format("  {} {:.3e}", name, value);
    std::fprintf(
        stderr,
        "%sstep %lld/%lld  loss %.4e  lr %.3e%s%s  %.1f steps/s  ETA %s%s",
        tty_ ? "\r\033[K" : "", static_cast<long long>(r.step),
        static_cast<long long>(r.totalSteps), r.loss, r.lr, terms.c_str(),
        val.c_str(), rate, eta.c_str(), tty_ && !last ? "" : "\n");
    std::fflush(stderr);
  }
  bool stopRequested() override { return stopSignal() != 0; }

  /// Ends a partly drawn line before other output.
  void finishLine() const {
    if (tty_)
      std::fprintf(stderr, "\n");
  }

private:
  /// Seconds of progress the rate is measured over.
  static constexpr double kRateWindow = 30.0;

  /// Steps per second over the last kRateWindow seconds (validation and
  /// checkpoints included), so a slowdown shows and the ETA follows it; the
  /// average since the start until the window holds a second of progress.
  double windowRate(const StepReport &r) const {
    const auto &[t0, s0] = recent_.front();
    if (r.runSeconds - t0 >= 1.0 && r.runSteps > s0)
      return double(r.runSteps - s0) / (r.runSeconds - t0);
    return r.runSeconds > 0 ? double(r.runSteps) / r.runSeconds : 0.0;
  }

  bool tty_;
  std::optional<double> valRelL2_;
  bool valBest_ = false; ///< valRelL2_ was the best so far when measured
  std::chrono::steady_clock::time_point lastDraw_{};
  std::deque<std::pair<double, int64_t>> recent_; ///< (run seconds, run steps)
};

/// Whether train_step clips its gradients by their global norm.
bool clipsGradients(const ModelDesc &m) {
  const ProgramDesc *step = m.findProgram("train_step");
  return step && std::any_of(step->calls.begin(), step->calls.end(),
                             [](const KernelCall &c) {
                               return c.kernel == "grad_global_norm";
                             });
}

/// Describes the run before it starts.
void printHeader(const TrainCommandOptions &o, const ModelDesc &m,
                 const TrainingData &train, const Trainer &t) {
  const auto &hps = m.meta.hyperparams;
  fmt::print("train: {} on '{}' ({} samples, batch {}, {} steps/epoch), {} "
             "steps, {} threads\n",
             o.model, o.data, train.samples(), o.train.batch,
             train.samples() / o.train.batch, o.train.steps, o.train.threads);
  const LrSchedule &schedule = t.schedule();
  fmt::print(
      "schedule {}; loss {}, optimizer {}\n", schedule.describe(),
      stringHyperparam(hps, "train.loss").value_or("(as compiled)"),
      stringHyperparam(hps, "train.optimizer").value_or("(as compiled)"));
  if (schedule.kind == ScheduleKind::Cosine && schedule.warmup >= o.train.steps)
    fmt::print("note: train.warmup ({}) is not below --steps ({}): the whole "
               "run is warm-up and the learning rate stays below lr\n",
               schedule.warmup, o.train.steps);
  if (!t.frozenNames().empty()) {
    fmt::print("frozen (restored after every step): {}\n",
               fmt::join(t.frozenNames(), ", "));
    if (clipsGradients(m))
      fmt::print("note: train.clip_norm scales by the norm of every "
                 "parameter's gradient, the frozen ones' included (PyTorch's "
                 "requires_grad=False leaves them out)\n");
  }
  std::vector<std::string> logged;
  for (const LoggedOutput &out : checkTrainStep(m).logged)
    logged.push_back(out.name);
  if (!logged.empty())
    fmt::print("auxiliary terms and controllers (logged per step): {}\n",
               fmt::join(logged, ", "));
  std::fflush(stdout);
}

/// Applies --resume or --init-from to the trainer, printing notes.
void startFrom(const TrainCommandOptions &o, Trainer &t,
               const std::optional<Checkpoint> &resume,
               const std::optional<Checkpoint> &init) {
  if (resume) {
    for (const std::string &note : t.resume(*resume, o.model))
      fmt::print("note: {}\n", note);
    fmt::print("resuming '{}' at step {} (epoch {})\n", resume->path,
               t.state().step, t.state().loader.epoch);
  }
  if (init) {
    if (std::optional<std::string> note =
            changedHyperparamsNote(*init, t.session().model()))
      fmt::print("init-from: {}\n", *note);
    InitFromReport r = t.initFrom(*init, !o.renormalize);
    for (const std::string &line : r.mismatches)
      fmt::print("init-from: {}\n", line);
    fmt::print(
        "init-from: {} parameters copied from '{}'{}\n", r.copied, init->path,
        r.keptNormalization ? ", with its normalisation statistics" : "");
  }
}

/// Chooses the FFT planning mode of the run and imports the wisdom of a
/// resumed `measure` run (its presence records the mode). Returns the mode.
FftPlanning setupFftPlanning(const TrainCommandOptions &o,
                             const RunDirectory &run, bool resuming) {
  FftPlanning mode = o.flags.fftPlanning();
  std::string path = run.wisdomPath();
  if (resuming) {
    std::ifstream in(path);
    FftPlanning recorded = in ? FftPlanning::Measure : FftPlanning::Estimate;
    if (recorded != mode)
      fmt::print("fft-plan: the run was started with --fft-plan {}; keeping "
                 "it so the resumed steps match\n",
                 recorded == FftPlanning::Measure ? "measure" : "estimate");
    mode = recorded;
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      if (!importFftWisdom(text.str()))
        throw Error(fmt::format("'{}' is not FFTW wisdom; restore it from a "
                                "copy or delete the run's checkpoints",
                                path));
    }
  }
  setFftPlanning(mode);
  return mode;
}

/// Refuses flags that exclude each other.
void checkFlagCombinations(const TrainCommandOptions &o) {
  if (!o.resume.empty() && !o.initFrom.empty())
    throw Error("--resume and --init-from exclude each other");
  if (o.renormalize && o.noNormalize)
    throw Error("--renormalize and --no-normalize exclude each other "
                "(--renormalize recomputes the normalisation --no-normalize "
                "turns off)");
  if (o.renormalize && o.initFrom.empty())
    throw Error("--renormalize applies to --init-from only (a fresh run "
                "computes its normalisation anyway; a resumed one keeps its "
                "checkpoint's)");
  if (o.autoResume && o.out.empty())
    throw Error("--auto-resume needs --out (the run folder to continue or "
                "start)");
  if (o.autoResume && !o.resume.empty())
    throw Error("--auto-resume and --resume exclude each other (--auto-resume "
                "resumes --out when it holds a run)");
}

/// --auto-resume: continues the run in --out when it holds one (a requeued
/// batch job), else starts it as the other options say. Returns false when
/// that run is over (at --steps, or stopped by --patience with no more
/// patience given now): nothing to do, a success.
bool applyAutoResume(TrainCommandOptions &o) {
  if (!o.autoResume)
    return true;
  std::optional<Checkpoint> from = newestCheckpointIn(o.out);
  if (!from) {
    std::vector<std::string> log = checkpointFilesIn(o.out, true);
    fmt::print("auto-resume: '{}' holds no run yet{}; starting it\n", o.out,
               log.empty() ? ""
                           : " (its metrics.jsonl, of a run stopped before "
                             "its first checkpoint, is replaced)");
    return true;
  }
  const TrainState &s = *from->state;
  if (s.step >= o.train.steps) {
    fmt::print("auto-resume: '{}' is at step {} of --steps {}: the run is "
               "done; checkpoint {}\n",
               from->path, s.step, o.train.steps, from->path);
    return false;
  }
  if (o.train.patience > 0 && s.bestValRelL2 &&
      s.sinceBest >= o.train.patience) {
    fmt::print("auto-resume: '{}' stopped at step {} after {} validation{} "
               "without a lower val rel-L2 than step {}'s (--patience {}): "
               "the run is done; checkpoint {}\n",
               from->path, s.step, s.sinceBest, s.sinceBest == 1 ? "" : "s",
               s.bestStep, o.train.patience, from->path);
    return false;
  }
  fmt::print("auto-resume: continuing the run in '{}'{}\n", o.out,
             o.initFrom.empty() ? ""
                                : fmt::format(" (--init-from {} applied when "
                                              "it started)",
                                              o.initFrom));
  o.resume = from->path;
  o.initFrom.clear(), o.renormalize = false;
  return true;
}

void runTrain(TrainCommandOptions o) {
  // From the start: a stop asked while loading ends the run before its
  // first step (StopSignals.h).
  catchStopSignals();
  checkFlagCombinations(o);
  if (!applyAutoResume(o))
    return;
  if (o.lr != 0)
    o.train.lr = o.lr;
  o.train.normalize = !o.noNormalize;
  o.train.checkNumerics = o.flags.checkNumerics;
  o.train.memoryLimit = o.flags.memoryLimitBytes();
  o.train.backend = o.flags.backend();
  if (o.train.backend == Backend::Cuda) // before anything is written
    requireCudaDevice("--device cuda");
  ModelDesc model = loadModelOrThrow(o.model);
  TrainingData train = loadTrainingData(o.data);
  std::optional<TrainingData> val;
  if (!o.val.empty())
    val = loadTrainingData(o.val);
  std::optional<Checkpoint> resume, init;
  if (!o.resume.empty()) {
    resume = readCheckpoint(latestCheckpointOf(o.resume));
    checkSameHyperparams(*resume, model, o.model); // before --out is touched
  }
  // Everything that can be checked before the run folder exists is: a
  // refused run leaves no folder behind.
  checkTrainOptions(o.train, val.has_value());
  checkTrainingData(model, train, val ? &*val : nullptr, o.train.batch);
  checkOutputFolder(o.out, o.resume);
  RunDirectory run(outputDirectory(o.out, o.resume),
                   o.keep); // takes the folder's lock
  if (resume && isSameDirectory(resumeFolderOf(o.resume),
                                outputDirectory(o.out, o.resume))) {
    // Read again under the lock: a run that held the folder until now may
    // have written newer checkpoints since the first read.
    resume = readCheckpoint(latestCheckpointOf(o.resume));
    checkSameHyperparams(*resume, model, o.model);
  }
  if (!o.initFrom.empty())
    init = readCheckpoint(o.initFrom);

  FftPlanning fftMode = setupFftPlanning(o, run, resume.has_value());
  ProgressLine progress;
  Trainer t(model, train, val ? &*val : nullptr, run, o.train, &progress);
  if (fftMode == FftPlanning::Measure) // the plans made while preparing
    writeTextAtomically(run.wisdomPath(), exportFftWisdom());
  startFrom(o, t, resume, init);
  if (resume)
    noteLaterCheckpoints(run, t.state().step);
  for (const auto &[stats, name] :
       {std::pair{&t.normalizer().inputs, "inputs"},
        std::pair{&t.normalizer().targets, "targets"}})
    for (const std::string &note : precisionNotes(*stats, name))
      fmt::print("note: {}\n", note);
  printHeader(o, model, train, t);
  TrainResult r;
  try {
    r = t.run();
  } catch (...) {
    restoreStopSignals();
    progress.finishLine();
    throw;
  }
  // The stop handlers stay until the process ends: a signal after the last
  // step is recorded and ignored, not fatal to a finished run's last lines.
  // Before the last line, which scripts read for the checkpoint.
  fmt::print(
      "time: {:.3g} s, of which validation {:.3g} s ({} run{}) and checkpoints "
      "{:.3g} s ({})\n",
      r.seconds, r.valSeconds, r.validations, r.validations == 1 ? "" : "s",
      r.ckptSeconds, r.checkpoints);
  if (r.bestValRelL2)
    fmt::print("best: step {}, val rel-L2 {:.6g}{}\n", r.bestStep,
               *r.bestValRelL2,
               !r.best.empty() ? fmt::format("; checkpoint {}", r.best)
               : o.train.keepBest
                   ? "; its weights are not in best.fb (see the note above)"
                   : "");
  if (r.stopped) {
    // Then end by the signal: a script or batch system sees the run was
    // interrupted (exit status 128 + N), not finished.
    if (r.checkpoint.empty())
      fmt::print("interrupted ({}) before the first step; no checkpoint "
                 "was written\n",
                 signalName(stopSignal()));
    else
      fmt::print("interrupted ({}) after step {}; checkpoint {}; continue "
                 "with --resume {}\n",
                 signalName(stopSignal()), r.steps, r.checkpoint,
                 outputDirectory(o.out, o.resume));
    endBySignal(stopSignal());
  }
  if (r.patienceOut)
    fmt::print("stopped after step {}: {} validation{} in a row without a "
               "lower val rel-L2 than step {}'s (--patience {}); checkpoint "
               "{}\n",
               r.steps, r.sinceBest, r.sinceBest == 1 ? "" : "s", r.bestStep,
               o.train.patience, r.checkpoint);
  else
    fmt::print("trained {} steps: loss {:.6g}{}; checkpoint {}\n", r.steps,
               r.loss,
               r.valRelL2 ? fmt::format(", val rel-L2 {:.6g}, val MSE {:.6g}",
                                        *r.valRelL2, *r.valMse)
                          : "",
               r.checkpoint);
}

} // namespace

void addTrainCommand(CLI::App &app) {
  auto o = std::make_shared<TrainCommandOptions>();
  TrainOptions &t = o->train;
  CLI::App *cmd =
      app.add_subcommand("train", "train a model with its train_step program");
  cmd->add_option("model", o->model,
                  "model file (.fb) compiled with a shodh.train config")
      ->required();
  cmd->add_option("--data", o->data,
                  "training data (HDF5 'inputs' and 'targets')")
      ->required();
  cmd->add_option("--val", o->val,
                  "validation data (HDF5 'inputs' and 'targets')");
  cmd->add_option("--steps", t.steps, "total training steps")
      ->required()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 50));
  cmd->add_option("--batch", t.batch, "samples per step")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--out", o->out, "run folder: checkpoints and metrics.jsonl");
  cmd->add_option("--threads", t.threads, "worker threads")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--lr", o->lr, "base learning rate (replaces train.lr)")
      ->check(cli::positiveF32());
  cmd->add_option("--val-every", t.valEvery,
                  "validate every K steps (0: at the end only)")
      ->check(CLI::Range(int64_t(0), int64_t(1) << 50));
  cmd->add_option("--log-every", t.logEvery, "metrics record every K steps")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 50));
  cmd->add_option("--ckpt-every", t.ckptEvery,
                  "checkpoint every K steps (0: at the end only)")
      ->check(CLI::Range(int64_t(0), int64_t(1) << 50));
  cmd->add_option("--keep", o->keep, "ckpt-STEP.fb files to keep")
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("--keep-best", t.keepBest,
                "also keep best.fb: the checkpoint of the validation with "
                "the lowest relative L2 (needs --val)");
  cmd->add_option("--patience", t.patience,
                  "stop after K validations in a row without a lower "
                  "relative L2 (needs --val and --val-every; 0: never)")
      ->check(CLI::Range(int64_t(0), int64_t(1) << 50));
  cmd->add_option("--seed", t.seed, "shuffling seed")->check(cli::seedNumber());
  cmd->add_option("--resume", o->resume,
                  "continue the run in this folder (its latest.fb), or from "
                  "one of its checkpoint files (ckpt-N.fb: new checkpoints "
                  "go to its folder unless --out)");
  cmd->add_flag("--auto-resume", o->autoResume,
                "continue the run in --out if it holds one (latest.fb), "
                "else start it: for batch jobs that are requeued");
  cmd->add_option("--init-from", o->initFrom,
                  "start from these parameter values (by name)");
  cmd->add_option("--freeze", t.freeze,
                  "regex: parameters kept at their starting values");
  cmd->add_option("--val-batch", t.valBatch,
                  "validation batch size (default: --batch)")
      ->check(CLI::Range(int64_t(0), int64_t(1) << 20));
  cmd->add_flag("--no-normalize", o->noNormalize,
                "feed data as stored (no normalisation)");
  cmd->add_flag("--renormalize", o->renormalize,
                "with --init-from: compute normalisation on the new training "
                "set instead of keeping the checkpoint's");
  o->flags.addTo(cmd);
  cmd->callback([o] { runTrain(*o); });
}

} // namespace shodh
