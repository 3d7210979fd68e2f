//===- Commands.h - Subcommands of shodh-data -----------------------------===//
//
// Each subcommand lives in its own file and registers itself on the CLI11
// app; `commandLine` is the full invocation, recorded in the output file's
// `generator` attribute.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace shodh {

/// Registers `shodh-data grf` (GrfCommand.cpp).
void addGrfCommand(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data poisson|advdiff|helmholtz` (ScalarPdeCommand.cpp).
void addScalarPdeCommands(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data ns2d` (Ns2dCommand.cpp).
void addNs2dCommand(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data multiscale` (MultiscaleCommand.cpp).
void addMultiscaleCommand(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data channel3d` (Channel3dCommand.cpp).
void addChannel3dCommand(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data porous3d` (Porous3dCommand.cpp).
void addPorous3dCommand(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data merge` (MergeCommand.cpp).
void addMergeCommand(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data pdebench` (PdebenchCommand.cpp).
void addPdebenchCommand(CLI::App &app, const std::string &commandLine);

/// Registers `shodh-data well` (WellCommand.cpp).
void addWellCommand(CLI::App &app, const std::string &commandLine);

} // namespace shodh
