//===- EvalCommand.cpp - shodh-run eval
//------------------------------------===//
//
// Evaluates trained weights on test data: the model's `infer` program with
// the parameters and normalisation statistics of a checkpoint, over one or
// more HDF5 files, reporting relative L2 and MSE in physical units. With
// several files, or a file carrying a `pde` root attribute, one line per
// data set and a combined line are printed; a file with a `domain` dataset
// adds one line per domain label (EvalReport.h). `--divergence
// spectral|fd2` measures how far the predicted velocities are from
// divergence-free (VelocityDivergence.h). A model whose `eval` program
// returns routing tensors also gets routing statistics over all files
// (RoutingStats.h), on stdout and with `--routing-json FILE` as JSON;
// `--routing-dump FILE.h5` writes every sample's expert ids.
// `--metrics-json FILE` writes all of these numbers as one JSON object.
// `--rollout DATASET` instead walks the model along stored trajectories,
// feeding its predictions back (Rollout.h).
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ThreadPool.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/kernels/cpu/physics/VelocityDivergence.h"
#include "runtime/support/OutputFile.h"
#include "runtime/support/Status.h"
#include "runtime/train/AtomicText.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/Predictor.h"
#include "runtime/train/TensorText.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/EvalReport.h"
#include "tools/shodh-run/ModelText.h"
#include "tools/shodh-run/Rollout.h"
#include "tools/shodh-run/RoutingEval.h"
#include "tools/shodh-run/SessionFlags.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <limits>

