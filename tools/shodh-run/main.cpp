//===- main.cpp - shodh-run: execute compiled Shodh models ----------------===//
//
// The runtime's command-line tool. It links the runtime library only (never
// MLIR), so it travels to machines that have no compiler installed.
//
//===----------------------------------------------------------------------===//
#include "runtime/support/OutputFile.h"
#include "runtime/support/Status.h"
#include "tools/shodh-run/Commands.h"

#include <cstdio>
#include <new>
#include <stdexcept>

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  } catch (const shodh::Error &e) {
    std::fprintf(stderr, "shodh-run: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc &) {
    std::fprintf(stderr, "shodh-run: error: out of memory\n");
    return 1;
  } catch (const std::length_error &) {
    std::fprintf(
        stderr,
        "shodh-run: error: out of memory (a size larger than this machine "
        "can address)\n");
    return 1;
  }
  return 0;
}
