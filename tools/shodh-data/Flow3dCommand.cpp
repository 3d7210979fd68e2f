//===- Flow3dCommand.cpp - Shared parts of shodh-data channel3d / porous3d ===//
//
// Samples come from Flow3dSampler (sample i from SplitMix64(seed, i), so the
// file does not depend on --threads), one per worker thread; with fewer
// samples than threads the spare threads go to FFTW inside each solve. The
// file holds `velocity` (N, T, 3, D, H, W), `initial_velocity`, `mask`,
// `parameters` (N, 6), the integer `domain` (N) and the settings as root
// attributes, written atomically. With --snapshots, `velocity` is replaced by
// `inputs` = `targets` (N*T, 3, D, H, W) with the components reversed into
// axis order (u_z, u_y, u_x: channel c along spatial axis c, as the physics
// ops expect) and `domain` has one label per snapshot. With --pairs the rows
// are next-state pairs instead: `inputs` = u(t_j), `targets` = u(t_{j+1}) for
// j = 0..T-1, t_0 = 0 being the initial state (T pairs per trajectory).
//
//===----------------------------------------------------------------------===//
#include "Flow3dCommand.h"
#include "ParallelFor.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/Status.h"
#include "tools/common/CliChecks.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

namespace shodh {
namespace {

/// Column names of the `parameters` dataset.
const std::vector<std::string> kParameterNames = {
    "porosity", "gradient", "nu", "re", "velocity_scale", "mean_velocity"};

/// The datasets of one file and the statistics over all samples.
struct Flow3dArrays {
  FloatArray velocity, initial, mask;
  std::vector<double> parameters;
  Ns3dStepStats stats;
  double divergence64 = 0.0, divergence32 = 0.0;
  std::mutex statsMutex;
};

/// A 1-or-2-value flag as a range; `fallback` when not given.
std::array<double, 2> range(const std::vector<double> &v,
                            std::array<double, 2> fallback) {
  if (v.empty())
    return fallback;
  return {v.front(), v.back()};
}

/// Resolves the flags into `o.flow` and validates.
void resolve(Flow3dCommandOptions &o) {
  Flow3dOptions &f = o.flow;
  f.nu = range(o.nu, f.nu);
  f.re = range(o.re, defaultFlow3dRe(f.domain));
  f.porosity = range(o.porosity, f.porosity);
  f.penalization = o.penalization == "explicit" ? Ns3dPenalization::Explicit
                                                : Ns3dPenalization::Implicit;
  // Spare threads (fewer samples than threads) split the FFTs instead.
  f.fftThreads = std::max<int>(
      1, o.threads / static_cast<int>(std::min<int64_t>(o.n, o.threads)));
  checkFlow3dOptions(f);
  if (o.snapshots && o.pairs)
    throw Error("--snapshots and --pairs cannot be combined (--snapshots "
                "writes inputs = targets for autoencoders, --pairs writes "
                "next-state pairs)");
}

/// Allocates the datasets.
void allocate(const Flow3dCommandOptions &o, Flow3dArrays &a) {
  const int64_t r = o.flow.res;
  auto shape = [](FloatArray &arr, std::vector<int64_t> s) {
    arr.shape = std::move(s);
    arr.values.assign(static_cast<size_t>(arr.numel()), 0.0f);
  };
  shape(a.velocity, {o.n, o.flow.steps, 3, r, r, r});
  shape(a.initial, {o.n, 3, r, r, r});
  shape(a.mask, {o.n, r, r, r});
  a.parameters.assign(static_cast<size_t>(o.n) * kParameterNames.size(), 0.0);
}

/// Stores sample `i` (each sample owns disjoint slices).
void store(const Flow3dCommandOptions &o, const Flow3dSample &s, int64_t i,
           Flow3dArrays &a) {
  const int64_t cells = o.flow.res * o.flow.res * o.flow.res;
  std::copy(s.snapshots.begin(), s.snapshots.end(),
            a.velocity.values.begin() + i * o.flow.steps * 3 * cells);
  std::copy(s.initial.begin(), s.initial.end(),
            a.initial.values.begin() + i * 3 * cells);
  std::transform(s.mask.begin(), s.mask.end(),
                 a.mask.values.begin() + i * cells,
                 [](double v) { return static_cast<float>(v); });
  const Flow3dParameters &p = s.params;
  const double row[] = {p.porosity, p.gradient, p.nu,
                        p.re,       p.velocity, s.meanVelocity};
  std::copy(std::begin(row), std::end(row),
            a.parameters.begin() +
                i * static_cast<int64_t>(kParameterNames.size()));
  std::lock_guard<std::mutex> lock(a.statsMutex);
  Ns3dStepStats &st = a.stats;
  st.minDt = st.steps == 0 ? s.stats.minDt : std::min(st.minDt, s.stats.minDt);
  st.maxDt = std::max(st.maxDt, s.stats.maxDt);
  st.maxCfl = std::max(st.maxCfl, s.stats.maxCfl);
  st.steps += s.stats.steps;
  a.divergence64 = std::max(a.divergence64, s.divergence64);
  a.divergence32 = std::max(a.divergence32, s.divergence32);
}

/// Records `first` .. `first + T - 1` of every trajectory as rows
/// (N*T, 3, D, H, W), row i*T + j = record `first + j` of trajectory i, where
/// record 0 is the initial state and record k >= 1 is `velocity[i, k - 1]`;
/// components reversed to (u_z, u_y, u_x) so that channel c is the component
/// along spatial axis c.
FloatArray recordsInAxisOrder(const Flow3dCommandOptions &o,
                              const Flow3dArrays &a, int64_t first) {
  const int64_t cells = o.flow.res * o.flow.res * o.flow.res;
  const int64_t steps = o.flow.steps;
  FloatArray s;
  s.shape = {o.n * steps, 3, o.flow.res, o.flow.res, o.flow.res};
  s.values.resize(static_cast<size_t>(s.numel()));
  for (int64_t i = 0; i < o.n; ++i)
    for (int64_t j = 0; j < steps; ++j) {
      const int64_t record = first + j;
      auto src = record == 0 ? a.initial.values.begin() + i * 3 * cells
                             : a.velocity.values.begin() +
                                   (i * steps + record - 1) * 3 * cells;
      for (int64_t c = 0; c < 3; ++c)
        std::copy(src + (2 - c) * cells, src + (3 - c) * cells,
                  s.values.begin() + ((i * steps + j) * 3 + c) * cells);
    }
  return s;
}

/// Writes `inputs` (records from `inputFirst`) and `targets` (records from
/// `targetFirst`) in axis order with their attributes, one at a time.
void writeRows(const Flow3dCommandOptions &o, const Flow3dArrays &a,
               int64_t inputFirst, int64_t targetFirst, const char *rowAxis,
               Hdf5Writer &w) {
  for (auto [name, first] :
       {std::pair<const char *, int64_t>{"inputs", inputFirst},
        {"targets", targetFirst}}) {
    w.writeFloats(name, recordsInAxisOrder(o, a, first));
    w.writeStringsAttr(name, "fields", {"u_z", "u_y", "u_x"});
    w.writeStringsAttr(name, "axes", {rowAxis, "component", "z", "y", "x"});
  }
}

/// Writes datasets and attributes, then commits.
void write(const Flow3dCommandOptions &o, const Flow3dArrays &a,
           Hdf5Writer &w) {
  const Flow3dOptions &f = o.flow;
  const bool porous = f.domain == Flow3dDomain::Porous;
  int64_t labels = o.n;
  if (o.snapshots) {
    writeRows(o, a, 1, 1, "snapshot", w);
    w.writeIntsAttr("/", "snapshots_per_trajectory", {f.steps});
    labels = o.n * f.steps;
  } else if (o.pairs) {
    writeRows(o, a, 0, 1, "pair", w);
    w.writeIntsAttr("/", "pairs_per_trajectory", {f.steps});
    labels = o.n * f.steps;
  } else {
    w.writeFloats("velocity", a.velocity);
    w.writeStringsAttr("velocity", "fields", {"u_x", "u_y", "u_z"});
    w.writeStringsAttr("velocity", "axes",
                       {"sample", "time", "component", "z", "y", "x"});
  }
  w.writeFloats("initial_velocity", a.initial);
  w.writeStringsAttr("initial_velocity", "fields", {"u_x", "u_y", "u_z"});
  w.writeFloats("mask", a.mask);
  w.writeStringsAttr("mask", "fields", {"solid"});
  w.writeDoubles("parameters",
                 {o.n, static_cast<int64_t>(kParameterNames.size())},
                 a.parameters);
  w.writeStringsAttr("parameters", "fields", kParameterNames);
  w.writeInts("domain", {labels},
              std::vector<int64_t>(static_cast<size_t>(labels),
                                   static_cast<int64_t>(f.domain)));
  w.writeStringsAttr("domain", "labels", {"open-channel", "porous"});

  std::vector<double> times;
  for (int64_t j = 1; j <= f.steps; ++j)
    times.push_back(static_cast<double>(j) * f.dtOut);
  w.writeStringsAttr("/", "pde", {"navier-stokes-3d-brinkman"});
  w.writeStringsAttr("/", "domain_name", {flow3dDomainName(f.domain)});
  w.writeIntsAttr("/", "grid", {f.res, f.res, f.res});
  w.writeDoublesAttr("/", "extent", {1.0, 1.0, 1.0});
  w.writeStringsAttr("/", "generator", {o.commandLine});
  w.writeIntsAttr("/", "seed", {static_cast<int64_t>(o.seed)});
  w.writeDoublesAttr("/", "dt_out", {f.dtOut});
  w.writeDoublesAttr("/", "times", times);
  w.writeDoublesAttr("/", "nu_range", {f.nu[0], f.nu[1]});
  w.writeDoublesAttr("/", "re_range", {f.re[0], f.re[1]});
  if (porous) {
    w.writeDoublesAttr("/", "porosity_range", {f.porosity[0], f.porosity[1]});
    w.writeDoublesAttr("/", "radius", {f.radius});
  } else {
    w.writeDoublesAttr("/", "slab", {f.slab});
  }
  w.writeDoublesAttr("/", "eta", {f.eta});
  w.writeDoublesAttr("/", "smoothing", {f.smoothing});
  w.writeDoublesAttr("/", "perturbation", {f.perturbation});
  w.writeStringsAttr("/", "penalization", {o.penalization});
  w.writeStringsAttr(
      "/", "time_stepping",
      {fmt::format("RK3 (Spalart-Moser-Rogers) with exact viscous "
                   "integrating factor, rotational u x w, 2/3-rule "
                   "dealiasing, Leray projection every stage; Brinkman term "
                   "{}; dt = min({}, {} dx / max(|u_x| + |u_y| + |u_z|)), "
                   "equal steps between records",
                   o.penalization == "explicit"
                       ? "explicit in every stage (dt <= 2 eta)"
                       : "implicit split step u / (1 + chi dt / eta) then "
                         "projection",
                   f.dtMax, f.cfl)});
  w.writeDoublesAttr("/", "dt_max", {f.dtMax});
  w.writeDoublesAttr("/", "cfl", {f.cfl});
  w.writeDoublesAttr("/", "dt_range", {a.stats.minDt, a.stats.maxDt});
  w.writeDoublesAttr("/", "max_cfl", {a.stats.maxCfl});
  w.writeIntsAttr("/", "time_steps", {a.stats.steps});
  w.writeDoublesAttr("/", "divergence_f64", {a.divergence64});
  w.writeDoublesAttr("/", "divergence_f32", {a.divergence32});
  w.commit();
}

/// Validates, generates on `o.threads` threads, writes, reports.
void run(Flow3dCommandOptions &o) {
  resolve(o);
  Hdf5Writer writer(o.out); // an unwritable --out fails before any work
  Flow3dArrays arrays;
  allocate(o, arrays);
  const std::string name =
      o.flow.domain == Flow3dDomain::Porous ? "porous3d" : "channel3d";
  Progress progress(fmt::format("shodh-data {} (snapshots)", name),
                    o.n * o.flow.steps);
  const Flow3dSampler sampler(o.flow);
  parallelFor(
      o.n, std::min<int64_t>(o.threads, o.n), [] { return 0; },
      [&](int &, int64_t i) {
        Flow3dSample s = sampler.sample(o.seed, static_cast<uint64_t>(i),
                                        [&] { progress.advance(); });
        store(o, s, i, arrays);
      });
  write(o, arrays, writer);
  const bool rowsOut = o.snapshots || o.pairs;
  const int64_t rows = rowsOut ? o.n * o.flow.steps : o.n;
  std::vector<int64_t> shape = arrays.velocity.shape;
  if (rowsOut)
    shape = {rows, 3, o.flow.res, o.flow.res, o.flow.res};
  std::printf(
      "wrote %s: %s %s, mask %s, parameters (%lld, %zu), "
      "domain (%lld) = %s\n",
      o.out.c_str(),
      o.snapshots ? "inputs = targets"
      : o.pairs   ? "inputs u(t_j) -> targets u(t_j+1)"
                  : "velocity",
      formatShape(shape).c_str(), formatShape(arrays.mask.shape).c_str(),
      static_cast<long long>(o.n), kParameterNames.size(),
      static_cast<long long>(rows), flow3dDomainName(o.flow.domain).c_str());
  std::printf("%lld time steps, dt in [%.4g, %.4g], max CFL %.3g, spectral "
              "divergence f64 %.1e f32 %.1e, %.1f s\n",
              static_cast<long long>(arrays.stats.steps), arrays.stats.minDt,
              arrays.stats.maxDt, arrays.stats.maxCfl, arrays.divergence64,
              arrays.divergence32, progress.elapsed());
}

} // namespace

CLI::App *addFlow3dSubcommand(CLI::App &app, const std::string &name,
                              const std::string &description,
                              Flow3dDomain domain,
                              const std::shared_ptr<Flow3dCommandOptions> &o) {
  o->flow.domain = domain;
  CLI::App *cmd = app.add_subcommand(name, description);
  cmd->add_option("--n", o->n, "number of trajectories")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--res", o->flow.res, "grid points per axis (cube)")
      ->capture_default_str();
  cmd->add_option("--steps", o->flow.steps, "recorded snapshots T")
      ->capture_default_str();
  cmd->add_option("--dt-out", o->flow.dtOut, "time between snapshots")
      ->capture_default_str();
  cmd->add_option("--nu", o->nu,
                  "viscosity, or a range drawn log-uniformly (default 5e-3 "
                  "1e-2)")
      ->expected(1, 2);
  cmd->add_option("--re", o->re,
                  domain == Flow3dDomain::Porous
                      ? "pore Reynolds number U d / nu, or a range (default "
                        "1 20)"
                      : "bulk Reynolds number U_b h / nu, or a range "
                        "(default 50 300)")
      ->expected(1, 2);
  cmd->add_option("--eta", o->flow.eta, "Brinkman permeability of the solid")
      ->capture_default_str();
  cmd->add_option("--penalization", o->penalization,
                  "Brinkman term: implicit split step (no dt limit) or "
                  "explicit in the RK stages (dt <= 2 eta)")
      ->check(CLI::IsMember({"implicit", "explicit"}))
      ->capture_default_str();
  cmd->add_option("--smoothing", o->flow.smoothing,
                  "mask transition half-width in cells (0: sharp)")
      ->capture_default_str();
  cmd->add_option("--perturbation", o->flow.perturbation,
                  "initial perturbation RMS / velocity scale")
      ->capture_default_str();
  cmd->add_option("--dt-max", o->flow.dtMax, "largest time step")
      ->capture_default_str();
  cmd->add_option("--cfl", o->flow.cfl, "CFL number of the adaptive step")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed")
      ->capture_default_str()
      ->check(cli::seedNumber());
  cmd->add_flag("--snapshots", o->snapshots,
                "write single snapshots as inputs = targets (N*T, 3, R, R, "
                "R), components in axis order (u_z, u_y, u_x), domain per "
                "snapshot, instead of velocity (autoencoder data)");
  cmd->add_flag("--pairs", o->pairs,
                "write next-state pairs inputs = u(t_j), targets = u(t_j+1), "
                "j = 0..T-1 (t_0 = 0: the initial state), as (N*T, 3, R, R, "
                "R) in axis order (u_z, u_y, u_x), domain per pair, instead "
                "of velocity (next-state prediction)");
  cmd->add_option("--threads", o->threads, "worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--out", o->out, "output HDF5 file")->required();
  cmd->callback([o] { run(*o); });
  return cmd;
}

} // namespace shodh
