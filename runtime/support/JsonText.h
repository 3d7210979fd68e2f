//===- JsonText.h - JSON numbers and strings for hand-written JSON -*- C++ -*-===//
//
// The two pieces every JSON report of ours (metrics.jsonl, eval's
// --metrics-json and --routing-json) needs: a number with 9 significant
// digits (null for NaN and infinities, which JSON cannot hold) and a quoted
// string with quotes, backslashes and control characters escaped.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace shodh {

/// A JSON number with 9 significant digits, or null if not finite.
inline std::string jsonNumber(double v) {
  return std::isfinite(v) ? fmt::format("{:.9g}", v) : std::string("null");
}

/// A JSON string literal of `s`.
inline std::string jsonQuoted(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\u{:04x}", int(c));
    else
      out += c;
  }
  return out + "\"";
}

} // namespace shodh
