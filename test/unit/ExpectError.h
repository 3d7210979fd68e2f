//===- ExpectError.h - Checking user-facing error messages in tests -------===//
#pragma once

#include "runtime/support/Status.h"

#include <gtest/gtest.h>

#include <string>

namespace shodh::testing {

/// Runs `fn`, expecting a `shodh::Error` whose message contains `needle`.
template <typename Fn> void expectError(Fn fn, const std::string &needle) {
  try {
    fn();
    ADD_FAILURE() << "expected an error containing '" << needle << "'";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

} // namespace shodh::testing
