//===- WellCommand.cpp - shodh-data well: import files of The Well --------===//
//
//   shodh-data well --in shear_flow_Re1e4.hdf5 --out shear.h5
//       [--fields tracer,velocity] [--samples N] [--every K]
//       [--window W [--window-out V] [--window-stride S]]
//
// Converts a file of The Well (Ohana et al., NeurIPS 2024 datasets track;
// docs/data-format.md § Importing The Well) into Shodh's layout: the groups
// `t0_fields` (scalars, (N, T, spatial...)), `t1_fields` (vectors, (N, T,
// spatial..., D)) and `t2_fields` (tensors, (N, T, spatial..., D, D) or D²)
// list their datasets in the attribute `field_names`; every component of a
// field that varies over samples and time becomes one channel (`velocity`
// gives `velocity_x`, `velocity_y`, named after `dimensions`'
// `spatial_dims`). The rest is TrajectoryImport.h.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "TrajectoryImport.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <memory>

namespace shodh {
namespace {

/// A field listed by one of the `t<k>_fields` groups.
struct WellField {
  std::string name, dataset;
  int64_t order = 0;         ///< k: 0 scalar, 1 vector, 2 tensor
  int64_t componentAxes = 0; ///< trailing axes of components
  bool varying = false;      ///< (N, T, spatial..., components)
  std::vector<int64_t> shape;
};

/// What the file says of itself.
struct WellFile {
  int64_t spatialRank = 0;
  std::vector<std::string> axisNames; ///< `dimensions`' spatial_dims
  std::vector<WellField> fields;
};

WellFile describeFile(const std::string &path, const Hdf5Reader &f) {
  WellFile w;
  std::vector<int64_t> dims = f.readIntsAttr("/", "n_spatial_dims");
  if (dims.size() != 1 || dims[0] < 1 || dims[0] > 3)
    throw Error(fmt::format("'{}': no root attribute 'n_spatial_dims' of 1, "
                            "2 or 3; not a file of The Well",
                            path));
  w.spatialRank = dims[0];
  w.axisNames = f.readStringsAttr("dimensions", "spatial_dims");
  if (int64_t(w.axisNames.size()) != w.spatialRank)
    w.axisNames = {"x", "y", "z"};
  w.axisNames.resize(size_t(w.spatialRank));
  for (int64_t k = 0; k < 3; ++k) {
    const std::string group = fmt::format("t{}_fields", k);
    for (const std::string &name : f.readStringsAttr(group, "field_names")) {
      WellField field{name, group + "/" + name, k, 0, false, {}};
      if (!f.hasDataset(field.dataset))
        throw Error(fmt::format("'{}': '{}' lists field '{}' but there is no "
                                "dataset '{}'",
                                path, group, name, field.dataset));
      field.shape = f.datasetShape(field.dataset);
      const int64_t extra = int64_t(field.shape.size()) - 2 - w.spatialRank;
      int64_t components = 1;
      for (int64_t a = 2 + w.spatialRank; a < int64_t(field.shape.size()); ++a)
        components *= field.shape[size_t(a)];
      int64_t want = 1;
      for (int64_t i = 0; i < k; ++i)
        want *= w.spatialRank;
      field.componentAxes = std::max<int64_t>(extra, 0);
      field.varying =
          extra >= (k == 0 ? 0 : 1) && extra <= k && components == want;
      w.fields.push_back(field);
    }
  }
  if (w.fields.empty())
    throw Error(fmt::format("'{}': no field listed in the 'field_names' of "
                            "t0_fields, t1_fields or t2_fields; not a file "
                            "of The Well",
                            path));
  return w;
}

/// "velocity_x", "stress_xy", … for the components of `f`.
std::vector<std::string> channelNames(const WellFile &w, const WellField &f) {
  if (f.order == 0)
    return {f.name};
  std::vector<std::string> names;
  for (const std::string &a : w.axisNames) {
    if (f.order == 1) {
      names.push_back(f.name + "_" + a);
      continue;
    }
    for (const std::string &b : w.axisNames)
      names.push_back(f.name + "_" + a + b);
  }
  return names;
}

/// The fields to import: those named by --fields (bare or `t1_fields/v`),
/// else every field varying over samples and time (a note names the rest).
std::vector<ImportField> chooseFields(const std::vector<std::string> &given,
                                      const std::string &path,
                                      const WellFile &w) {
  auto explain = [&](const WellField &f) {
    return fmt::format("'{}' ({}, shape {})", f.name, f.dataset,
                       formatShape(f.shape));
  };
  std::vector<ImportField> out;
  if (given.empty()) {
    std::vector<std::string> skipped;
    for (const WellField &f : w.fields) {
      if (f.varying)
        out.push_back(
            ImportField{f.dataset, channelNames(w, f), f.componentAxes});
      else
        skipped.push_back(explain(f));
    }
    if (!skipped.empty())
      fmt::print("note: skipped {}: constant over samples or time (only "
                 "fields shaped (samples, times, {} spatial axes[, "
                 "components]) are imported)\n",
                 fmt::join(skipped, ", "), w.spatialRank);
    if (out.empty())
      throw Error(
          fmt::format("'{}': no field varies over samples and time", path));
    return out;
  }
  for (const std::string &name : given) {
    auto it =
        std::find_if(w.fields.begin(), w.fields.end(), [&](const WellField &f) {
          return f.name == name || f.dataset == name;
        });
    if (it == w.fields.end()) {
      std::vector<std::string> known;
      for (const WellField &f : w.fields)
        known.push_back(f.name);
      throw Error(fmt::format("--fields: '{}' has no field '{}' (fields: {})",
                              path, name, fmt::join(known, ", ")));
    }
    if (!it->varying)
      throw Error(fmt::format("--fields: {} of '{}' is constant over samples "
                              "or time; only fields shaped (samples, times, "
                              "{} spatial axes[, components]) are imported",
                              explain(*it), path, w.spatialRank));
    out.push_back(
        ImportField{it->dataset, channelNames(w, *it), it->componentAxes});
  }
  return out;
}

} // namespace

void addWellCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<ImportOptions>();
  auto given = std::make_shared<std::vector<std::string>>();
  o->commandLine = commandLine;
  CLI::App *cmd = app.add_subcommand(
      "well", "import a file of The Well (t0_fields, t1_fields, t2_fields) "
              "as trajectories and training pairs");
  o->addTo(cmd);
  cmd->add_option("--fields", *given,
                  "fields to import, in this order (default: every field "
                  "varying over samples and time); vectors and tensors give "
                  "one channel per component")
      ->delimiter(',');
  cmd->callback([o, given] {
    Hdf5Reader f(o->in);
    WellFile w = describeFile(o->in, f);
    std::vector<ImportField> fields = chooseFields(*given, o->in, w);
    std::vector<std::string> coords;
    for (const std::string &a : w.axisNames)
      coords.push_back("dimensions/" + a);
    importTrajectories(*o, f, fields, w.spatialRank, coords,
                       "shodh-data well (samples)", [&](Hdf5Writer &out) {
                         std::vector<std::string> name =
                             f.readStringsAttr("/", "dataset_name");
                         if (!name.empty())
                           out.writeStringsAttr("/", "pde", {name.front()});
                       });
  });
}

} // namespace shodh
