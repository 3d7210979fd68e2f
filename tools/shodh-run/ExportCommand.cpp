//===- ExportCommand.cpp - shodh-run export
//--------------------------------===//
//
// Writes the parameters of a checkpoint (or, without --weights, the model's
// initial parameters, drawn from its init specs) to an HDF5 file, one
// dataset per parameter named after it (complex parameters with a trailing
// axis of 2), plus the normalisation statistics as f64 datasets
// `norm.input.mean`, … when the checkpoint has them — everything needed to
// use the weights from numpy or PyTorch.
//
//===----------------------------------------------------------------------===//
#include "runtime/support/OutputFile.h"
#include "runtime/support/Status.h"
#include "runtime/train/Checkpoint.h"
#include "runtime/train/ParameterExport.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/ModelText.h"

#include <fmt/format.h>

#include <optional>

namespace shodh {
namespace {

struct ExportOptions {
  std::string model, weights, out;
};

void runExport(const ExportOptions &o) {
  ModelDesc model = loadModelOrThrow(o.model);
  if (Status s = checkDistinctFiles(
          {{"--weights", o.weights}, {"model", o.model}}, {{"--out", o.out}});
      !s.ok())
    throw Error(s.message());
  std::optional<Checkpoint> ckpt;
  if (!o.weights.empty())
    ckpt = readCheckpoint(o.weights);
  Session session(model, SessionOptions{1, Backend::Cpu});
  if (ckpt)
    restoreCheckpoint(session, *ckpt, o.model);
  const Normalizer *norm = ckpt && ckpt->norm ? &*ckpt->norm : nullptr;
  int64_t n = writeParametersHdf5(session, o.out, "export", norm);
  fmt::print("wrote {} {}parameters{} to {}\n", n, ckpt ? "" : "initial ",
             norm ? " and normalisation statistics" : "", o.out);
}

} // namespace

void addExportCommand(CLI::App &app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App *cmd =
      app.add_subcommand("export", "write a checkpoint's parameters to HDF5");
  cmd->add_option("model", o->model, "model file (.fb)")->required();
  cmd->add_option("--weights", o->weights,
                  "checkpoint (.fb) with the trained values (default: the "
                  "model's initial parameters)");
  cmd->add_option("--out", o->out,
                  "HDF5 file to write (one dataset per parameter)")
      ->required();
  cmd->callback([o] { runExport(*o); });
}

} // namespace shodh
