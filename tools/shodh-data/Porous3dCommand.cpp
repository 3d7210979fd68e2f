//===- Porous3dCommand.cpp - shodh-data porous3d: flow through sphere packs
//===//
//
//   shodh-data porous3d --n 8 --res 32 --steps 8 --porosity 0.5 0.9 --out p.h5
//
// 3D Darcy–Brinkman trajectories (runtime/data/gen/Flow3dSamples.h) through
// random, possibly overlapping spheres of radius --radius added until the
// porosity drawn from --porosity is reached, from rest, driven by a mean
// pressure gradient along x. Layout and options: docs/data-format.md
// ("3D flows").
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Flow3dCommand.h"

namespace shodh {

void addPorous3dCommand(CLI::App &app, const std::string &commandLine) {
  auto o = std::make_shared<Flow3dCommandOptions>();
  o->commandLine = commandLine;
  CLI::App *cmd = addFlow3dSubcommand(
      app, "porous3d",
      "3D flow through random sphere packs (Brinkman penalisation, mean "
      "pressure gradient along x): velocity trajectories",
      Flow3dDomain::Porous, o);
  cmd->add_option("--porosity", o->porosity,
                  "target porosity, or a range drawn uniformly (default 0.5 "
                  "0.9)")
      ->expected(1, 2);
  cmd->add_option("--radius", o->flow.radius, "sphere radius")
      ->capture_default_str();
}

} // namespace shodh
