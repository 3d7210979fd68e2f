//===- Ns2dCommand.cpp - shodh-data ns2d: 2D Navier–Stokes trajectories ---===//
//
//   shodh-data ns2d --nu 1e-3 --n 16 --res 64 --steps 20 --seed 0 --out ns.h5
//   shodh-data ns2d ... --window 10      # also inputs/targets: 10 past -> 10
//   next
//
// Trajectories come from runtime/data/gen/Ns2dSamples (FNO's recipe; sample i
// from SplitMix64(seed, i), so the file does not depend on --threads). The
// file holds `vorticity` (N, T, 1, H, W) and `initial_vorticity` (N, 1, H, W)
// plus every parameter as root attributes; with --window W, each trajectory
// also gives windows of 2W consecutive snapshots as `inputs` (W past
// snapshots as channels) and `targets` (the next W).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "ParallelFor.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/data/gen/Ns2dSamples.h"
#include "runtime/support/Status.h"
#include "tools/common/CliChecks.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace shodh {
namespace {

/// Options of `shodh-data ns2d`.
struct Ns2dCommandOptions {
  Ns2dOptions ns;
  std::string subsample = "spectral";
  int64_t n = 8;
  int64_t window = 0, windowStride = 0;
  uint64_t seed = 0;
  int threads = 2;
  std::string out;
  std::string commandLine;
};

/// The datasets of one file and the step statistics over all samples.
struct Ns2dArrays {
  FloatArray vorticity, initial, inputs, targets;
  Ns2dStepStats stats;
  std::mutex statsMutex;
};

/// Windows per trajectory: starts 0, stride, ... with start + 2W <= T.
int64_t windowsPerSample(const Ns2dCommandOptions &o) {
  return o.window == 0 ? 0 : (o.ns.steps - 2 * o.window) / o.windowStride + 1;
}

/// Checks the window flags (the rest is checked by the sampler).
void checkWindow(Ns2dCommandOptions &o) {
  if (o.windowStride != 0 && o.window == 0)
    throw Error("--window-stride needs --window");
  if (o.window == 0)
    return;
  if (o.window < 1 || 2 * o.window > o.ns.steps)
    throw Error(fmt::format("--window {} needs --steps >= {} (2 x window), "
                            "got {}",
                            o.window, 2 * o.window, o.ns.steps));
  if (o.windowStride == 0)
    o.windowStride = o.window;
  if (o.windowStride < 1)
    throw Error(fmt::format("--window-stride must be positive (got {})",
                            o.windowStride));
}

/// Allocates the datasets.
void allocate(const Ns2dCommandOptions &o, Ns2dArrays &a) {
  const int64_t r = o.ns.res, windows = o.n * windowsPerSample(o);
  auto shape = [](FloatArray &arr, std::vector<int64_t> s) {
    arr.shape = std::move(s);
    arr.values.assign(static_cast<size_t>(arr.numel()), 0.0f);
  };
  shape(a.vorticity, {o.n, o.ns.steps, 1, r, r});
  shape(a.initial, {o.n, 1, r, r});
  if (windows > 0) {
    shape(a.inputs, {windows, o.window, r, r});
    shape(a.targets, {windows, o.window, r, r});
  }
}

/// Stores trajectory `i` (and its windows).
void store(const Ns2dCommandOptions &o, const Ns2dSample &s, int64_t i,
           Ns2dArrays &a) {
  const int64_t cells = o.ns.res * o.ns.res, t = o.ns.steps;
  std::transform(s.snapshots.begin(), s.snapshots.end(),
                 a.vorticity.values.begin() + i * t * cells,
                 [](double v) { return static_cast<float>(v); });
  std::transform(s.initial.begin(), s.initial.end(),
                 a.initial.values.begin() + i * cells,
                 [](double v) { return static_cast<float>(v); });
  const int64_t per = windowsPerSample(o), block = o.window * cells;
  const float *traj = a.vorticity.values.data() + i * t * cells;
  for (int64_t j = 0; j < per; ++j) {
    const float *start = traj + j * o.windowStride * cells;
    std::copy(start, start + block,
              a.inputs.values.begin() + (i * per + j) * block);
    std::copy(start + block, start + 2 * block,
              a.targets.values.begin() + (i * per + j) * block);
  }
  std::lock_guard<std::mutex> lock(a.statsMutex);
  Ns2dStepStats &st = a.stats;
  st.minDt = st.steps == 0 ? s.stats.minDt : std::min(st.minDt, s.stats.minDt);
  st.maxDt = std::max(st.maxDt, s.stats.maxDt);
  st.maxCfl = std::max(st.maxCfl, s.stats.maxCfl);
  st.steps += s.stats.steps;
}

/// Channel names w[first] .. w[first + count - 1] (index within the window).
std::vector<std::string> windowNames(int64_t first, int64_t count) {
  std::vector<std::string> names;
  for (int64_t k = first; k < first + count; ++k)
    names.push_back(fmt::format("w[{}]", k));
  return names;
}

/// Writes datasets and attributes, then commits.
void write(const Ns2dCommandOptions &o, const Ns2dOptions &ns, Ns2dArrays &a,
           Hdf5Writer &w) {
  w.writeFloats("vorticity", a.vorticity);
  w.writeStringsAttr("vorticity", "fields", {"vorticity"});
  w.writeFloats("initial_vorticity", a.initial);
  w.writeStringsAttr("initial_vorticity", "fields", {"vorticity"});
  if (!a.inputs.values.empty()) {
    w.writeFloats("inputs", a.inputs);
    w.writeStringsAttr("inputs", "fields", windowNames(0, o.window));
    w.writeFloats("targets", a.targets);
    w.writeStringsAttr("targets", "fields", windowNames(o.window, o.window));
    w.writeIntsAttr("/", "window", {o.window});
    w.writeIntsAttr("/", "window_stride", {o.windowStride});
    w.writeIntsAttr("/", "windows_per_sample", {windowsPerSample(o)});
  }
  std::vector<double> times;
  for (int64_t j = 1; j <= ns.steps; ++j)
    times.push_back(static_cast<double>(j) * ns.recordEvery);
  w.writeIntsAttr("/", "grid", {ns.res, ns.res});
  w.writeDoublesAttr("/", "extent", {1.0, 1.0});
  w.writeStringsAttr("/", "generator", {o.commandLine});
  w.writeStringsAttr("/", "pde", {"navier-stokes-2d"});
  w.writeDoublesAttr("/", "nu", {ns.nu});
  w.writeIntsAttr("/", "seed", {static_cast<int64_t>(o.seed)});
  w.writeIntsAttr("/", "solve_res", {ns.solveRes});
  w.writeStringsAttr("/", "subsample", {ns2dSubsamplingName(ns.subsampling)});
  w.writeDoublesAttr("/", "record_every", {ns.recordEvery});
  w.writeDoublesAttr("/", "times", times);
  w.writeDoublesAttr("/", "forcing_amplitude", {ns.forcingAmplitude});
  w.writeDoublesAttr("/", "grf_alpha_tau", {ns.alpha, ns.tau});
  w.writeStringsAttr(
      "/", "time_stepping",
      {fmt::format("Crank-Nicolson viscous + Adams-Bashforth-2 advection; "
                   "dt = min({}, {} dx / (max|u| + max|v|)), equal steps "
                   "between records; 2/3-rule dealiasing",
                   ns.dtMax, ns.cfl)});
  w.writeDoublesAttr("/", "dt_max", {ns.dtMax});
  w.writeDoublesAttr("/", "cfl", {ns.cfl});
  w.writeDoublesAttr("/", "dt_range", {a.stats.minDt, a.stats.maxDt});
  w.writeDoublesAttr("/", "max_cfl", {a.stats.maxCfl});
  w.writeIntsAttr("/", "time_steps", {a.stats.steps});
  w.commit();
}

/// Validates, generates on `o.threads` threads, writes, reports.
void run(Ns2dCommandOptions &o) {
  o.ns.subsampling = o.subsample == "points" ? Ns2dSubsampling::Points
                                             : Ns2dSubsampling::Spectral;
  if (o.ns.solveRes == 0)
    o.ns.solveRes = defaultNs2dSolveRes(o.ns.nu, o.ns.res);
  checkNs2dOptions(o.ns);
  checkWindow(o);
  Hdf5Writer writer(o.out); // an unwritable --out fails before any work
  Ns2dArrays arrays;
  allocate(o, arrays);
  Progress progress("shodh-data ns2d (snapshots)", o.n * o.ns.steps);
  parallelFor(
      o.n, o.threads, [&] { return std::make_unique<Ns2dSampler>(o.ns); },
      [&](std::unique_ptr<Ns2dSampler> &sampler, int64_t i) {
        Ns2dSample s = sampler->sample(o.seed, static_cast<uint64_t>(i),
                                       [&] { progress.advance(); });
        store(o, s, i, arrays);
      });
  write(o, o.ns, arrays, writer);
  std::string windows = arrays.inputs.values.empty()
                            ? std::string()
                            : fmt::format(", inputs {}, targets {}",
                                          formatShape(arrays.inputs.shape),
                                          formatShape(arrays.targets.shape));
  std::printf("wrote %s: vorticity %s, initial_vorticity %s%s\n", o.out.c_str(),
              formatShape(arrays.vorticity.shape).c_str(),
              formatShape(arrays.initial.shape).c_str(), windows.c_str());
  std::printf("solve grid %lld, %lld time steps, dt in [%.4g, %.4g], max CFL "
              "%.3g, %.1f s\n",
              static_cast<long long>(o.ns.solveRes),
              static_cast<long long>(arrays.stats.steps), arrays.stats.minDt,
              arrays.stats.maxDt, arrays.stats.maxCfl, progress.elapsed());
}

} // namespace

