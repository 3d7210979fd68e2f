//===- InspectCommand.cpp - shodh-run inspect ------------------------------===//
//
// Prints what a model file holds: metadata, hyperparameters, parameters and
// state with their init specs, every program's calls, and the memory planned
// for a batch size: per program, the arena peak against the naive sum of all
// its buffers (what the planner saves) and, with the persistent tensors, what
// `Session::prepare` checks against the memory available. Nothing is
// allocated, so a model too large for this machine can still be inspected.
//
//===----------------------------------------------------------------------===//
#include "runtime/core/ArenaLayout.h"
#include "runtime/core/PersistentTensor.h"
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"
#include "runtime/train/Checkpoint.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/ModelText.h"

#include <fmt/format.h>

#include <algorithm>

namespace shodh {
namespace {

struct InspectOptions {
  std::string model;
  int64_t batch = 16;
};

/// Bytes of persistent tensor `t`, overflow-checked (throws naming it).
uint64_t persistentBytes(const TensorDesc &t) {
  return byteSize(t.dtype, persistentShape(t), "tensor '" + t.name + "'");
}

/// a + b, or throws naming `what`.
uint64_t checkedSum(uint64_t a, uint64_t b, const std::string &what) {
  uint64_t s;
  if (__builtin_add_overflow(a, b, &s))
    throw Error(fmt::format("{} overflows 64 bits", what));
  return s;
}

/// Bytes of all persistent tensors of `role`.
uint64_t roleBytes(const ModelDesc &m, TensorRole role) {
  uint64_t bytes = 0;
  for (const TensorDesc &t : m.tensors)
    if (t.role == role)
      bytes = checkedSum(bytes, persistentBytes(t),
                         fmt::format("the size of all {} tensors", roleName(role)));
  return bytes;
}

void printHeader(const ModelDesc &m, const std::string &path) {
  fmt::print("model '{}': format {}.{}, compiled by {} for {}\n", path, m.meta.schemaMajor,
             m.meta.schemaMinor, m.meta.compilerVersion, m.meta.target);
  fmt::print("source: {} (sha256 {})\n", m.meta.sourceName, m.meta.sourceHash);
  std::vector<std::string> hps;
  for (const NamedAttr &a : m.meta.hyperparams)
    hps.push_back(formatAttr(a));
  fmt::print("hyperparameters: {}\n", hps.empty() ? "none" : fmt::format("{}", fmt::join(hps, " ")));
}

/// Prints the persistent tensors of one role.
void printPersistent(const ModelDesc &m, TensorRole role, const char *title) {
  uint64_t count = 0, values = 0;
  for (const TensorDesc &t : m.tensors)
    if (t.role == role) // values <= bytes, so their sum cannot overflow first
      ++count, values += persistentBytes(t) / dtypeSize(t.dtype);
  uint64_t bytes = roleBytes(m, role);
  fmt::print("{}: {} tensors, {} values ({})\n", title, count, values, formatBytes(bytes));
  for (const TensorDesc &t : m.tensors)
    if (t.role == role)
      fmt::print("  {:<24} {:<22} {}{}\n", t.name, formatTensorType(t), formatInit(t.init),
                 t.data ? " [stored]" : "");
}

std::string operandList(const ModelDesc &m, const std::vector<int32_t> &ids) {
  std::vector<std::string> names;
  for (int32_t id : ids)
    names.push_back(m.tensors[id].name);
  return fmt::format("{}", fmt::join(names, ", "));
}

/// "a, b f32 [..]" when the outputs share a type (an optimizer's param and
/// moments), else "a f32 [..], b complex<f32> [..]".
std::string typedOutputs(const ModelDesc &m, const std::vector<int32_t> &outputs) {
  std::string first = formatTensorType(m.tensors[outputs.at(0)]);
  bool same = true;
  for (int32_t id : outputs)
    same = same && formatTensorType(m.tensors[id]) == first;
  if (same)
    return operandList(m, outputs) + " " + first;
  std::vector<std::string> each;
  for (int32_t id : outputs)
    each.push_back(m.tensors[id].name + " " + formatTensorType(m.tensors[id]));
  return fmt::format("{}", fmt::join(each, ", "));
}

void printProgram(const ModelDesc &m, const ProgramDesc &p) {
  std::vector<std::string> ins, outs;
  for (int32_t id : p.inputs)
    ins.push_back(m.tensors[id].name + ": " + formatTensorType(m.tensors[id]));
  for (int32_t id : p.outputs)
    outs.push_back(m.tensors[id].name + ": " + formatTensorType(m.tensors[id]));
  fmt::print("  {}({}) -> ({}), {} calls\n", p.name, fmt::join(ins, ", "), fmt::join(outs, ", "),
             p.calls.size());
  for (size_t i = 0; i < p.calls.size(); ++i) {
    const KernelCall &c = p.calls[i];
    std::vector<std::string> attrs;
    for (const NamedAttr &a : c.attrs)
      attrs.push_back(formatAttr(a));
    fmt::print("    #{} {}({}) -> {}{}\n", i, c.kernel, operandList(m, c.inputs),
               typedOutputs(m, c.outputs),
               attrs.empty() ? "" : fmt::format(" {{{}}}", fmt::join(attrs, ", ")));
  }
}

/// True if some tensor of the model has the symbolic dim "B".
bool hasBatchSymbol(const ModelDesc &m) {
  for (const TensorDesc &t : m.tensors)
    for (const Dim &d : t.shape)
      if (!d.isStatic() && d.symbol == "B")
        return true;
  return false;
}

/// "B=16", or "B=4 (fixed at compile time)" when no tensor has a symbolic B.
std::string batchText(const ModelDesc &m, int64_t batch) {
  if (hasBatchSymbol(m))
    return fmt::format("B={}", batch);
  for (const ProgramDesc &p : m.programs)
    for (int32_t id : p.inputs)
      if (!m.tensors[id].shape.empty())
        return fmt::format("B={} (fixed at compile time)",
                           m.tensors[id].shape[0].size);
  return "a fixed batch";
}

/// Plans every program for the batch size and prints arena figures.
void printMemory(const ModelDesc &m, int64_t batch) {
  uint64_t params = roleBytes(m, TensorRole::Parameter),
           state = roleBytes(m, TensorRole::State),
           constants = roleBytes(m, TensorRole::Constant);
  uint64_t persistent =
      checkedSum(checkedSum(params, state, "persistent size"), constants,
                 "persistent size");
  fmt::print("memory at {}: parameters {}, state {}, constants {}\n",
             batchText(m, batch), formatBytes(params), formatBytes(state),
             formatBytes(constants));
  for (const ProgramDesc &p : m.programs) {
    MemoryPlan plan = layoutArena(m, p, {{"B", batch}}).plan;
    double ratio = plan.naiveBytes
                       ? double(plan.peakBytes) / double(plan.naiveBytes)
                       : 1.0;
    fmt::print("  {}: arena {} planned vs {} unplanned ({:.2f}x); with "
               "parameters, state and constants {}\n",
               p.name, formatBytes(plan.peakBytes),
               formatBytes(plan.naiveBytes), ratio,
               formatBytes(checkedSum(plan.peakBytes, persistent,
                                      "program '" + p.name + "': memory")));
  }
}

/// Up to 8 values of `v`: "[0.5, 2]", "[1, 2, ..., 8, ... (12)]".
std::string someValues(const std::vector<double> &v) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < v.size() && i < 8; ++i)
    parts.push_back(fmt::format("{:.6g}", v[i]));
  if (v.size() > 8)
    parts.push_back(fmt::format("... ({} channels)", v.size()));
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

/// For a training checkpoint: its progress, best validation and
/// normalisation, read from the `ckpt.*` and `norm.*` entries.
void printCheckpoint(const ModelDesc &m, const std::string &path) {
  bool any = std::any_of(
      m.meta.hyperparams.begin(), m.meta.hyperparams.end(),
      [](const NamedAttr &a) { return a.name.rfind("ckpt.", 0) == 0; });
  if (!any && m.findTensor(kNormInputMean) < 0)
    return;
  Checkpoint c;
  try {
    c = readCheckpoint(path);
  } catch (const Error &e) {
    fmt::print("checkpoint: {}\n", e.what());
    return;
  }
  if (const std::optional<TrainState> &s = c.state)
    fmt::print("checkpoint: step {} of {} (epoch {}, next sample {}), batch "
               "{} of {} samples, seed {}, {:.3g} s of training; {}\n",
               s->step, s->totalSteps, s->loader.epoch, s->loader.next,
               s->batch, s->samples, s->seed, s->seconds,
               s->bestValRelL2
                   ? fmt::format("best validation at step {}: relative L2 "
                                 "{:.6g} ({} validation{} since)",
                                 s->bestStep, *s->bestValRelL2, s->sinceBest,
                                 s->sinceBest == 1 ? "" : "s")
                   : std::string("no validation yet"));
  if (const std::optional<Normalizer> &n = c.norm)
    fmt::print("normalisation: inputs mean {} std {}; targets mean {} std {}\n",
               someValues(n->inputs.mean), someValues(n->inputs.std),
               someValues(n->targets.mean), someValues(n->targets.std));
}

void runInspect(const InspectOptions &o) {
  ModelDesc m = loadModelOrThrow(o.model);
  printHeader(m, o.model);
  printCheckpoint(m, o.model);
  printPersistent(m, TensorRole::Parameter, "parameters");
  printPersistent(m, TensorRole::State, "state");
  fmt::print("programs:\n");
  for (const ProgramDesc &p : m.programs)
    printProgram(m, p);
  printMemory(m, o.batch);
}

} // namespace

void addInspectCommand(CLI::App &app) {
  auto opts = std::make_shared<InspectOptions>();
  CLI::App *cmd = app.add_subcommand("inspect", "print a model file's contents and memory plan");
  cmd->add_option("model", opts->model, "model file (.fb)")->required();
  cmd->add_option("--batch", opts->batch,
                  "batch size for the memory plan (default 16; ignored when "
                  "the model's batch was fixed at compile time)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
  cmd->callback([opts] { runInspect(*opts); });
}

} // namespace shodh