namespace shodh {
namespace {

struct EvalOptions {
  std::string model, routingJson, routingDump, metricsJson;
  std::vector<std::string> weights;
  std::string divergence; ///< "spectral", "fd2" or empty
  std::string rollout;    ///< trajectories dataset, or empty
  int64_t rolloutSteps = 0; ///< 0: as many as every file allows
  std::vector<std::string> data;
  int64_t batch = 16;
  bool batchGiven = false; ///< --batch on the command line
  int threads = 1;
  SessionFlags flags;
};

/// "poisson (test.h5)" or "test.h5".
std::string dataName(const TrainingData &d) {
  return d.label.empty() ? d.path : fmt::format("{} ({})", d.label, d.path);
}

/// The grid of `infer`'s prediction on `d` if it is a velocity [B, 3, D,
/// H, W] or [B, 2, H, W]; throws `Error` naming the output otherwise.
std::vector<int64_t> velocityGrid(const EvalOptions &o, const ModelDesc &m,
                                  const TrainingData &d) {
  const TensorDesc &y = m.tensors[checkPredictProgram(m).prediction];
  checkSampleShape(y, d.targets.shape, d.path, "targets", "output");
  const std::vector<int64_t> &s = d.targets.shape;
  if ((s.size() == 5 && s[1] == 3) || (s.size() == 4 && s[1] == 2))
    return {s.begin() + 2, s.end()};
  throw Error(fmt::format("--divergence {}: output '{}' of '{}' is {} ('{}': "
                          "targets {}); expected a velocity [B, 3, D, H, W] "
                          "or [B, 2, H, W] (channel c the component along "
                          "spatial axis c)",
                          o.divergence, y.name, o.model, formatDimsOf(y),
                          d.path, formatShape(s)));
}

/// Evaluates one data set into `report`: the file's group, its domains'
/// groups and, with a `meter` (on `pool`), the divergence of every
/// prediction. Prints the file's line.
void evaluateFile(Predictor &predictor, const TrainingData &d,
                  VelocityDivergence *meter, ThreadPool *pool,
                  EvalReport &report) {
  DomainLabels domains = DomainLabels::read(d.path, d.samples());
  EvalGroup &file = report.addFile(dataName(d), d.path);
  const int64_t per = d.targetsPerSample();
  const int64_t channels = d.targets.shape[1], inner = per / channels;
  if (channels > 1) {
    file.channels.resize(static_cast<size_t>(channels));
    try { // names only: a `fields` attribute of another type is ignored
      file.channelNames =
          Hdf5Reader(d.path).readStringsAttr("targets", "fields");
    } catch (const Error &) {
    }
    if (int64_t(file.channelNames.size()) != channels)
      file.channelNames.clear(); // names for other channels than these
  }
  file.error = predictor.evaluate(d, [&](const Batch &b, const float *pred) {
    for (int64_t r = 0; r < b.rows; ++r) {
      const float *p = pred + r * per;
      file.addChannels(p, b.targets.data() + r * per, inner);
      const double div = meter ? meter->measure(p, pool) : 0.0;
      if (meter)
        file.divergence.add(div);
      if (domains.ids.empty())
        continue;
      const int64_t id = domains.ids[b.samples[r]];
      EvalGroup &g = report.domain(id, domains.name(id));
      g.error.addSample(p, b.targets.data() + r * per, per);
      if (meter)
        g.divergence.add(div);
    }
  });
  fmt::print("{}{}", report.line(file), report.channelLines(file));
}

/// The checkpoints' statistics (combinedNormalizer when there are
/// several), or identity ones for `inputs` and `targets` channels (with a
/// note if none has any).
Normalizer normalizerOf(const std::vector<Checkpoint> &ckpts, int64_t inputs,
                        int64_t targets) {
  std::optional<Normalizer> norm = combinedNormalizer(ckpts);
  if (norm)
    return *norm;
  if (std::none_of(ckpts.begin(), ckpts.end(),
                   [](const Checkpoint &c) { return c.norm.has_value(); }))
    fmt::print("note: {} no normalisation statistics; data is fed as "
               "stored\n",
               ckpts.size() == 1 ? fmt::format("'{}' has", ckpts.front().path)
                                 : std::string("the checkpoints have"));
  return Normalizer{ChannelStats::identity(inputs),
                    ChannelStats::identity(targets)};
}

/// Routing statistics of every data set together: printed, and written as
/// JSON to `o.routingJson` if set, the per-sample expert ids to
/// `o.routingDump` if set. Needs routing outputs of `eval` for either.
/// Returns the JSON (empty without routing layers).
/// Throws if --routing-json or --routing-dump is given for a model without
/// routing outputs (checked before any sample is evaluated).
void checkRoutingFlags(const EvalOptions &o, const ModelDesc &model) {
  if ((o.routingJson.empty() && o.routingDump.empty()) ||
      !findRoutingOutputs(model).empty())
    return;
  const char *flag =
      o.routingJson.empty() ? "--routing-dump" : "--routing-json";
  if (!model.findProgram("eval"))
    throw Error(fmt::format("{}: '{}' has no 'eval' program; compile it "
                            "with shodhc --train (or a shodh.train config)",
                            flag, o.model));
  throw Error(fmt::format("{}: '{}' has no routing layers (its "
                          "'eval' program returns no 'routing.<i>.experts')",
                          flag, o.model));
}

std::string reportRouting(const EvalOptions &o, Session &session,
                          const Normalizer &norm,
                          const std::vector<TrainingData> &sets) {
  std::vector<RoutingOutputs> layers = findRoutingOutputs(session.model());
  if (layers.empty()) // the flags were checked before evaluating
    return "";
  RoutingStats stats;
  RoutingDump dump;
  for (const TrainingData &d : sets) {
    DomainLabels domains = DomainLabels::read(d.path, d.samples());
    for (size_t id = 0; id < domains.names.size(); ++id)
      stats.nameDomain(static_cast<int64_t>(id), domains.names[id]);
    collectRouting(session, norm, d, o.batch, layers, domains.ids, stats,
                   o.routingDump.empty() ? nullptr : &dump);
  }
  fmt::print("{}", stats.text());
  if (!o.routingJson.empty())
    writeTextAtomically(o.routingJson, stats.json());
  if (!o.routingDump.empty())
    dump.write(o.routingDump);
  return stats.json();
}

/// The rollouts' number of steps: `o.rolloutSteps`, or as many as every
/// file allows; throws `Error` naming a file too short for it.
int64_t rolloutSteps(const EvalOptions &o, const RolloutShape &shape,
                     const std::vector<Trajectories> &sets) {
  int64_t fitAll = std::numeric_limits<int64_t>::max();
  for (const Trajectories &t : sets) {
    const int64_t fit = shape.stepsWithin(t.snapshots());
    if (fit == 0 || fit < o.rolloutSteps)
      throw Error(fmt::format(
          "--rollout: '{}': dataset '{}' has {} snapshots per trajectory; "
          "windows of {} -> {} snapshots {} at least {}",
          t.path, t.dataset, t.snapshots(), shape.windowIn, shape.windowOut,
          o.rolloutSteps == 0
              ? std::string("need")
              : fmt::format("for --rollout-steps {} need", o.rolloutSteps),
          shape.windowIn +
              std::max<int64_t>(o.rolloutSteps, 1) * shape.windowOut));
    fitAll = std::min(fitAll, fit);
  }
  return o.rolloutSteps != 0 ? o.rolloutSteps : fitAll;
}

/// The model, the checkpoints and a session holding their values.
struct EvalSetup {
  ModelDesc model;
  std::vector<Checkpoint> ckpts;
  std::unique_ptr<Session> session;
};

/// Loads the model, the data (via `load`) and the weights, and returns the
/// session ready to evaluate. Prints the notes of the restore.
EvalSetup setUp(const EvalOptions &o, const std::function<void()> &load) {
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"model", o.model}};
  for (const std::string &path : o.data)
    inputs.push_back({"--data", path});
  for (const std::string &path : o.weights)
    inputs.push_back({"--weights", path});
  if (Status s =
          checkDistinctFiles(inputs, {{"--metrics-json", o.metricsJson},
                                      {"--routing-json", o.routingJson},
                                      {"--routing-dump", o.routingDump}});
      !s.ok())
    throw Error(s.message());
  EvalSetup e;
  e.model = loadModelOrThrow(o.model);
  const TensorDesc &x = e.model.tensors[checkPredictProgram(e.model).x];
  if (o.batchGiven && x.shape[0].isStatic() && x.shape[0].size != o.batch)
    fmt::print(stderr,
               "note: input '{}' has the static batch {} (compiled with shodhc "
               "--batch {}); --batch {} is ignored\n",
               x.name, x.shape[0].size, x.shape[0].size, o.batch);
  load();
  for (const std::string &path : o.weights)
    e.ckpts.push_back(readCheckpoint(path));
  e.session = std::make_unique<Session>(
      e.model, o.flags.apply(SessionOptions{o.threads, Backend::Cpu}));
  for (const std::string &note :
       restoreCheckpoints(*e.session, e.ckpts, o.model))
    fmt::print("note: {}\n", note);
  return e;
}