void addNs2dCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<Ns2dCommandOptions>();
  o->commandLine = commandLine;
  CLI::App *cmd = app.add_subcommand(
      "ns2d", "2D Navier-Stokes vorticity trajectories (FNO's recipe): GRF "
              "initial field, forcing 0.1(sin+cos)(2pi(x+y))");
  cmd->add_option("--nu", o->ns.nu, "viscosity (FNO: 1e-3, 1e-4, 1e-5)")
      ->capture_default_str();
  cmd->add_option("--n", o->n, "number of trajectories")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 24));
  cmd->add_option("--res", o->ns.res, "output grid points per axis")
      ->capture_default_str();
  cmd->add_option(
      "--solve-res", o->ns.solveRes,
      "solve grid (default: res * 2^k >= 64 for nu >= 1e-3, else >= 256)");
  cmd->add_option("--steps", o->ns.steps, "recorded snapshots T")
      ->capture_default_str();
  cmd->add_option("--record-every", o->ns.recordEvery, "time between snapshots")
      ->capture_default_str();
  cmd->add_option("--dt-max", o->ns.dtMax, "largest time step")
      ->capture_default_str();
  cmd->add_option("--cfl", o->ns.cfl, "CFL number of the adaptive step")
      ->capture_default_str();
  cmd->add_option("--forcing", o->ns.forcingAmplitude,
                  "forcing amplitude (0: unforced)")
      ->capture_default_str();
  cmd->add_option("--subsample", o->subsample,
                  "solve grid -> output grid: spectral truncation or every "
                  "k-th point")
      ->check(CLI::IsMember({"spectral", "points"}))
      ->capture_default_str();
  cmd->add_option("--window", o->window,
                  "also write inputs/targets: W past snapshots -> next W")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
  cmd->add_option("--window-stride", o->windowStride,
                  "snapshots between window starts (default: --window)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
  cmd->add_option("--seed", o->seed, "random seed")
      ->capture_default_str()
      ->check(cli::seedNumber());
  cmd->add_option("--threads", o->threads, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", o->out, "output HDF5 file")->required();
  cmd->callback([o] { run(*o); });
}

} // namespace shodh
