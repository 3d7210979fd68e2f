//===- JsonText.h - JSON numbers and strings for hand-written JSON -*- C++
//-*-===//
//
// The two pieces every JSON report of ours (metrics.jsonl, eval's
// --metrics-json and --routing-json) needs: a number with 9 significant
// digits (null for NaN and infinities, which JSON cannot hold) and a quoted
// string with quotes, backslashes and control characters escaped and bytes
// that are not UTF-8 replaced by U+FFFD.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace shodh {

/// A JSON number with 9 significant digits, or null if not finite.
inline std::string jsonNumber(double v) {
  return std::isfinite(v) ? fmt::format("{:.9g}", v) : std::string("null");
}

/// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 if the bytes
/// there are not one (stray continuation, truncated, overlong, surrogate or
/// above U+10FFFF).
inline size_t utf8SequenceLength(const std::string &s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  size_t n = b < 0x80           ? 1
             : (b >> 5) == 0x6  ? 2
             : (b >> 4) == 0xE  ? 3
             : (b >> 3) == 0x1E ? 4
                                : 0;
  if (n == 0 || i + n > s.size())
    return 0;
  uint32_t cp = n == 1 ? b : b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

/// A JSON string literal of `s`: quotes, backslashes and control characters
/// escaped, and every byte that is not part of valid UTF-8 (a Latin-1 file
/// attribute, a path in another encoding) replaced by U+FFFD, so the report
/// always parses.
inline std::string jsonQuoted(const std::string &s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    size_t n = utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s, i, n);
      i += n;
      continue;
    }
    if (c == '"' || c == '\\')
      out += '\\';
    if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\u{:04x}", int(c));
    else
      out += c;
    ++i;
  }
  return out + "\"";
}

} // namespace shodh
