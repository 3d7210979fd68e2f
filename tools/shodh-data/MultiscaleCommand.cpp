//===- MultiscaleCommand.cpp - shodh-data multiscale ----------------------===//
//
//   shodh-data multiscale --pde poisson --n 256 --res 128 --seed 0 --out m.h5
//   shodh-data multiscale --pde helmholtz --patches 4 ... [--mixed-layout]
//
// Poisson/Helmholtz samples whose source is smooth in some patches and
// high-frequency in others (runtime/data/gen/MultiscaleSamples; sample i from
// SplitMix64(seed, i), so the file does not depend on --threads). Same
// datasets as `shodh-data poisson|helmholtz` (ScalarPdeLayout), plus
// `region_map` (N, P, P): 1 where a patch's source is high-frequency.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "ParallelFor.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/data/gen/MultiscaleSamples.h"
#include "runtime/data/gen/ScalarPdeLayout.h"
#include "tools/common/CliChecks.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <memory>

namespace shodh {
namespace {

/// Options of `shodh-data multiscale`.
struct MultiscaleCommandOptions {
  MultiscaleOptions ms;
  std::string pde = "poisson";
  int64_t n = 8;
  uint64_t seed = 0;
  int threads = 2;
  bool mixed = false;
  std::string out;
  std::string commandLine;
};

/// The datasets of one file, filled sample by sample.
struct MultiscaleArrays {
  FloatArray inputs, targets, fields, tensor, regionMap;
  std::atomic<int64_t> redraws{0};
};

/// Allocates the datasets.
void allocate(const MultiscaleCommandOptions &o, MultiscaleArrays &a) {
  const int64_t n = o.n, r = o.ms.res, p = o.ms.source.patches;
  auto shape = [](FloatArray &arr, std::vector<int64_t> s) {
    arr.shape = std::move(s);
    arr.values.assign(static_cast<size_t>(arr.numel()), 0.0f);
  };
  shape(a.inputs,
        {n, static_cast<int64_t>(inputChannelNames(o.ms.pde, o.mixed).size()),
         r, r});
  shape(a.targets, {n, 1, r, r});
  shape(a.fields, {n, 2, r, r});
  shape(a.tensor,
        {n, static_cast<int64_t>(tensorColumnNames(o.ms.pde).size())});
  shape(a.regionMap, {n, p, p});
}

/// Copies `values` (double) to `dst` as floats.
template <typename T> void copyField(const std::vector<T> &values, float *dst) {
  std::transform(values.begin(), values.end(), dst,
                 [](T v) { return static_cast<float>(v); });
}

/// Stores sample `i` in every dataset.
void store(const MultiscaleCommandOptions &o, const MultiscaleSample &s,
           int64_t i, MultiscaleArrays &a) {
  const int64_t cells = o.ms.res * o.ms.res;
  const int64_t channels = a.inputs.shape[1], columns = a.tensor.shape[1];
  float *in = a.inputs.values.data() + i * channels * cells;
  copyField(s.pde.source, in);
  std::vector<double> coeffs =
      inputCoefficientValues(o.ms.pde, s.pde.tensor, o.mixed);
  for (int64_t c = 1; c < channels; ++c)
    std::fill(in + c * cells, in + (c + 1) * cells,
              static_cast<float>(coeffs[c - 1]));
  copyField(s.pde.solution, a.targets.values.data() + i * cells);
  copyField(s.pde.source, a.fields.values.data() + (2 * i) * cells);
  copyField(s.pde.solution, a.fields.values.data() + (2 * i + 1) * cells);
  for (int64_t c = 0; c < columns; ++c)
    a.tensor.values[i * columns + c] = static_cast<float>(s.pde.tensor[c]);
  copyField(s.regionMap, a.regionMap.values.data() +
                             i * static_cast<int64_t>(s.regionMap.size()));
  a.redraws += s.pde.redraws;
}

/// Writes the datasets and attributes, then commits the file.
void write(const MultiscaleCommandOptions &o, MultiscaleArrays &a,
           Hdf5Writer &w) {
  const MultiscaleSourceParams &src = o.ms.source;
  w.writeFloats("inputs", a.inputs);
  w.writeStringsAttr("inputs", "fields", inputChannelNames(o.ms.pde, o.mixed));
  w.writeFloats("targets", a.targets);
  w.writeStringsAttr("targets", "fields", {"solution"});
  w.writeFloats("fields", a.fields);
  w.writeStringsAttr("fields", "fields", {"source", "solution"});
  w.writeFloats("tensor", a.tensor);
  w.writeStringsAttr("tensor", "columns", tensorColumnNames(o.ms.pde));
  w.writeFloats("region_map", a.regionMap);
  w.writeStringsAttr("region_map", "meaning",
                     {"1 = high-frequency source in patch [row = y, col = x]"});
  w.writeIntsAttr("/", "grid", {o.ms.res, o.ms.res});
  w.writeDoublesAttr("/", "extent", {1.0, 1.0});
  w.writeStringsAttr("/", "generator", {o.commandLine});
  w.writeStringsAttr("/", "pde", {scalarPdeName(o.ms.pde)});
  w.writeStringsAttr("/", "layout", {o.mixed ? "mixed" : "per-pde"});
  w.writeStringsAttr("/", "source", {"multiscale"});
  w.writeIntsAttr("/", "patches", {src.patches});
  w.writeDoublesAttr("/", "low_band", {src.lowMin, src.lowMax});
  w.writeDoublesAttr("/", "high_band", {src.highMin, src.highMax});
  w.writeDoublesAttr("/", "transition", {src.transition});
  if (o.ms.pde == ScalarPde::Helmholtz)
    w.writeIntsAttr("/", "redraws", {a.redraws.load()});
  w.commit();
}

/// Validates, generates on `o.threads` threads, writes, reports.
void run(MultiscaleCommandOptions &o) {
  o.ms.pde = o.pde == "helmholtz" ? ScalarPde::Helmholtz : ScalarPde::Poisson;
  MultiscaleSampler probe(o.ms); // bad flags fail before the output is opened
  Hdf5Writer writer(o.out);      // an unwritable --out fails before any work
  MultiscaleArrays arrays;
  allocate(o, arrays);
  Progress progress("shodh-data multiscale " + o.pde, o.n);
  parallelFor(
      o.n, o.threads, [&] { return std::make_unique<MultiscaleSampler>(o.ms); },
      [&](std::unique_ptr<MultiscaleSampler> &sampler, int64_t i) {
        store(o, sampler->sample(o.seed, static_cast<uint64_t>(i)), i, arrays);
        progress.advance();
      });
  write(o, arrays, writer);
  std::string extra = o.ms.pde == ScalarPde::Helmholtz
                          ? fmt::format(", {} redraws", arrays.redraws.load())
                          : std::string();
  std::printf("wrote %s: inputs %s, targets %s, fields %s, tensor %s, "
              "region_map %s%s\n",
              o.out.c_str(), formatShape(arrays.inputs.shape).c_str(),
              formatShape(arrays.targets.shape).c_str(),
              formatShape(arrays.fields.shape).c_str(),
              formatShape(arrays.tensor.shape).c_str(),
              formatShape(arrays.regionMap.shape).c_str(), extra.c_str());
}

} // namespace

void addMultiscaleCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<MultiscaleCommandOptions>();
  o->commandLine = commandLine;
  CLI::App *cmd = app.add_subcommand(
      "multiscale", "Poisson/Helmholtz with sources smooth in some patches "
                    "and high-frequency in others (M2M's multi-scale data)");
  cmd->add_option("--pde", o->pde, "the equation")
      ->check(CLI::IsMember({"poisson", "helmholtz"}))
      ->capture_default_str();
  cmd->add_option("--n", o->n, "number of samples")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 24));
  cmd->add_option("--res", o->ms.res, "grid points per axis (> 48)")
      ->capture_default_str();
  cmd->add_option("--patches", o->ms.source.patches,
                  "P: the region map has P x P patches")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed")
      ->capture_default_str()
      ->check(cli::seedNumber());
  cmd->add_option("--threads", o->threads, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", o->out, "output HDF5 file")->required();
  cmd->add_flag("--mixed-layout", o->mixed,
                "8 input channels shared by all scalar PDEs "
                "(docs/data-format.md)");
  cmd->callback([o] { run(*o); });
}

} // namespace shodh
