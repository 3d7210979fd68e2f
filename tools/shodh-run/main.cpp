//===- main.cpp - shodh-run: execute compiled Shodh models ----------------===//
//
// The runtime's command-line tool. It links the runtime library only (never
// MLIR), so it travels to machines that have no compiler installed.
//
//===----------------------------------------------------------------------===//
#include "runtime/support/OutputFile.h"
#include "tools/common/RunTool.h"
#include "tools/shodh-run/Commands.h"

int main(int argc, char **argv) {
  shodh::removeTemporariesOnSignals(); // Ctrl-C leaves no `out.h5.tmp.*`
  CLI::App app{"shodh-run: run compiled Shodh models (see docs/user-guide.md)"};
  app.require_subcommand(1);
  shodh::addInspectCommand(app);
  shodh::addInferCommand(app);
  shodh::addBenchCommand(app);
  shodh::addTrainCommand(app);
  shodh::addEvalCommand(app);
  shodh::addExportCommand(app);
  return shodh::runTool(app, argc, argv, "shodh-run", "out of memory",
                        "out of memory (a size larger than this machine can "
                        "address)");
}
