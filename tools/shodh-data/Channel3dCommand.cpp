//===- Channel3dCommand.cpp - shodh-data channel3d: open-channel flow -----===//
//
//   shodh-data channel3d --n 8 --res 32 --steps 8 --seed 0 --out ch.h5
//
// 3D open-channel trajectories (runtime/data/gen/Flow3dSamples.h): a floor
// slab of thickness --slab in the periodic box, laminar profile plus a
// seeded divergence-free perturbation, driven by a mean pressure gradient
// along x. Layout and options: docs/data-format.md ("3D flows").
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Flow3dCommand.h"

namespace shodh {

void addChannel3dCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<Flow3dCommandOptions>();
  o->commandLine = commandLine;
  CLI::App *cmd = addFlow3dSubcommand(
      app, "channel3d",
      "3D open-channel flow (floor slab, Brinkman penalisation, mean pressure "
      "gradient along x): velocity trajectories",
      Flow3dDomain::OpenChannel, o);
  cmd->add_option("--slab", o->flow.slab,
                  "floor thickness delta; open-channel depth h = (1 - "
                  "delta) / 2")
      ->capture_default_str();
}

} // namespace shodh
