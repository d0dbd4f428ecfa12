// core/escape.h: what a message may quote of a damaged file.
#include <gtest/gtest.h>

#include "core/escape.h"

namespace traceplay {
namespace {

TEST(Escape, PrintableAsciiAndUtf8StayControlAndInvalidBytesBecomeHex) {
  EXPECT_EQ(escaped("plain text: [x] 'y' \\ ~"), "plain text: [x] 'y' \\ ~");
  EXPECT_EQ(escaped(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(escaped("line\nnext\r\t\x7f"), "line\\x0anext\\x0d\\x09\\x7f");
  EXPECT_EQ(escaped("\x1b[31mred"), "\\x1b[31mred");  // no terminal escape gets through
  // Well-formed UTF-8 (2, 3 and 4 bytes) is text.
  EXPECT_EQ(escaped("Honinbō 本因坊 𝄞"), "Honinbō 本因坊 𝄞");
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate, a
  // byte that never appears in UTF-8, and a C1 control.
  EXPECT_EQ(escaped("\x80"), "\\x80");
  EXPECT_EQ(escaped("\xe6\x9c"), "\\xe6\\x9c");
  EXPECT_EQ(escaped("\xc0\xaf"), "\\xc0\\xaf");
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");
  EXPECT_EQ(escaped("\xff"
                    "ok"),
            "\\xffok");
  EXPECT_EQ(escaped("\xc2\x85"), "\\xc2\\x85");
  EXPECT_EQ(escaped(""), "");
}

TEST(Escape, ExcerptsCountInputBytesAndNeverSplitACharacter) {
  EXPECT_EQ(escaped_excerpt("abcdef", 6), "abcdef");
  EXPECT_EQ(escaped_excerpt("abcdef", 4), "abcd...");
  EXPECT_EQ(escaped_excerpt("ab\x01"
                            "cd",
                            3),
            "ab\\x01...");
  // "本" is 3 bytes: with room for 2 it is left off whole.
  EXPECT_EQ(escaped_excerpt("a本", 3), "a...");
  EXPECT_EQ(escaped_excerpt("a本", 4), "a本");
  EXPECT_EQ(escaped_excerpt("abc", 0), "...");
}

}  // namespace
}  // namespace traceplay
