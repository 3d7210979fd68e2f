//===- EvalCommand.cpp - shodh-run eval
//------------------------------------===//
//
// Evaluates trained weights on test data: the model's `infer` program with
// the parameters and normalisation statistics of a checkpoint, over one or
// more HDF5 files, reporting relative L2 and MSE in physical units. With
// several files, or a file carrying a `pde` root attribute, one line per
// data set and a combined line are printed. A model whose `eval` program
// returns routing tensors also gets routing statistics over all files
// (RoutingStats.h), on stdout and with `--routing-json FILE` as JSON;
// `--routing-dump FILE.h5` writes every sample's expert ids.
//
//===----------------------------------------------------------------------===//
#include "runtime/support/Status.h"
#include "runtime/train/AtomicText.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/Predictor.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/ModelText.h"
#include "tools/shodh-run/RoutingEval.h"
#include "tools/shodh-run/SessionFlags.h"

#include <fmt/format.h>

namespace shodh {
namespace {

struct EvalOptions {
  std::string model, weights, routingJson, routingDump;
  std::vector<std::string> data;
  int64_t batch = 16;
  int threads = 1;
  SessionFlags flags;
};

/// "poisson (test.h5)" or "test.h5".
std::string dataName(const TrainingData &d) {
  return d.label.empty() ? d.path : fmt::format("{} ({})", d.label, d.path);
}

/// One result line.
void printMetrics(const std::string &name, const ErrorMetrics &m) {
  fmt::print("{}: {} samples, relative L2 {:.6g}, MSE {:.6g}\n", name,
             m.samples(), m.relL2(), m.mse());
}

/// The checkpoint's statistics, or identity ones (with a note).
Normalizer normalizerOf(const Checkpoint &ckpt, const TrainingData &first) {
  if (ckpt.norm)
    return *ckpt.norm;
  fmt::print(
      "note: '{}' has no normalisation statistics; data is fed as stored\n",
      ckpt.path);
  return Normalizer{ChannelStats::identity(first.inputs.shape[1]),
                    ChannelStats::identity(first.targets.shape[1])};
}

/// Routing statistics of every data set together: printed, and written as
/// JSON to `o.routingJson` if set, the per-sample expert ids to
/// `o.routingDump` if set. Needs routing outputs of `eval` for either.
void reportRouting(const EvalOptions &o, Session &session,
                   const Normalizer &norm,
                   const std::vector<TrainingData> &sets) {
  std::vector<RoutingOutputs> layers = findRoutingOutputs(session.model());
  if (layers.empty()) {
    if (o.routingJson.empty() && o.routingDump.empty())
      return;
    const char *flag =
        o.routingJson.empty() ? "--routing-dump" : "--routing-json";
    if (!session.model().findProgram("eval"))
      throw Error(fmt::format("{}: '{}' has no 'eval' program; "
                              "compile it with a shodh.train config",
                              flag, o.model));
    throw Error(fmt::format("{}: '{}' has no routing layers (its "
                            "'eval' program returns no 'routing.<i>.experts')",
                            flag, o.model));
  }
  RoutingStats stats;
  RoutingDump dump;
  for (const TrainingData &d : sets)
    collectRouting(session, norm, d, o.batch, layers,
                   readDomainLabels(d.path, d.samples()), stats,
                   o.routingDump.empty() ? nullptr : &dump);
  fmt::print("{}", stats.text());
  if (!o.routingJson.empty())
    writeTextAtomically(o.routingJson, stats.json());
  if (!o.routingDump.empty())
    dump.write(o.routingDump);
}

void runEval(const EvalOptions &o) {
  ModelDesc model = loadModelOrThrow(o.model);
  checkPredictProgram(model);
  std::vector<TrainingData> sets;
  for (const std::string &path : o.data)
    sets.push_back(loadTrainingData(path));
  Checkpoint ckpt = readCheckpoint(o.weights);
  Session session(model,
                  o.flags.apply(SessionOptions{o.threads, Backend::Cpu}));
  restoreCheckpoint(session, ckpt, o.model);
  Normalizer norm = normalizerOf(ckpt, sets.front());
  Predictor predictor(session, norm, o.batch);
  fmt::print("eval: {} with weights '{}'{}, {} threads\n", o.model, o.weights,
             ckpt.state ? fmt::format(" (step {})", ckpt.state->step) : "",
             o.threads);
  ErrorMetrics all;
  for (const TrainingData &d : sets) {
    ErrorMetrics m = predictor.evaluate(d);
    printMetrics(dataName(d), m);
    all.merge(m);
  }
  if (sets.size() > 1)
    printMetrics("all", all);
  reportRouting(o, session, norm, sets);
}

} // namespace

void addEvalCommand(CLI::App &app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App *cmd = app.add_subcommand(
      "eval", "relative L2 and MSE of trained weights on data");
  cmd->add_option("model", o->model, "model file (.fb)")->required();
  cmd->add_option("--weights", o->weights,
                  "checkpoint (.fb) with the trained values")
      ->required();
  cmd->add_option("--data", o->data,
                  "HDF5 files with 'inputs' and 'targets' (repeatable)")
      ->required();
  cmd->add_option("--batch", o->batch, "samples per batch")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--threads", o->threads, "worker threads")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--routing-json", o->routingJson,
                  "write the routing statistics (models with experts) as "
                  "JSON to this file");
  cmd->add_option("--routing-dump", o->routingDump,
                  "write every routing layer's expert ids per sample, "
                  "'routing.<i>.experts' (N, T, k), to this HDF5 file");
  o->flags.addTo(cmd);
  cmd->callback([o] { runEval(*o); });
}

} // namespace shodh
