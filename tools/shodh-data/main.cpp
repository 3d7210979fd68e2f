//===- main.cpp - shodh-data: PDE and random-field data generators --------===//
//
// Thin command-line front end over runtime/data/gen. Each subcommand (one
// file each, see Commands.h) writes one HDF5 file in the layout of
// docs/data-format.md, atomically.
//
//   shodh-data grf --n 8 --channels 3 --res 32 --dims 2 --seed 0 --out in.h5
//   shodh-data poisson|advdiff|helmholtz --n 256 --res 128 --seed 0 --out p.h5
//   shodh-data ns2d --nu 1e-3 --n 16 --res 64 --steps 20 --seed 0 --out ns.h5
//   shodh-data multiscale --pde poisson --n 256 --res 128 --seed 0 --out m.h5
//   shodh-data channel3d|porous3d --n 8 --res 32 --steps 8 --seed 0 --out f.h5
//   shodh-data merge a.h5 b.h5 --out m.h5 [--shuffle --seed 0]
//   shodh-data pdebench --in 2D_CFD.hdf5 --out cfd.h5 [--window 10]
//   shodh-data well --in shear_flow.hdf5 --out shear.h5 [--window 4]
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "runtime/support/OutputFile.h"
#include "tools/common/RunTool.h"

#include <string>

using namespace shodh;

namespace {

/// The invocation as one line, for the files' `generator` attribute.
std::string joinCommandLine(int argc, char **argv) {
  std::string line = "shodh-data";
  for (int i = 1; i < argc; ++i) {
    line += ' ';
    line += argv[i];
  }
  return line;
}

} // namespace

int main(int argc, char **argv) {
  removeTemporariesOnSignals(); // Ctrl-C leaves no `out.h5.tmp.*`
  CLI::App app{
      "shodh-data: generate PDE data sets as HDF5 (see docs/data-format.md)"};
  app.require_subcommand(1);
  std::string commandLine = joinCommandLine(argc, argv);
  addGrfCommand(app, commandLine);
  addScalarPdeCommands(app, commandLine);
  addNs2dCommand(app, commandLine);
  addMultiscaleCommand(app, commandLine);
  addChannel3dCommand(app, commandLine);
  addPorous3dCommand(app, commandLine);
  addMergeCommand(app, commandLine);
  addPdebenchCommand(app, commandLine);
  addWellCommand(app, commandLine);
  return runTool(app, argc, argv, "shodh-data",
                 "out of memory: the data set does not fit; lower --n, --res "
                 "or --steps",
                 "out of memory: the data set is larger than this machine can "
                 "address; lower --n, --res or --steps");
}
