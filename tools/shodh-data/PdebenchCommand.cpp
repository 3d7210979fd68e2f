//===- PdebenchCommand.cpp - shodh-data pdebench: import PDEBench files ---===//
//
//   shodh-data pdebench --in 2D_CFD.hdf5 --out cfd.h5 [--fields Vx,Vy]
//       [--samples N] [--every K] [--window W [--window-out V]
//       [--window-stride S]]
//
// Converts a PDEBench file into Shodh's layout (docs/data-format.md §
// Importing PDEBench): its scalar files hold `tensor` (N, T, X[, Y[, Z]]),
// its CFD files `density`, `pressure`, `Vx`, `Vy`[, `Vz`], each (N, T, X,
// Y[, Z]). The chosen fields become the channels of `trajectories` (N, T',
// C, spatial...), the time series `shodh-run eval --rollout` walks; with
// `--window W` also training pairs `inputs` (W snapshots) → `targets` (the
// next V) cut from every trajectory. Samples are read and written one at a
// time, so a file larger than memory converts.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "runtime/data/Hdf5File.h"
#include "runtime/support/OutputFile.h"
#include "runtime/support/Status.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace shodh {
namespace {

/// Options of `shodh-data pdebench`.
struct PdebenchOptions {
  std::string in, out, commandLine;
  std::vector<std::string> fields;
  int64_t samples = 0; ///< 0: all
  int64_t every = 1;
  int64_t window = 0, windowOut = 0, windowStride = 0;
};

/// CFD fields in channel order when --fields is not given.
const char *const kCfdFields[] = {"density", "pressure", "Vx", "Vy", "Vz"};

/// What the conversion reads and writes.
struct PdebenchPlan {
  std::vector<std::string> fields;
  std::vector<int64_t> spatial;
  int64_t cells = 1;              ///< points of one field's snapshot
  int64_t samples = 0, steps = 0; ///< in the input
  std::vector<int64_t> kept;      ///< time indices kept (--every)
  int64_t windows = 0;            ///< per trajectory
};

/// The fields to import: --fields, else `tensor`, else the CFD fields
/// present.
std::vector<std::string> chooseFields(const PdebenchOptions &o,
                                      const Hdf5Reader &f) {
  if (!o.fields.empty())
    return o.fields;
  if (f.hasDataset("tensor"))
    return {"tensor"};
  std::vector<std::string> found;
  for (const char *name : kCfdFields)
    if (f.hasDataset(name))
      found.push_back(name);
  if (found.empty())
    throw Error(fmt::format(
        "'{}': neither a scalar PDEBench file (dataset 'tensor') nor a CFD "
        "one (datasets {}); name the datasets to import with --fields (files "
        "with one group per sample, such as '0000/data', are not supported)",
        o.in, fmt::join(kCfdFields, ", ")));
  return found;
}

/// Checks the fields and the window flags against the file.
PdebenchPlan plan(PdebenchOptions &o, const Hdf5Reader &f) {
  PdebenchPlan p;
  p.fields = chooseFields(o, f);
  std::vector<int64_t> shape;
  for (const std::string &name : p.fields) {
    if (!f.hasDataset(name))
      throw Error(fmt::format("'{}': no dataset '{}'", o.in, name));
    const std::string type = f.datasetTypeName(name);
    if (type != "f32" && type != "f64")
      throw Error(fmt::format("'{}': dataset '{}' must hold floating-point "
                              "values (f32 or f64), not {}",
                              o.in, name, type));
    std::vector<int64_t> s = f.datasetShape(name);
    if (s.size() < 3 || s.size() > 5 ||
        std::any_of(s.begin(), s.end(), [](int64_t d) { return d < 1; }))
      throw Error(fmt::format("'{}': dataset '{}' has shape {}; expected "
                              "(samples, times, 1-3 spatial axes), none empty",
                              o.in, name, formatShape(s)));
    if (!shape.empty() && s != shape)
      throw Error(fmt::format("'{}': dataset '{}' has shape {} but '{}' has "
                              "{}; the fields must have one shape",
                              o.in, name, formatShape(s), p.fields.front(),
                              formatShape(shape)));
    shape = s;
  }
  p.samples = shape[0], p.steps = shape[1];
  p.spatial.assign(shape.begin() + 2, shape.end());
  for (int64_t d : p.spatial)
    p.cells *= d;
  if (o.samples > p.samples)
    throw Error(fmt::format("--samples {}: '{}' holds {} samples", o.samples,
                            o.in, p.samples));
  if (o.samples == 0)
    o.samples = p.samples;
  for (int64_t t = 0; t < p.steps; t += o.every)
    p.kept.push_back(t);
  const int64_t kept = int64_t(p.kept.size());
  if (o.window == 0) {
    if (o.windowOut != 0 || o.windowStride != 0)
      throw Error("--window-out and --window-stride need --window");
    return p;
  }
  if (o.windowOut == 0)
    o.windowOut = o.window;
  if (o.windowStride == 0)
    o.windowStride = o.window;
  if (o.window + o.windowOut > kept)
    throw Error(fmt::format(
        "--window {} --window-out {}: '{}' has {} time steps ({} kept with "
        "--every {}); a pair needs {}",
        o.window, o.windowOut, o.in, p.steps, kept, o.every,
        o.window + o.windowOut));
  p.windows = (kept - o.window - o.windowOut) / o.windowStride + 1;
  return p;
}

/// Channel names "field[t]" for snapshots first … first + count − 1.
std::vector<std::string> windowNames(const std::vector<std::string> &fields,
                                     int64_t first, int64_t count) {
  std::vector<std::string> names;
  for (int64_t t = first; t < first + count; ++t)
    for (const std::string &f : fields)
      names.push_back(fmt::format("{}[{}]", f, t));
  return names;
}

/// The domain length per spatial axis from `x-coordinate`, `y-coordinate`,
/// `z-coordinate` (uniform cell centres: points × spacing), or empty when
/// a coordinate is missing or not uniform.
std::vector<double> extentOf(const Hdf5Reader &f,
                             const std::vector<int64_t> &spatial) {
  const char *names[] = {"x-coordinate", "y-coordinate", "z-coordinate"};
  std::vector<double> extent;
  for (size_t a = 0; a < spatial.size(); ++a) {
    if (!f.hasDataset(names[a]) ||
        f.datasetShape(names[a]) != std::vector<int64_t>{spatial[a]} ||
        spatial[a] < 2)
      return {};
    std::vector<double> x = f.readRowsF64(names[a], 0, spatial[a]);
    const double dx = x[1] - x[0];
    for (size_t i = 1; i < x.size(); ++i)
      if (!(dx > 0) || std::abs(x[i] - x[i - 1] - dx) > 1e-6 * std::abs(dx))
        return {};
    extent.push_back(dx * double(spatial[a]));
  }
  return extent;
}

/// Reads sample `i` of every field as (T', C, spatial...) values.
std::vector<float> readTrajectory(const PdebenchOptions &o,
                                  const PdebenchPlan &p, const Hdf5Reader &f,
                                  int64_t i) {
  const int64_t cells = p.cells;
  const int64_t c = int64_t(p.fields.size()), kept = int64_t(p.kept.size());
  std::vector<float> traj(size_t(kept * c * cells));
  for (int64_t k = 0; k < c; ++k) {
    FloatArray a = f.readRows(p.fields[k], i, 1);
    for (int64_t t = 0; t < kept; ++t) {
      const float *src = a.values.data() + p.kept[t] * cells;
      for (int64_t v = 0; v < cells; ++v)
        if (!std::isfinite(src[v]))
          throw Error(fmt::format(
              "'{}': dataset '{}' holds {} in sample {}, time {}; the "
              "imported data must be finite (f64 values beyond the f32 "
              "range become inf)",
              o.in, p.fields[k], src[v], i, p.kept[t]));
      std::copy(src, src + cells, traj.begin() + (t * c + k) * cells);
    }
  }
  return traj;
}

/// Shape (n, channels, spatial...).
std::vector<int64_t> rowsOf(int64_t n, int64_t channels,
                            const std::vector<int64_t> &spatial) {
  std::vector<int64_t> s{n, channels};
  s.insert(s.end(), spatial.begin(), spatial.end());
  return s;
}

void run(PdebenchOptions &o) {
  if (Status st = checkNotSameFile(o.in, o.out, "--in"); !st.ok())
    throw Error(st.message());
  Hdf5Reader f(o.in);
  PdebenchPlan p = plan(o, f);
  Hdf5Writer w(o.out); // an unwritable --out fails before any work
  const int64_t c = int64_t(p.fields.size()), kept = int64_t(p.kept.size());
  std::vector<int64_t> trajShape{o.samples, kept, c};
  trajShape.insert(trajShape.end(), p.spatial.begin(), p.spatial.end());
  w.createFloats("trajectories", trajShape);
  if (p.windows > 0) {
    w.createFloats("inputs",
                   rowsOf(o.samples * p.windows, o.window * c, p.spatial));
    w.createFloats("targets",
                   rowsOf(o.samples * p.windows, o.windowOut * c, p.spatial));
  }
  const int64_t snap = c * p.cells; // values of one snapshot
  Progress progress("shodh-data pdebench (samples)", o.samples);
  for (int64_t i = 0; i < o.samples; ++i) {
    std::vector<float> traj = readTrajectory(o, p, f, i);
    std::vector<int64_t> one{1, kept, c};
    one.insert(one.end(), p.spatial.begin(), p.spatial.end());
    w.writeFloatRows("trajectories", i, FloatArray{one, traj});
    for (int64_t j = 0; j < p.windows; ++j) {
      const auto start = traj.begin() + j * o.windowStride * snap;
      FloatArray in{rowsOf(1, o.window * c, p.spatial),
                    std::vector<float>(start, start + o.window * snap)};
      FloatArray out{
          rowsOf(1, o.windowOut * c, p.spatial),
          std::vector<float>(start + o.window * snap,
                             start + (o.window + o.windowOut) * snap)};
      w.writeFloatRows("inputs", i * p.windows + j, in);
      w.writeFloatRows("targets", i * p.windows + j, out);
    }
    progress.advance(1);
  }
  w.writeStringsAttr("trajectories", "fields", p.fields);
  if (p.windows > 0) {
    w.writeStringsAttr("inputs", "fields", windowNames(p.fields, 0, o.window));
    w.writeStringsAttr("targets", "fields",
                       windowNames(p.fields, o.window, o.windowOut));
    w.writeIntsAttr("/", "window", {o.window});
    w.writeIntsAttr("/", "window_out", {o.windowOut});
    w.writeIntsAttr("/", "window_stride", {o.windowStride});
    w.writeIntsAttr("/", "windows_per_sample", {p.windows});
  }
  w.writeIntsAttr("/", "grid", p.spatial);
  if (std::vector<double> extent = extentOf(f, p.spatial); !extent.empty())
    w.writeDoublesAttr("/", "extent", extent);
  w.writeIntsAttr("/", "time_indices", p.kept);
  w.writeStringsAttr("/", "source", {o.in});
  w.writeStringsAttr("/", "generator", {o.commandLine});
  w.commit();
  fmt::print("wrote {}: trajectories {}{}\n", o.out, formatShape(trajShape),
             p.windows > 0
                 ? fmt::format(", inputs {} -> targets {}",
                               formatShape(rowsOf(o.samples * p.windows,
                                                  o.window * c, p.spatial)),
                               formatShape(rowsOf(o.samples * p.windows,
                                                  o.windowOut * c, p.spatial)))
                 : "");
}

} // namespace

void addPdebenchCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<PdebenchOptions>();
  o->commandLine = commandLine;
  CLI::App *cmd = app.add_subcommand(
      "pdebench", "import a PDEBench HDF5 file (tensor, or density, "
                  "pressure, Vx, Vy, Vz) as trajectories and training pairs");
  cmd->add_option("--in", o->in, "the PDEBench file")->required();
  cmd->add_option("--out", o->out, "output HDF5 file")->required();
  cmd->add_option("--fields", o->fields,
                  "datasets to import as channels, in this order (default: "
                  "tensor, else the CFD fields present)")
      ->delimiter(',');
  cmd->add_option("--samples", o->samples,
                  "import the first N samples (default all)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 40));
  cmd->add_option("--every", o->every,
                  "keep every K-th time step, starting with the first")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
  cmd->add_option("--window", o->window,
                  "also write pairs: W snapshots as 'inputs' -> the next "
                  "--window-out as 'targets'")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--window-out", o->windowOut,
                  "snapshots per target (default --window)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--window-stride", o->windowStride,
                  "time steps between pair starts (default --window)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->callback([o] { run(*o); });
}

} // namespace shodh
