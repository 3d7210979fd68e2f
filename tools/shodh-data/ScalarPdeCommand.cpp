//===- ScalarPdeCommand.cpp - shodh-data poisson|advdiff|helmholtz --------===//
//
//   shodh-data poisson --n 256 --res 128 --seed 0 --threads 2 --out p.h5
//   shodh-data advdiff ... [--mixed-layout] [--sparsity dataset-quarters]
//
// Samples are drawn by runtime/data/gen/ScalarPdeSamples (sample i from
// SplitMix64(seed, i), so the file does not depend on --threads) and laid
// out by ScalarPdeLayout: `inputs`, `targets` (Shodh's layout) plus `fields`
// and `tensor` (the reference layout of Subramanian et al.).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "ParallelFor.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/data/gen/ScalarPdeLayout.h"
#include "runtime/data/gen/ScalarPdeSamples.h"
#include "tools/common/CliChecks.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>

#include <atomic>
#include <memory>

namespace shodh {
namespace {

/// Options of one scalar PDE subcommand.
struct ScalarPdeCommandOptions {
  ScalarPdeOptions pde;
  int64_t n = 8;
  uint64_t seed = 0;
  int threads = 2;
  bool mixed = false;
  std::string sparsity = "grid-quarters";
  std::string out;
  std::string commandLine;
};

/// The datasets of one file, filled sample by sample.
struct ScalarPdeArrays {
  FloatArray inputs, targets, fields, tensor, ratio;
  std::atomic<int64_t> redraws{0};
};

/// Allocates the datasets for `o`.
void allocate(const ScalarPdeCommandOptions &o, ScalarPdeArrays &a) {
  const int64_t n = o.n, r = o.pde.res;
  auto shape = [](FloatArray &arr, std::vector<int64_t> s) {
    arr.shape = std::move(s);
    arr.values.assign(static_cast<size_t>(arr.numel()), 0.0f);
  };
  shape(a.inputs,
        {n, static_cast<int64_t>(inputChannelNames(o.pde.pde, o.mixed).size()),
         r, r});
  shape(a.targets, {n, 1, r, r});
  shape(a.fields, {n, 2, r, r});
  shape(a.tensor,
        {n, static_cast<int64_t>(tensorColumnNames(o.pde.pde).size())});
  if (o.pde.pde == ScalarPde::AdvectionDiffusion)
    shape(a.ratio, {n, 1});
}

/// Copies `values` (double) into `dst` as floats.
void copyField(const std::vector<double> &values, float *dst) {
  for (size_t i = 0; i < values.size(); ++i)
    dst[i] = static_cast<float>(values[i]);
}

/// Stores sample `i` in every dataset.
void store(const ScalarPdeCommandOptions &o, const ScalarPdeSample &s,
           int64_t i, ScalarPdeArrays &a) {
  const int64_t cells = o.pde.res * o.pde.res;
  const int64_t channels = a.inputs.shape[1], columns = a.tensor.shape[1];
  float *in = a.inputs.values.data() + i * channels * cells;
  copyField(s.source, in);
  std::vector<double> coeffs =
      inputCoefficientValues(o.pde.pde, s.tensor, o.mixed);
  for (int64_t c = 1; c < channels; ++c)
    std::fill(in + c * cells, in + (c + 1) * cells,
              static_cast<float>(coeffs[c - 1]));
  copyField(s.solution, a.targets.values.data() + i * cells);
  copyField(s.source, a.fields.values.data() + (2 * i) * cells);
  copyField(s.solution, a.fields.values.data() + (2 * i + 1) * cells);
  for (int64_t c = 0; c < columns; ++c)
    a.tensor.values[i * columns + c] = static_cast<float>(s.tensor[c]);
  if (!a.ratio.values.empty())
    a.ratio.values[i] = static_cast<float>(s.ratio);
  a.redraws += s.redraws;
}

/// Draws all samples on `o.threads` threads.
void generate(const ScalarPdeCommandOptions &o, ScalarPdeArrays &a) {
  Progress progress("shodh-data " + scalarPdeName(o.pde.pde), o.n);
  parallelFor(
      o.n, o.threads, [&] { return std::make_unique<ScalarPdeSampler>(o.pde); },
      [&](std::unique_ptr<ScalarPdeSampler> &sampler, int64_t i) {
        store(o, sampler->sample(o.seed, static_cast<uint64_t>(i)), i, a);
        progress.advance();
      });
}

/// Writes the datasets and attributes, then commits the file.
void write(const ScalarPdeCommandOptions &o, ScalarPdeArrays &a,
           Hdf5Writer &w) {
  w.writeFloats("inputs", a.inputs);
  w.writeStringsAttr("inputs", "fields", inputChannelNames(o.pde.pde, o.mixed));
  w.writeFloats("targets", a.targets);
  w.writeStringsAttr("targets", "fields", {"solution"});
  w.writeFloats("fields", a.fields);
  w.writeStringsAttr("fields", "fields", {"source", "solution"});
  w.writeFloats("tensor", a.tensor);
  w.writeStringsAttr("tensor", "columns", tensorColumnNames(o.pde.pde));
  if (!a.ratio.values.empty())
    w.writeFloats("ratio", a.ratio);
  w.writeIntsAttr("/", "grid", {o.pde.res, o.pde.res});
  w.writeDoublesAttr("/", "extent", {1.0, 1.0});
  w.writeStringsAttr("/", "generator", {o.commandLine});
  w.writeStringsAttr("/", "pde", {scalarPdeName(o.pde.pde)});
  w.writeStringsAttr("/", "layout", {o.mixed ? "mixed" : "per-pde"});
  w.writeStringsAttr("/", "sparsity", {sparsityModeName(o.pde.sparsity)});
  if (o.pde.pde == ScalarPde::Helmholtz)
    w.writeIntsAttr("/", "redraws", {a.redraws.load()});
  w.commit();
}

/// Runs one subcommand: fail fast on the output, generate, write, report.
void run(ScalarPdeCommandOptions &o) {
  Hdf5Writer writer(o.out); // an unwritable --out fails before any work
  o.pde.datasetSize = o.n;
  ScalarPdeArrays arrays;
  allocate(o, arrays);
  generate(o, arrays);
  write(o, arrays, writer);
  std::string extra = o.pde.pde == ScalarPde::Helmholtz
                          ? fmt::format(", {} redraws", arrays.redraws.load())
                          : std::string();
  std::printf("wrote %s: inputs %s, targets %s, fields %s, tensor %s%s\n",
              o.out.c_str(), formatShape(arrays.inputs.shape).c_str(),
              formatShape(arrays.targets.shape).c_str(),
              formatShape(arrays.fields.shape).c_str(),
              formatShape(arrays.tensor.shape).c_str(), extra.c_str());
}

/// One-line description of each subcommand.
std::string describe(ScalarPde pde) {
  switch (pde) {
  case ScalarPde::Poisson:
    return "Poisson -0.01 div(K grad u) = f on the periodic unit square";
  case ScalarPde::AdvectionDiffusion:
    return "advection-diffusion -(1-λ) 0.01 div(K grad u) + λ v.grad u = f";
  case ScalarPde::Helmholtz:
    return "Helmholtz -0.01 Δu - ω u = f (samples with max|u| > 2 redrawn)";
  }
  return "";
}

/// Registers the subcommand for `pde`.
void addScalarPdeCommand(CLI::App &app, ScalarPde pde,
                         const std::string &commandLine) {
  auto o = std::make_shared<ScalarPdeCommandOptions>();
  o->pde.pde = pde;
  o->commandLine = commandLine;
  CLI::App *cmd = app.add_subcommand(scalarPdeName(pde), describe(pde));
  cmd->add_option("--n", o->n, "number of samples")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 24));
  cmd->add_option("--res", o->pde.res, "grid points per axis")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(8), int64_t(4096)));
  cmd->add_option("--seed", o->seed, "random seed")
      ->capture_default_str()
      ->check(cli::seedNumber());
  cmd->add_option("--threads", o->threads, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", o->out, "output HDF5 file")->required();
  cmd->add_flag(
      "--mixed-layout", o->mixed,
      "8 input channels shared by all three PDEs (docs/data-format.md)");
  cmd->add_option("--sparsity", o->sparsity,
                  "how vf is chosen: each bump-grid quarter draws its own "
                  "(grid-quarters) or "
                  "sample quarters of the file use 0.2, 0.4, 0.6, 0.8 "
                  "(dataset-quarters)")
      ->check(CLI::IsMember({"grid-quarters", "dataset-quarters"}))
      ->capture_default_str();
  cmd->callback([o] {
    o->pde.sparsity = o->sparsity == "dataset-quarters"
                          ? SparsityMode::DatasetQuarters
                          : SparsityMode::GridQuarters;
    run(*o);
  });
}

} // namespace

void addScalarPdeCommands(CLI::App &app, const std::string &commandLine) {
  for (ScalarPde pde : {ScalarPde::Poisson, ScalarPde::AdvectionDiffusion,
                        ScalarPde::Helmholtz})
    addScalarPdeCommand(app, pde, commandLine);
}

} // namespace shodh
