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
// next V) cut from every trajectory (TrajectoryImport.h).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "TrajectoryImport.h"
#include "runtime/support/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>

namespace shodh {
namespace {

/// CFD fields in channel order when --fields is not given.
const char *const kCfdFields[] = {"density", "pressure", "Vx", "Vy", "Vz"};

/// The fields to import: --fields, else `tensor`, else the CFD fields
/// present.
std::vector<std::string> chooseFields(const std::vector<std::string> &given,
                                      const std::string &path,
                                      const Hdf5Reader &f) {
  if (!given.empty())
    return given;
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
        path, fmt::join(kCfdFields, ", ")));
  return found;
}

} // namespace

void addPdebenchCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<ImportOptions>();
  auto given = std::make_shared<std::vector<std::string>>();
  o->commandLine = commandLine;
  CLI::App *cmd = app.add_subcommand(
      "pdebench", "import a PDEBench HDF5 file (tensor, or density, "
                  "pressure, Vx, Vy, Vz) as trajectories and training pairs");
  o->addTo(cmd);
  cmd->add_option("--fields", *given,
                  "datasets to import as channels, in this order (default: "
                  "tensor, else the CFD fields present)")
      ->delimiter(',');
  cmd->callback([o, given] {
    Hdf5Reader f(o->in);
    std::vector<ImportField> fields;
    for (const std::string &name : chooseFields(*given, o->in, f))
      fields.push_back(ImportField{name, {name}, 0});
    importTrajectories(*o, f, fields, -1,
                       {"x-coordinate", "y-coordinate", "z-coordinate"},
                       "shodh-data pdebench (samples)");
  });
}

} // namespace shodh
