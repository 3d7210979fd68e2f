//===- ProfileTable.h - The per-kernel timing table of bench --profile ----===//
//
// Prints a session's `CallProfile` of one program: every call sorted by
// accumulated time (call index, kernel, first output with its shape,
// ms per invocation, % of the sum over calls), then the same times summed
// per kernel name.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/core/Session.h"

#include <cstdint>
#include <map>
#include <string>

namespace shodh {

/// Prints the profile table of `program` (prepared with `symbols`).
void printProfileTable(const Session &session, const std::string &program,
                       const std::map<std::string, int64_t> &symbols);

} // namespace shodh
