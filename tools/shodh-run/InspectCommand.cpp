//===- InspectCommand.cpp - shodh-run inspect ------------------------------===//
//
// Prints what a model file holds: metadata, hyperparameters, parameters and
// state with their init specs, every program's calls, and the memory planned
// for a batch size (arena peak against the naive sum of all buffers).
//
//===----------------------------------------------------------------------===//
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/ModelText.h"

#include <fmt/format.h>

namespace shodh {
namespace {

struct InspectOptions {
  std::string model;
  int64_t batch = 1;
};

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
  int64_t count = 0, values = 0;
  uint64_t bytes = 0;
  for (const TensorDesc &t : m.tensors) {
    if (t.role != role)
      continue;
    int64_t n = 1;
    for (const Dim &d : t.shape)
      n *= d.size;
    ++count, values += n, bytes += uint64_t(n) * dtypeSize(t.dtype);
  }
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
    fmt::print("    #{} {}({}) -> {} {}{}\n", i, c.kernel, operandList(m, c.inputs),
               operandList(m, c.outputs), formatTensorType(m.tensors[c.outputs.at(0)]),
               attrs.empty() ? "" : fmt::format(" {{{}}}", fmt::join(attrs, ", ")));
  }
}

/// Plans every program for the batch size and prints arena figures.
void printMemory(const ModelDesc &m, int64_t batch) {
  Session session(m, SessionOptions{});
  uint64_t persistent = 0;
  for (size_t i = 0; i < m.tensors.size(); ++i)
    if (isPersistent(m.tensors[i].role))
      persistent += session.persistent(static_cast<int32_t>(i)).numel() *
                    dtypeSize(m.tensors[i].dtype);
  fmt::print("memory for B={} (persistent tensors {}):\n", batch, formatBytes(persistent));
  for (const ProgramDesc &p : m.programs) {
    session.prepare(p.name, {{"B", batch}});
    const MemoryPlan &plan = session.plan(p.name);
    fmt::print("  {}: arena {} planned, naive sum {} ({:.0f}%)\n", p.name,
               formatBytes(plan.peakBytes), formatBytes(plan.naiveBytes),
               plan.naiveBytes ? 100.0 * double(plan.peakBytes) / double(plan.naiveBytes) : 100.0);
  }
}

void runInspect(const InspectOptions &o) {
  ModelDesc m = loadModelOrThrow(o.model);
  printHeader(m, o.model);
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
  cmd->add_option("--batch", opts->batch, "batch size for the memory plan")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
  cmd->callback([opts] { runInspect(*opts); });
}

} // namespace shodh
