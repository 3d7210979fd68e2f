//===- Commands.h - Subcommands of shodh-run -------------------------------===//
//
// Each subcommand lives in its own file and registers itself on the CLI11 app
// through one function declared here; main.cpp only wires them together.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <CLI/CLI.hpp>

namespace shodh {

/// `shodh-run inspect model.fb [--batch N]`.
void addInspectCommand(CLI::App &app);
/// `shodh-run infer model.fb --data in.h5 --out out.h5 ...`.
void addInferCommand(CLI::App &app);
/// `shodh-run bench model.fb --batch N --threads T`.
void addBenchCommand(CLI::App &app);
/// `shodh-run train model.fb --data train.h5 --steps N --out run/ ...`.
void addTrainCommand(CLI::App &app);
/// `shodh-run eval model.fb --weights ckpt.fb --data test.h5 ...`.
void addEvalCommand(CLI::App &app);
/// `shodh-run export model.fb --weights ckpt.fb --out weights.h5`.
void addExportCommand(CLI::App &app);

} // namespace shodh