/// The first line: "eval: m.fb with weights 'w.fb' (step 9), 2 threads".
void printHeader(const EvalOptions &o, const std::vector<Checkpoint> &ckpts) {
  std::vector<std::string> described;
  for (const Checkpoint &c : ckpts)
    described.push_back(fmt::format(
        "'{}'{}", c.path,
        c.state ? fmt::format(" (step {})", c.state->step) : ""));
  fmt::print("eval: {} with weights {}, {} threads\n", o.model,
             fmt::join(described, " + "), o.threads);
}

/// `eval --rollout`: every file's trajectories, then all of them together.
void runRollout(const EvalOptions &o) {
  std::vector<Trajectories> sets;
  RolloutShape shape;
  EvalSetup e = setUp(o, [&] {
    for (const std::string &path : o.data)
      sets.push_back(loadTrajectories(path, o.rollout));
  });
  for (const Trajectories &t : sets) {
    RolloutShape s = rolloutShape(e.model, o.model, t);
    if (&t != &sets.front() && s.channels != shape.channels)
      throw Error(fmt::format(
          "--rollout: '{}': dataset '{}' has {} channels per snapshot but "
          "'{}' has {}",
          t.path, t.dataset, s.channels, sets.front().path, shape.channels));
    shape = s;
  }
  const int64_t steps = rolloutSteps(o, shape, sets);
  Normalizer norm = normalizerOf(e.ckpts, shape.windowIn * shape.channels,
                                 shape.windowOut * shape.channels);
  Predictor predictor(*e.session, norm, o.batch);
  printHeader(o, e.ckpts);
  fmt::print("rollout of '{}': {} step{} of {} -> {} snapshots ({} "
             "channel{} each), starting from snapshots 0-{}\n",
             o.rollout, steps, steps == 1 ? "" : "s", shape.windowIn,
             shape.windowOut, shape.channels, shape.channels == 1 ? "" : "s",
             shape.windowIn - 1);
  std::vector<RolloutErrors> files;
  for (const Trajectories &t : sets) {
    files.push_back(rollout(predictor, t, shape, steps));
    fmt::print("{}", rolloutText(shape, files.back()));
  }
  if (files.size() > 1)
    fmt::print("{}", rolloutText(shape, combinedRollout(files)));
  if (!o.metricsJson.empty())
    writeTextAtomically(o.metricsJson, rolloutJson(o.rollout, shape, files));
}

