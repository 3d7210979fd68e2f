//===- json_text_test.cpp - JSON strings and numbers of the reports -------===//
//
// Every JSON report (metrics.jsonl, eval's --metrics-json, --routing-json)
// quotes strings from files and paths with `jsonQuoted`: the result must
// parse whatever the bytes (Latin-1 attributes, paths in other encodings).
//
//===----------------------------------------------------------------------===//
#include "runtime/support/JsonText.h"

#include <gtest/gtest.h>

namespace shodh {
namespace {

TEST(JsonTextTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(jsonQuoted("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\u000a\\u0001\"");
}

TEST(JsonTextTest, KeepsValidUtf8) {
  // 2-, 3- and 4-byte sequences: é, ∇, 𝜈.
  const std::string text = "poi\xc3\xa9son \xe2\x88\x87 \xf0\x9d\x9c\x88";
  EXPECT_EQ(jsonQuoted(text), "\"" + text + "\"");
}

TEST(JsonTextTest, ReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(jsonQuoted("poi\xe9son"), "\"poi\\ufffdson\""); // Latin-1 é
  EXPECT_EQ(jsonQuoted("a\xff"), "\"a\\ufffd\"");           // never valid
  EXPECT_EQ(jsonQuoted("\x80x"), "\"\\ufffdx\"");          // stray continuation
  EXPECT_EQ(jsonQuoted("\xe2\x88"), "\"\\ufffd\\ufffd\""); // truncated
  EXPECT_EQ(jsonQuoted("\xc0\xaf"), "\"\\ufffd\\ufffd\""); // overlong '/'
  EXPECT_EQ(jsonQuoted("\xed\xa0\x80"),
            "\"\\ufffd\\ufffd\\ufffd\""); // surrogate
  EXPECT_EQ(jsonQuoted("\xf4\x90\x80\x80"),
            "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); // > U+10FFFF
}

TEST(JsonTextTest, NumbersAreNullWhenNotFinite) {
  EXPECT_EQ(jsonNumber(0.1), "0.1");
  EXPECT_EQ(jsonNumber(1.0 / 3.0), "0.333333333");
  EXPECT_EQ(jsonNumber(std::nan("")), "null");
  EXPECT_EQ(jsonNumber(-INFINITY), "null");
}

} // namespace
} // namespace shodh
