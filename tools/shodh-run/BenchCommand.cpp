//===- BenchCommand.cpp - shodh-run bench ----------------------------------===//
//
// Times a program on random inputs: prepares it for the batch size, runs
// `--warmup` untimed invocations, then `--iters` timed ones, and prints the
// median, min and max wall time per invocation as text and as one JSON line
// (for bench/ scripts). Inputs are uniform in [-1, 1) from a fixed seed.
// The JSON line also holds the resident set after prepare and the first
// invocation (`rss_after_prepare_kib`, VmRSS) and at the end (`peak_rss_kib`,
// VmHWM). `--profile` adds a per-call timing table (ProfileTable.h).
//
//===----------------------------------------------------------------------===//
#include "runtime/core/MemoryInfo.h"
#include "runtime/core/Session.h"
#include "runtime/support/Status.h"
#include "tools/shodh-run/Commands.h"
#include "tools/shodh-run/ModelText.h"
#include "tools/shodh-run/ProfileTable.h"
#include "tools/shodh-run/SessionFlags.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace shodh {
namespace {

struct BenchOptions {
  std::string model;
  std::string program = "infer";
  int64_t batch = 16;
  bool batchGiven = false; ///< --batch on the command line
  int threads = 1;
  int warmup = 3;
  int iters = 10;
  float lr = 1e-3f;
  bool profile = false;
  std::string fftLastAxis = "auto";
  SessionFlags flags;
};

/// Fills every f32 input of the prepared program with uniform noise, except
/// a training program's learning rate (`<program>.lr`, see docs/compiler.md),
/// which gets `lr`.
void fillInputs(Session &s, const ProgramDesc &p, float lr) {
  std::mt19937 gen(1234);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    TensorRef t = s.input(p.name, i);
    if (t.dtype != DType::F32)
      throw Error(fmt::format("bench: input '{}' is {}; only f32 inputs are generated",
                              s.model().tensors[p.inputs[i]].name, dtypeName(t.dtype)));
    float *v = t.as<float>();
    bool isLr = s.model().tensors[p.inputs[i]].name == p.name + ".lr";
    const int64_t n = t.numel();
    for (int64_t j = 0; j < n; ++j)
      v[j] = isLr ? lr : u(gen);
  }
}

/// A /proc/self/status figure as a JSON value (null where unavailable).
std::string kibJson(const char *field) {
  std::optional<uint64_t> kib = procStatusKiB(field);
  return kib ? std::to_string(*kib) : "null";
}

/// The batch a model compiled with `shodhc --batch N` runs at: the static
/// first axis of the program's first data input (rank >= 2), if any.
std::optional<int64_t> staticBatch(const ModelDesc &m, const ProgramDesc &p) {
  for (int32_t id : p.inputs) {
    const TensorDesc &t = m.tensors[id];
    if (t.shape.size() >= 2)
      return t.shape[0].isStatic() ? std::optional<int64_t>(t.shape[0].size)
                                   : std::nullopt;
  }
  return std::nullopt;
}

void runBench(BenchOptions o) {
  ModelDesc m = loadModelOrThrow(o.model);
  const ProgramDesc *p = m.findProgram(o.program);
  if (!p)
    throw Error(fmt::format("model has no program '{}'", o.program));
  if (std::optional<int64_t> fixed = staticBatch(m, *p);
      fixed && *fixed != o.batch) {
    if (o.batchGiven)
      fmt::print(stderr,
                 "note: the model was compiled with the static batch {} "
                 "(shodhc --batch "
                 "{}); --batch {} is ignored\n",
                 *fixed, *fixed, o.batch);
    o.batch = *fixed; // what runs, and what the report says
  }
  SessionOptions so = o.flags.apply(SessionOptions{o.threads, Backend::Cpu});
  setLastAxisTransform(o.fftLastAxis == "fftw"  ? LastAxisTransform::Fftw
                       : o.fftLastAxis == "dft" ? LastAxisTransform::Dft
                                                : LastAxisTransform::Auto);
  so.profile = o.profile;
  Session s(m, so);
  // After loading: the model and its weights in memory, nothing planned yet
  // (the measure of docs/benchmarks.md § Memory).
  std::string rssAfterLoad = kibJson("VmRSS");
  const std::map<std::string, int64_t> symbols{{"B", o.batch}};
  s.prepare(o.program, symbols);
  std::vector<double> ms;
  std::string rssAfterPrepare;
  for (int i = -o.warmup; i < o.iters; ++i) {
    fillInputs(s, *p, o.lr); // invoke may reuse input buffers for activations
    if (i == 0 && o.profile)
      s.resetProfile(o.program); // time the timed runs only
    auto t0 = std::chrono::steady_clock::now();
    s.invoke(o.program);
    if (i >= 0)
      ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (rssAfterPrepare.empty())
      rssAfterPrepare = kibJson("VmRSS"); // after prepare + one invocation
  }
  std::sort(ms.begin(), ms.end());
  double median = ms.size() % 2 ? ms[ms.size() / 2]
                                : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
  fmt::print("{} B={} threads={}: median {:.3f} ms, min {:.3f} ms, max {:.3f} ms over {} runs\n",
             o.program, o.batch, o.threads, median, ms.front(), ms.back(), ms.size());
  if (o.profile)
    printProfileTable(s, o.program, symbols);
  fmt::print("{{\"program\": \"{}\", \"batch\": {}, \"threads\": {}, \"median_ms\": {:.3f}, "
             "\"min_ms\": {:.3f}, \"max_ms\": {:.3f}, \"iters\": {}, \"arena_bytes\": {}, "
             "\"rss_after_load_kib\": {}, \"rss_after_prepare_kib\": {}, "
             "\"peak_rss_kib\": {}}}\n",
             o.program, o.batch, o.threads, median, ms.front(), ms.back(), ms.size(),
             s.plan(o.program).peakBytes, rssAfterLoad, rssAfterPrepare,
             kibJson("VmHWM"));
}

} // namespace

void addBenchCommand(CLI::App &app) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App *cmd = app.add_subcommand("bench", "time a program on random inputs (median of runs)");
  cmd->add_option("model", o->model, "model file (.fb)")->required();
  cmd->add_option("--program", o->program, "program to time");
  CLI::Option *batch =
      cmd->add_option("--batch", o->batch, "batch size (default 16)")
          ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--threads", o->threads, "worker threads")->check(CLI::Range(1, 256));
  cmd->add_option("--warmup", o->warmup, "untimed runs first")->check(CLI::Range(0, 1000));
  cmd->add_option("--iters", o->iters, "timed runs")->check(CLI::Range(1, 100000));
  cmd->add_option("--lr", o->lr, "learning rate fed to a training program's lr input");
  cmd->add_flag("--profile", o->profile,
                "print the time of every kernel call, sorted, and per kernel");
  cmd->add_option("--fft-last-axis", o->fftLastAxis,
                  "last axis of the truncated FFTs (CPU): auto (default: a direct "
                  "DFT by sgemm when at most 16 modes are kept there, else FFTW), "
                  "fftw or dft, to compare the two")
      ->check(CLI::IsMember({"auto", "fftw", "dft"}));
  o->flags.addTo(cmd);
  cmd->callback([o, batch] {
    o->batchGiven = batch->count() > 0;
    runBench(*o);
  });
}

} // namespace shodh
