//===- CliChecks.h - Option validators with short, exact messages ---------===//
//
// CLI11's own PositiveNumber / Range(double) checks let NaN through and spell
// out DBL_MAX in their messages ("not in range 0.000000 to 1797693...");
// unsigned options silently wrap "-1". These validators read the option's
// text themselves and say what is wanted:
//
//   --alpha: must be a positive number, got '0'
//   --memory-limit: must be a number from 1 to 1e+12, got 'nan'
//   --lr: must be a positive number that f32 can hold (>= 1.2e-38), got '1e-50'
//   --seed: must be an integer from 0 to 18446744073709551615, got '-1'
//
//===----------------------------------------------------------------------===//
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <string>

namespace shodh::cli {

/// The number `text` spells in full (strtod), or NaN for anything else.
inline double parseNumber(const std::string &text) {
  if (text.empty())
    return std::nan("");
  char *end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() ? v : std::nan("");
}

/// A finite number > 0.
inline CLI::Validator positiveNumber() {
  return CLI::Validator(
      [](std::string &s) -> std::string {
        double v = parseNumber(s);
        return std::isfinite(v) && v > 0
                   ? ""
                   : "must be a positive number, got '" + s + "'";
      },
      "POSITIVE");
}

/// A finite number > 0 that stays > 0 in f32 (a learning rate, a step).
inline CLI::Validator positiveF32() {
  return CLI::Validator(
      [](std::string &s) -> std::string {
        double v = parseNumber(s);
        return std::isfinite(v) && v >= FLT_MIN && v <= FLT_MAX
                   ? ""
                   : fmt::format("must be a positive number that f32 can hold "
                                 "(>= {:.2g}), got '{}'",
                                 FLT_MIN, s);
      },
      "POSITIVE");
}

/// A finite number in [lo, hi].
inline CLI::Validator numberIn(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string &s) -> std::string {
        double v = parseNumber(s);
        return std::isfinite(v) && v >= lo && v <= hi
                   ? ""
                   : fmt::format("must be a number from {:g} to {:g}, got '{}'",
                                 lo, hi, s);
      },
      fmt::format("[{:g} - {:g}]", lo, hi));
}

/// A decimal integer in [0, 2^64 - 1] (seeds): no sign, no wrap-around.
inline CLI::Validator seedNumber() {
  return CLI::Validator(
      [](std::string &s) -> std::string {
        bool digits = !s.empty() &&
                      s.find_first_not_of("0123456789") == std::string::npos;
        errno = 0;
        if (digits)
          (void)std::strtoull(s.c_str(), nullptr, 10);
        return digits && errno != ERANGE ? ""
                                         : "must be an integer from 0 to "
                                           "18446744073709551615, got '" +
                                               s + "'";
      },
      "UINT64");
}

} // namespace shodh::cli