void runEval(const EvalOptions &o) {
  if (!o.rollout.empty())
    return runRollout(o);
  std::vector<TrainingData> sets;
  EvalSetup e = setUp(o, [&] {
    for (const std::string &path : o.data)
      sets.push_back(loadTrainingData(path));
  });
  checkRoutingFlags(o, e.model);
  Normalizer norm = normalizerOf(e.ckpts, sets.front().inputs.shape[1],
                                 sets.front().targets.shape[1]);
  Predictor predictor(*e.session, norm, o.batch);
  printHeader(o, e.ckpts);
  // Shapes and grids are checked before any sample is evaluated.
  std::vector<std::unique_ptr<VelocityDivergence>> meters;
  for (const TrainingData &d : sets)
    meters.push_back(o.divergence.empty()
                         ? nullptr
                         : std::make_unique<VelocityDivergence>(
                               velocityGrid(o, e.model, d),
                               o.divergence == "spectral",
                               fmt::format("--divergence {}", o.divergence)));
  std::unique_ptr<ThreadPool> pool;
  if (!o.divergence.empty())
    pool = std::make_unique<ThreadPool>(o.threads);
  EvalReport report(o.divergence);
  for (size_t i = 0; i < sets.size(); ++i)
    evaluateFile(predictor, sets[i], meters[i].get(), pool.get(), report);
  fmt::print("{}", report.summary());
  std::string routing = reportRouting(o, *e.session, norm, sets);
  if (!o.metricsJson.empty())
    writeTextAtomically(o.metricsJson, report.json(routing));
}

} // namespace

void addEvalCommand(CLI::App &app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App *cmd = app.add_subcommand(
      "eval", "relative L2 and MSE of trained weights on data");
  cmd->add_option("model", o->model, "model file (.fb)")->required();
  cmd->add_option("--weights", o->weights,
                  "checkpoint (.fb) with the trained values; repeat it for a "
                  "model held by several checkpoints")
      ->required();
  cmd->add_option("--data", o->data,
                  "HDF5 files with 'inputs' and 'targets', or with the "
                  "--rollout dataset (repeatable)")
      ->required();
  CLI::Option *batch = cmd->add_option("--batch", o->batch, "samples per batch")
                           ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--threads", o->threads, "worker threads")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--routing-json", o->routingJson,
                  "write the routing statistics (models with experts) as "
                  "JSON to this file");
  cmd->add_option("--routing-dump", o->routingDump,
                  "write every routing layer's expert ids per sample, "
                  "'routing.<i>.experts' (N, T, k), to this HDF5 file");
  cmd->add_option("--divergence", o->divergence,
                  "also report the divergence of the predicted velocities "
                  "(spectral or fd2 figure; outputs [B, 3, D, H, W] or "
                  "[B, 2, H, W])")
      ->check(CLI::IsMember({"spectral", "fd2"}));
  cmd->add_option("--metrics-json", o->metricsJson,
                  "write every number of the report (files, all, domains, "
                  "divergence, routing; or the rollout's) as JSON to this "
                  "file");
  CLI::Option *roll =
      cmd->add_option("--rollout", o->rollout,
                      "autoregressive rollout: feed the predictions back "
                      "along the trajectories of this dataset (N, T, C, "
                      "spatial...) of every --data file, starting from its "
                      "first snapshots, and report the error per step")
          ->excludes("--divergence")
          ->excludes("--routing-json")
          ->excludes("--routing-dump");
  cmd->add_option("--rollout-steps", o->rolloutSteps,
                  "model applications per trajectory (default: as many as "
                  "every file's snapshots allow)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 30))
      ->needs(roll);
  o->flags.addTo(cmd);
  cmd->callback([o, batch] {
    o->batchGiven = batch->count() > 0;
    runEval(*o);
  });
}

} // namespace shodh
