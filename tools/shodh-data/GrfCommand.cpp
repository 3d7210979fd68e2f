//===- GrfCommand.cpp - shodh-data grf: Gaussian random fields ------------===//
//
//   shodh-data grf --n 8 --channels 3 --res 32 --dims 2 --seed 0 --out in.h5
//
// Field f of the file (sample f / C, channel f % C) is drawn from its own
// stream (seed, f), so the file does not depend on --threads.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "ParallelFor.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/data/gen/GaussianRandomField.h"
#include "tools/common/CliChecks.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>

#include <memory>

namespace shodh {
namespace {

/// Options of `shodh-data grf`.
struct GrfOptions {
  int64_t n = 8;
  int64_t channels = 3;
  GrfParams params;
  uint64_t seed = 0;
  int threads = 2;
  std::string out;
  std::string commandLine;
};

/// Generates `opts.n` samples of `opts.channels` fields each, in parallel.
FloatArray generateGrf(const GrfOptions &opts) {
  int64_t cells = 1;
  for (int d = 0; d < opts.params.dims; ++d)
    cells *= opts.params.res;
  FloatArray out;
  out.shape = {opts.n, opts.channels};
  for (int d = 0; d < opts.params.dims; ++d)
    out.shape.push_back(opts.params.res);
  out.values.resize(static_cast<size_t>(opts.n * opts.channels * cells));
  Progress progress("shodh-data grf", opts.n * opts.channels);
  parallelFor(
      opts.n * opts.channels, opts.threads, [] { return 0; },
      [&](int, int64_t f) {
        std::vector<double> field = sampleGaussianRandomField(
            opts.params, opts.seed, static_cast<uint64_t>(f));
        for (int64_t i = 0; i < cells; ++i)
          out.values[f * cells + i] = static_cast<float>(field[i]);
        progress.advance();
      });
  return out;
}

/// Writes the generated fields with their metadata attributes.
void writeGrf(const GrfOptions &opts, Hdf5Writer &w, const FloatArray &inputs) {
  w.writeFloats("inputs", inputs);
  std::vector<std::string> fields;
  for (int64_t c = 0; c < opts.channels; ++c)
    fields.push_back(fmt::format("grf{}", c));
  w.writeStringsAttr("inputs", "fields", fields);
  w.writeIntsAttr("/", "grid",
                  std::vector<int64_t>(opts.params.dims, opts.params.res));
  w.writeDoublesAttr("/", "extent", std::vector<double>(opts.params.dims, 1.0));
  w.writeStringsAttr("/", "generator", {opts.commandLine});
  w.writeDoublesAttr("/", "grf_alpha_tau",
                     {opts.params.alpha, opts.params.tau});
  w.writeIntsAttr("/", "seed", {static_cast<int64_t>(opts.seed)});
  w.commit();
}

} // namespace

void addGrfCommand(CLI::App &app, const std::string &commandLine) {
  auto opts = std::make_shared<GrfOptions>();
  opts->commandLine = commandLine;
  CLI::App *cmd =
      app.add_subcommand("grf", "Gaussian random fields on the periodic unit "
                                "cube, covariance (-Δ+τ²)^-α");
  cmd->add_option("--n", opts->n, "number of samples")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 24));
  cmd->add_option("--channels", opts->channels, "fields per sample")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(4096)));
  cmd->add_option("--res", opts->params.res, "grid points per dimension")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(2), int64_t(4096)));
  cmd->add_option("--dims", opts->params.dims, "spatial dimensions (1, 2 or 3)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3));
  cmd->add_option("--alpha", opts->params.alpha, "smoothness exponent")
      ->capture_default_str()
      ->check(cli::positiveNumber());
  cmd->add_option("--tau", opts->params.tau, "inverse length scale")
      ->capture_default_str()
      ->check(cli::positiveNumber());
  cmd->add_option("--seed", opts->seed, "random seed")
      ->capture_default_str()
      ->check(cli::seedNumber());
  cmd->add_option("--threads", opts->threads, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", opts->out, "output HDF5 file")->required();
  cmd->callback([opts] {
    Hdf5Writer writer(opts->out); // fails fast on an unwritable path
    FloatArray inputs = generateGrf(*opts);
    writeGrf(*opts, writer, inputs);
    std::printf("wrote %s: inputs %s\n", opts->out.c_str(),
                formatShape(inputs.shape).c_str());
  });
}

} // namespace shodh
