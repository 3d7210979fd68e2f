//===- Trainer.cpp - The training loop ------------------------------------===//
#include "runtime/train/Trainer.h"
#include "runtime/core/NumericsCheck.h"
#include "runtime/support/Status.h"
#include "runtime/train/DataLoader.h"
#include "runtime/train/MetricsLog.h"
#include "runtime/train/Predictor.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>

namespace shodh {
namespace {

/// Seconds since `t0`.
double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

/// True if `step` is a positive multiple of `every` (> 0).
bool due(int64_t step, int64_t every) { return every > 0 && step % every == 0; }

/// The statistics of the training set, or identity ones.
Normalizer computeNormalizer(const TrainingData &train, bool normalize) {
  if (!normalize)
    return Normalizer{ChannelStats::identity(train.inputs.shape[1]),
                      ChannelStats::identity(train.targets.shape[1])};
  return Normalizer{computeChannelStats(train.inputs),
                    computeChannelStats(train.targets)};
}

} // namespace

void checkTrainOptions(const TrainOptions &o, bool validation) {
  if (o.steps < 1)
    throw Error(fmt::format("--steps must be at least 1 (got {})", o.steps));
  if (o.batch < 1)
    throw Error(fmt::format("--batch must be at least 1 (got {})", o.batch));
  if (o.logEvery < 1)
    throw Error(
        fmt::format("--log-every must be at least 1 (got {})", o.logEvery));
  if (o.valEvery < 0 || o.ckptEvery < 0)
    throw Error("--val-every and --ckpt-every must be >= 0");
  if (o.patience < 0)
    throw Error(
        fmt::format("--patience must be at least 0 (got {})", o.patience));
  if (!validation && (o.keepBest || o.patience > 0))
    throw Error(fmt::format("{} needs validation data (--val): the best "
                            "step is the one with the lowest validation "
                            "relative L2",
                            o.keepBest ? "--keep-best" : "--patience"));
  if (o.patience > 0 && o.valEvery == 0)
    throw Error("--patience needs --val-every K (without it validation runs "
                "only at the end)");
}

Trainer::Trainer(const ModelDesc &model, const TrainingData &train,
                 const TrainingData *val, RunDirectory &run,
                 TrainOptions options, TrainObserver *observer)
    : model_(model), train_(train), val_(val), run_(run),
      options_(std::move(options)), observer_(observer),
      ops_(checkTrainStep(model)) {
  checkTrainOptions(options_, val_ != nullptr);
  checkTrainingData(model_, train_, val_, options_.batch);
  schedule_ = scheduleFromHyperparams(model.meta.hyperparams, options_.steps,
                                      options_.lr);
  norm_ = computeNormalizer(train_, options_.normalize);
  SessionOptions so{options_.threads, options_.backend};
  so.checkNumerics = options_.checkNumerics;
  so.memoryLimit = options_.memoryLimit;
  session_ = std::make_unique<Session>(model, so);
  prepareTrainStep();
  if (val_)
    predictor_ = std::make_unique<Predictor>(
        *session_, norm_,
        options_.valBatch > 0 ? options_.valBatch : options_.batch);
  setupFreeze();
  state_.seed = options_.seed, state_.batch = options_.batch;
  state_.samples = train_.samples(), state_.totalSteps = options_.steps;
}

Trainer::~Trainer() = default;

void checkTrainingData(const ModelDesc &model, const TrainingData &train,
                       const TrainingData *val, int64_t batch) {
  TrainStepOperands ops = checkTrainStep(model);
  const TensorDesc &x = model.tensors[ops.x], &y = model.tensors[ops.y];
  checkSampleShape(x, train.inputs.shape, train.path, "inputs");
  checkSampleShape(y, train.targets.shape, train.path, "targets");
  if (x.shape[0].isStatic() && x.shape[0].size != batch)
    throw Error(fmt::format(
        "model input '{}' has the static batch dimension {} but --batch is {}",
        x.name, x.shape[0].size, batch));
  if (!val)
    return;
  PredictOperands p = checkPredictProgram(model);
  checkSampleShape(model.tensors[p.x], val->inputs.shape, val->path, "inputs");
  checkSampleShape(model.tensors[p.prediction], val->targets.shape, val->path,
                   "targets", "output");
  if (val->inputs.shape[1] != train.inputs.shape[1] ||
      val->targets.shape[1] != train.targets.shape[1])
    throw Error(fmt::format(
        "'{}' has {} input and {} target channels but '{}' has {} and {}",
        val->path, val->inputs.shape[1], val->targets.shape[1], train.path,
        train.inputs.shape[1], train.targets.shape[1]));
}

void Trainer::prepareTrainStep() {
  std::map<std::string, int64_t> symbols;
  bindOperandSymbols(model_.tensors[ops_.x], train_.inputs.shape,
                     options_.batch, symbols);
  bindOperandSymbols(model_.tensors[ops_.y], train_.targets.shape,
                     options_.batch, symbols);
  session_->prepare("train_step", symbols);
}

void Trainer::setupFreeze() {
  if (options_.freeze.empty())
    return;
  std::regex re;
  try {
    re = std::regex(options_.freeze, std::regex::ECMAScript);
  } catch (const std::regex_error &e) {
    throw Error(
        fmt::format("--freeze '{}' is not a valid regular expression: {}",
                    options_.freeze, e.what()));
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < model_.tensors.size(); ++i) {
    const TensorDesc &t = model_.tensors[i];
    if (t.role != TensorRole::Parameter)
      continue;
    names.push_back(t.name);
    if (std::regex_match(t.name, re))
      frozen_.push_back({static_cast<int32_t>(i), {}});
  }
  if (frozen_.empty())
    throw Error(
        fmt::format("--freeze '{}' matches no parameter (parameters: {})",
                    options_.freeze, fmt::join(names, ", ")));
  snapshotFrozen();
}

void Trainer::snapshotFrozen() {
  for (auto &[id, bytes] : frozen_) {
    TensorRef t = session_->persistent(id);
    const auto *p = static_cast<const uint8_t *>(t.data);
    bytes.assign(p, p + t.numel() * dtypeSize(t.dtype));
  }
}

void Trainer::restoreFrozen() {
  for (auto &[id, bytes] : frozen_)
    std::memcpy(session_->persistent(id).data, bytes.data(), bytes.size());
}

std::vector<std::string> Trainer::frozenNames() const {
  std::vector<std::string> names;
  for (const auto &f : frozen_)
    names.push_back(model_.tensors[f.first].name);
  return names;
}

std::vector<std::string> Trainer::resume(const Checkpoint &ckpt,
                                         const std::string &modelName) {
  if (!ckpt.state || !ckpt.norm)
    throw Error(fmt::format(
        "'{}' is not a training checkpoint (it has no 'ckpt.*' progress or "
        "no normalisation statistics)",
        ckpt.path));
  const TrainState &s = *ckpt.state;
  if (s.batch != options_.batch)
    throw Error(fmt::format(
        "--resume: the run used --batch {} but this one has --batch {}; "
        "resuming needs the same batch size",
        s.batch, options_.batch));
  if (s.samples != train_.samples())
    throw Error(
        fmt::format("--resume: the run trained on {} samples but '{}' has {}",
                    s.samples, train_.path, train_.samples()));
  if (s.step >= options_.steps)
    throw Error(fmt::format(
        "--resume: '{}' is at step {} and --steps is {}; nothing left to do "
        "(raise --steps)",
        ckpt.path, s.step, options_.steps));
  std::vector<std::string> notes;
  if (s.totalSteps != options_.steps)
    notes.push_back(fmt::format(
        "the run was started with --steps {}; continuing to {} (schedules "
        "that depend on the total change)",
        s.totalSteps, options_.steps));
  if (s.seed != options_.seed)
    notes.push_back(
        fmt::format("continuing with the run's shuffling seed {}", s.seed));
  checkSameHyperparams(ckpt, session_->model(), modelName);
  restoreCheckpoint(*session_, ckpt, modelName);
  Normalizer restored = *ckpt.norm;
  checkChannels(train_, restored);
  norm_ = restored;
  state_ = s;
  state_.totalSteps = options_.steps;
  options_.seed = s.seed;
  resumed_ = true;
  std::string own = run_.checkpointPath(s.step);
  lastCheckpoint_ = std::ifstream(own).good() ? own : ckpt.path;
  snapshotFrozen();
  if (std::optional<std::string> note = checkBestFile(ckpt.path))
    notes.push_back(*note);
  return notes;
}

InitFromReport Trainer::initFrom(const Checkpoint &ckpt,
                                 bool keepNormalization) {
  InitFromReport r = initParameters(*session_, ckpt);
  if (keepNormalization && ckpt.norm && options_.normalize) {
    // The pretrained weights expect inputs scaled as during pretraining.
    checkChannels(train_, *ckpt.norm);
    norm_ = *ckpt.norm;
    r.keptNormalization = true;
  }
  snapshotFrozen();
  return r;
}

double Trainer::step(const Batch &batch, double lr,
                     std::vector<std::pair<std::string, double>> &terms) {
  TensorRef x = session_->input("train_step", 0),
            y = session_->input("train_step", 1),
            lrIn = session_->input("train_step", 2);
  std::memcpy(x.data, batch.inputs.data(), batch.inputs.size() * sizeof(float));
  std::memcpy(y.data, batch.targets.data(),
              batch.targets.size() * sizeof(float));
  lrIn.as<float>()[0] = static_cast<float>(lr);
  session_->invoke("train_step");
  double loss = session_->output("train_step", 0).as<float>()[0];
  terms.clear();
  for (const LoggedOutput &out : ops_.logged)
    terms.emplace_back(
        out.name, session_->output("train_step", out.output).as<float>()[0]);
  restoreFrozen();
  return loss;
}

/// "last good checkpoint: run/ckpt-10.fb" or that none was written.
static std::string lastGood(const std::string &checkpoint) {
  return checkpoint.empty() ? "no checkpoint was written before it"
                            : "last good checkpoint: " + checkpoint;
}

/// "NaN", "+Inf", "-Inf", or the finite value.
static std::string nonFiniteName(double v) {
  if (std::isfinite(v))
    return fmt::format("{:.6g}", v);
  return std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
}

std::string Trainer::divergedMessage(double loss, int64_t stepNumber) const {
  std::string what = nonFiniteName(loss);
  return fmt::format("loss is {} at step {}; {}", what, stepNumber,
                     lastGood(lastCheckpoint_));
}

std::string Trainer::nonFiniteMessage(const std::string &what,
                                      int64_t stepNumber) const {
  return fmt::format("step {}: {}; {}", stepNumber, what,
                     lastGood(lastCheckpoint_));
}

/// Why the checkpoint at `path` (read into `read`) is not the weights of
/// the best validation `step` with value `value`; "" if it is. Its own
/// record must name that step and value: a checkpoint of that step from
/// another course of the run (gone back to an earlier one) has the step
/// but another value.
static std::string notTheBest(const std::string &path, int64_t step,
                              double value, std::optional<Checkpoint> &read) {
  if (!std::ifstream(path).good())
    return fmt::format("'{}' does not exist", path);
  try {
    read = readCheckpoint(path);
  } catch (const Error &e) {
    return e.what();
  }
  const std::optional<TrainState> &s = read->state;
  if (!s)
    return fmt::format("'{}' is not a training checkpoint", path);
  if (s->step != step)
    return fmt::format("'{}' holds step {}", path, s->step);
  if (s->bestStep != step || !s->bestValRelL2 || *s->bestValRelL2 != value)
    return fmt::format("'{}' is step {} of another course of the run (its "
                       "validation gave {})",
                       path, step,
                       s->bestValRelL2 ? fmt::format("{:.6g}", *s->bestValRelL2)
                                       : std::string("nothing"));
  return "";
}

std::optional<std::string> Trainer::checkBestFile(const std::string &from) {
  bestFileHolds_ = false;
  if (!options_.keepBest || !state_.bestValRelL2)
    return std::nullopt;
  const int64_t step = state_.bestStep;
  const double value = *state_.bestValRelL2;
  std::optional<Checkpoint> read;
  const std::string why = notTheBest(run_.bestPath(), step, value, read);
  if (why.empty()) {
    bestFileHolds_ = true;
    return std::nullopt;
  }
  // The weights may still be on disk: the resumed folder's best.fb (--out
  // elsewhere) or the checkpoint of that step (a run killed before it
  // wrote best.fb, started without --keep-best, ...).
  for (const std::string &candidate :
       {runFilePath(resumeFolderOf(from), "best.fb"), run_.checkpointPath(step),
        RunDirectory::checkpointPathIn(resumeFolderOf(from), step)}) {
    if (isSameFile(candidate, run_.bestPath()) ||
        !notTheBest(candidate, step, value, read).empty())
      continue;
    run_.saveBest(read->desc);
    bestFileHolds_ = true;
    return fmt::format("best.fb restored from '{}' (step {}, the run's best "
                       "validation so far, relative L2 {:.6g}): {}",
                       candidate, step, value, why);
  }
  return fmt::format(
      "best.fb does not hold the run's best validation so far (step {}, "
      "relative L2 {:.6g}) and no checkpoint of that step is left: {}; it is "
      "written at the first validation better than that",
      step, value, why);
}

void Trainer::validate(StepReport &r) {
  const auto v0 = std::chrono::steady_clock::now();
  // A stop requested meanwhile waits for the pass: a resumed run must see
  // the validations the uninterrupted one saw (best.fb, --patience).
  ErrorMetrics m;
  try {
    m = predictor_->evaluate(*val_);
  } catch (const NonFiniteError &e) {
    throw Error(
        nonFiniteMessage(fmt::format("validation: {}", e.what()), r.step));
  }
  r.valRelL2 = m.relL2(), r.valMse = m.mse();
  // As for the loss: a non-finite metric means the weights diverged; stop
  // before they become a checkpoint.
  if (!std::isfinite(*r.valRelL2) || !std::isfinite(*r.valMse))
    throw Error(nonFiniteMessage(
        fmt::format("validation: relative L2 {}, MSE {} (the predictions on "
                    "the validation data are not finite)",
                    nonFiniteName(*r.valRelL2), nonFiniteName(*r.valMse)),
        r.step));
  recordValidation(r);
  r.valSeconds = secondsSince(v0);
}

void Trainer::recordValidation(StepReport &r) {
  if (!state_.bestValRelL2 || *r.valRelL2 < *state_.bestValRelL2) {
    state_.bestValRelL2 = r.valRelL2;
    state_.bestStep = r.step, state_.sinceBest = 0;
    r.best = true;
  } else {
    ++state_.sinceBest;
  }
}

void Trainer::saveCheckpoint(bool regular, bool best, StepReport &r) {
  ModelDesc ckpt = makeCheckpoint(*session_, norm_, state_);
  // best.fb first: a run killed between the writes resumes from an earlier
  // latest.fb, replays this step and finds best.fb already holding it.
  if (best)
    run_.saveBest(ckpt), bestFileHolds_ = true;
  if (regular)
    r.checkpoint = lastCheckpoint_ = run_.save(ckpt, state_.step);
}

TrainResult Trainer::run() {
  MetricsLog log(run_.metricsPath(), resumed_ ? state_.step : -1);
  LoaderOptions lo;
  lo.batch = options_.batch, lo.training = true, lo.seed = options_.seed;
  DataLoader loader(train_, norm_, lo, state_.loader);
  const auto t0 = std::chrono::steady_clock::now();
  const double baseSeconds = state_.seconds;
  const int64_t firstStep = state_.step;
  TrainResult result;
  while (state_.step < options_.steps) {
    // Stopped before the first step (a signal while loading): nothing new
    // to save.
    if (state_.step == firstStep && observer_ && observer_->stopRequested()) {
      result.stopped = true;
      break;
    }
    std::optional<Batch> batch = loader.next();
    StepReport r;
    r.lr = schedule_.at(state_.step);
    try {
      r.loss = step(*batch, r.lr, r.terms);
    } catch (const NonFiniteError &e) {
      throw Error(nonFiniteMessage(e.what(), state_.step + 1));
    }
    r.step = ++state_.step;
    state_.loader = loader.position();
    if (!std::isfinite(r.loss))
      throw Error(divergedMessage(r.loss, r.step));
    state_.windowLoss += r.loss, ++state_.windowSteps;
    const bool last = r.step == options_.steps;
    if (predictor_ && (due(r.step, options_.valEvery) || last)) {
      validate(r);
      result.valRelL2 = r.valRelL2, result.valMse = r.valMse;
      result.valSeconds += *r.valSeconds, ++result.validations;
    }
    r.runSeconds = secondsSince(t0), r.runSteps = r.step - firstStep;
    r.seconds = state_.seconds = baseSeconds + r.runSeconds;
    r.totalSteps = options_.steps, r.epoch = batch->start.epoch;
    if (due(r.step, options_.logEvery) || r.valRelL2 || last) {
      log.append(MetricsRecord{r.step, r.epoch, r.loss,
                               state_.windowLoss / double(state_.windowSteps),
                               r.lr, r.valRelL2, r.valMse, r.valSeconds,
                               r.seconds, r.terms});
      state_.windowLoss = 0, state_.windowSteps = 0, r.logged = true;
    }
    // At the last step the run is complete whatever was asked.
    const bool stop = !last && observer_ && observer_->stopRequested();
    const bool patienceOut = !last && r.valRelL2 && options_.patience > 0 &&
                             state_.sinceBest >= options_.patience;
    const bool regular =
        due(r.step, options_.ckptEvery) || last || stop || patienceOut;
    const bool best = options_.keepBest && r.best;
    if (regular || best) {
      const auto c0 = std::chrono::steady_clock::now();
      saveCheckpoint(regular, best, r);
      result.ckptSeconds += secondsSince(c0);
      result.checkpoints += int64_t(regular) + int64_t(best);
    }
    if (observer_)
      observer_->onStep(r);
    result.loss = r.loss;
    if (stop || patienceOut) {
      result.stopped = stop, result.patienceOut = patienceOut && !stop;
      break;
    }
  }
  result.bestValRelL2 = state_.bestValRelL2, result.bestStep = state_.bestStep;
  result.sinceBest = state_.sinceBest;
  if (options_.keepBest && state_.bestValRelL2 && bestFileHolds_)
    result.best = run_.bestPath();
  result.steps = state_.step;
  result.checkpoint = lastCheckpoint_;
  result.seconds = secondsSince(t0);
  return result;
}

} // namespace shodh
