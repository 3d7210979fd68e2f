//===- TrajectoryImport.cpp - Importing trajectories from other layouts --===//
#include "TrajectoryImport.h"
#include "runtime/support/OutputFile.h"
#include "runtime/support/Status.h"
#include "tools/common/Progress.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace shodh {

void ImportOptions::addTo(CLI::App *cmd) {
  cmd->add_option("--in", in, "the file to import")->required();
  cmd->add_option("--out", out, "output HDF5 file")->required();
  cmd->add_option("--samples", samples,
                  "import the first N samples (default all)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 40));
  cmd->add_option("--every", every,
                  "keep every K-th time step, starting with the first")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
  cmd->add_option("--window", window,
                  "also write pairs: W snapshots as 'inputs' -> the next "
                  "--window-out as 'targets'")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--window-out", windowOut,
                  "snapshots per target (default --window)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  cmd->add_option("--window-stride", windowStride,
                  "time steps between pair starts (default --window)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
}

namespace {

/// The domain length per spatial axis from the coordinate datasets
/// `coordinates[a]` (uniform cell centres: points × spacing), or empty when
/// one is missing, has another length than `spatial[a]`, or is not uniform.
std::vector<double> uniformExtent(const Hdf5Reader &f,
                                  const std::vector<std::string> &coordinates,
                                  const std::vector<int64_t> &spatial) {
  std::vector<double> extent;
  for (size_t a = 0; a < spatial.size(); ++a) {
    if (a >= coordinates.size() || !f.hasDataset(coordinates[a]) ||
        f.datasetShape(coordinates[a]) != std::vector<int64_t>{spatial[a]} ||
        spatial[a] < 2)
      return {};
    std::vector<double> x = f.readRowsF64(coordinates[a], 0, spatial[a]);
    const double dx = x[1] - x[0];
    for (size_t i = 1; i < x.size(); ++i)
      if (!(dx > 0) || std::abs(x[i] - x[i - 1] - dx) > 1e-6 * std::abs(dx))
        return {};
    extent.push_back(dx * double(spatial[a]));
  }
  return extent;
}

/// What the import reads and writes.
struct ImportPlan {
  std::vector<int64_t> spatial;
  int64_t cells = 1;              ///< points of one channel's snapshot
  int64_t channels = 0;           ///< C
  int64_t samples = 0, steps = 0; ///< in the input
  std::vector<int64_t> kept;      ///< time indices kept (--every)
  int64_t windows = 0;            ///< per trajectory
};

/// Checks one field's type and shape; returns its (N, T, spatial...) part.
std::vector<int64_t> fieldShape(const ImportOptions &o, const Hdf5Reader &f,
                                const ImportField &field, int64_t spatialRank) {
  if (!f.hasDataset(field.dataset))
    throw Error(fmt::format("'{}': no dataset '{}'", o.in, field.dataset));
  const std::string type = f.datasetTypeName(field.dataset);
  if (type != "f32" && type != "f64")
    throw Error(fmt::format("'{}': dataset '{}' must hold floating-point "
                            "values (f32 or f64), not {}",
                            o.in, field.dataset, type));
  std::vector<int64_t> s = f.datasetShape(field.dataset);
  const int64_t rank = int64_t(s.size()) - field.componentAxes;
  int64_t components = 1;
  for (size_t i = size_t(std::max<int64_t>(rank, 0)); i < s.size(); ++i)
    components *= s[i];
  const bool spatialOk =
      spatialRank < 0 ? rank >= 3 && rank <= 5 : rank == 2 + spatialRank;
  if (!spatialOk || components != int64_t(field.channels.size()) ||
      std::any_of(s.begin(), s.end(), [](int64_t d) { return d < 1; }))
    throw Error(fmt::format(
        "'{}': dataset '{}' has shape {}; expected (samples, times, {} "
        "spatial axes{}), none empty",
        o.in, field.dataset, formatShape(s),
        spatialRank < 0 ? std::string("1-3") : std::to_string(spatialRank),
        field.componentAxes == 0
            ? std::string()
            : fmt::format(", {} components", field.channels.size())));
  return std::vector<int64_t>(s.begin(), s.begin() + rank);
}

ImportPlan plan(ImportOptions &o, const Hdf5Reader &f,
                const std::vector<ImportField> &fields, int64_t spatialRank) {
  ImportPlan p;
  std::vector<int64_t> shape;
  for (const ImportField &field : fields) {
    std::vector<int64_t> s = fieldShape(o, f, field, spatialRank);
    if (!shape.empty() && s != shape)
      throw Error(fmt::format(
          "'{}': dataset '{}' has samples, times and grid {} but '{}' has "
          "{}; the fields must agree",
          o.in, field.dataset, formatShape(s), fields.front().dataset,
          formatShape(shape)));
    shape = s;
    p.channels += int64_t(field.channels.size());
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

/// Channel names "name[t]" for snapshots first … first + count − 1.
std::vector<std::string> windowNames(const std::vector<std::string> &channels,
                                     int64_t first, int64_t count) {
  std::vector<std::string> names;
  for (int64_t t = first; t < first + count; ++t)
    for (const std::string &c : channels)
      names.push_back(fmt::format("{}[{}]", c, t));
  return names;
}

/// Reads sample `i` of every field as (T', C, spatial...) values.
std::vector<float> readTrajectory(const ImportOptions &o, const ImportPlan &p,
                                  const Hdf5Reader &f,
                                  const std::vector<ImportField> &fields,
                                  int64_t i) {
  const int64_t kept = int64_t(p.kept.size());
  std::vector<float> traj(size_t(kept * p.channels * p.cells));
  int64_t channel = 0;
  for (const ImportField &field : fields) {
    const int64_t k = int64_t(field.channels.size());
    FloatArray a = f.readRows(field.dataset, i, 1);
    for (int64_t t = 0; t < kept; ++t) {
      // (cells, k) interleaved in the file; channel-major here.
      const float *src = a.values.data() + p.kept[t] * p.cells * k;
      for (int64_t v = 0; v < p.cells * k; ++v)
        if (!std::isfinite(src[v]))
          throw Error(fmt::format(
              "'{}': dataset '{}' holds {} in sample {}, time {}; the "
              "imported data must be finite (f64 values beyond the f32 "
              "range become inf)",
              o.in, field.dataset, src[v], i, p.kept[t]));
      for (int64_t c = 0; c < k; ++c) {
        float *dst = traj.data() + (t * p.channels + channel + c) * p.cells;
        for (int64_t v = 0; v < p.cells; ++v)
          dst[v] = src[v * k + c];
      }
    }
    channel += k;
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

} // namespace

void importTrajectories(ImportOptions &o, const Hdf5Reader &f,
                        const std::vector<ImportField> &fields,
                        int64_t spatialRank,
                        const std::vector<std::string> &coordinates,
                        const std::string &label,
                        const std::function<void(Hdf5Writer &)> &extraAttrs) {
  if (Status st = checkNotSameFile(o.in, o.out, "--in"); !st.ok())
    throw Error(st.message());
  ImportPlan p = plan(o, f, fields, spatialRank);
  std::vector<std::string> channels;
  for (const ImportField &field : fields)
    channels.insert(channels.end(), field.channels.begin(),
                    field.channels.end());
  Hdf5Writer w(o.out); // an unwritable --out fails before any work
  const int64_t c = p.channels, kept = int64_t(p.kept.size());
  std::vector<int64_t> trajShape{o.samples, kept, c};
  trajShape.insert(trajShape.end(), p.spatial.begin(), p.spatial.end());
  const std::vector<int64_t> inShape =
      rowsOf(o.samples * p.windows, o.window * c, p.spatial);
  const std::vector<int64_t> outShape =
      rowsOf(o.samples * p.windows, o.windowOut * c, p.spatial);
  w.createFloats("trajectories", trajShape);
  if (p.windows > 0) {
    w.createFloats("inputs", inShape);
    w.createFloats("targets", outShape);
  }
  const int64_t snap = c * p.cells; // values of one snapshot
  Progress progress(label, o.samples);
  for (int64_t i = 0; i < o.samples; ++i) {
    std::vector<float> traj = readTrajectory(o, p, f, fields, i);
    std::vector<int64_t> one = trajShape;
    one[0] = 1;
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
  w.writeStringsAttr("trajectories", "fields", channels);
  if (p.windows > 0) {
    w.writeStringsAttr("inputs", "fields", windowNames(channels, 0, o.window));
    w.writeStringsAttr("targets", "fields",
                       windowNames(channels, o.window, o.windowOut));
    w.writeIntsAttr("/", "window", {o.window});
    w.writeIntsAttr("/", "window_out", {o.windowOut});
    w.writeIntsAttr("/", "window_stride", {o.windowStride});
    w.writeIntsAttr("/", "windows_per_sample", {p.windows});
  }
  w.writeIntsAttr("/", "grid", p.spatial);
  w.writeIntsAttr("/", "time_indices", p.kept);
  w.writeStringsAttr("/", "source", {o.in});
  w.writeStringsAttr("/", "generator", {o.commandLine});
  if (std::vector<double> e = uniformExtent(f, coordinates, p.spatial);
      !e.empty())
    w.writeDoublesAttr("/", "extent", e);
  if (extraAttrs)
    extraAttrs(w);
  w.commit();
  fmt::print("wrote {}: trajectories {}{}\n", o.out, formatShape(trajShape),
             p.windows > 0
                 ? fmt::format(", inputs {} -> targets {}",
                               formatShape(inShape), formatShape(outShape))
                 : "");
}

} // namespace shodh
