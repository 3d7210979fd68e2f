//===- RunTool.h - Parse, run, and turn every failure into one line -------===//
//
// The end of `main` of shodh-run and shodh-data: parses the command line
// (which runs the chosen subcommand's callback) and maps what can escape it
// to one line on stderr and an exit code: CLI11's own messages and codes for
// bad arguments, "<tool>: error: <message>" and 1 for `shodh::Error`, and
// the tool's own out-of-memory wording and 1 for `std::bad_alloc` and
// `std::length_error` (a size larger than the machine can address).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/support/Status.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <new>
#include <stdexcept>

namespace shodh {

inline int runTool(CLI::App &app, int argc, char **argv, const char *tool,
                   const char *outOfMemory, const char *tooLarge) {
  const char *message = nullptr;
  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  } catch (const Error &e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    return 1;
  } catch (const std::bad_alloc &) {
    message = outOfMemory;
  } catch (const std::length_error &) {
    message = tooLarge;
  }
  std::fprintf(stderr, "%s: error: %s\n", tool, message);
  return 1;
}

} // namespace shodh
