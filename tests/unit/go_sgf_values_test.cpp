// SGF value types: FF[4] text escapes and line breaks, points, moves and passes,
// compressed point lists, numbers and reals (games/go/sgf_values.h).
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/rng.h"
#include "games/go/sgf_values.h"

namespace traceplay::go {
namespace {

TEST(GoSgfValues, TextEscapesAndLineBreaks) {
  EXPECT_EQ(decode_sgf_text("a \\] b \\\\ c"), "a ] b \\ c");
  EXPECT_EQ(decode_sgf_text("\\a\\:b"), "a:b");  // any escaped character is itself
  // Soft line breaks ('\' + LF, CR, CRLF or LFCR) vanish.
  EXPECT_EQ(decode_sgf_text("one\\\ntwo"), "onetwo");
  EXPECT_EQ(decode_sgf_text("one\\\r\ntwo"), "onetwo");
  EXPECT_EQ(decode_sgf_text("one\\\n\rtwo"), "onetwo");
  EXPECT_EQ(decode_sgf_text("one\\\rtwo"), "onetwo");
  // Hard line breaks of every kind become "\n"; two LFs are two breaks.
  EXPECT_EQ(decode_sgf_text("a\r\nb\rc\n\rd\n\ne"), "a\nb\nc\nd\n\ne");
  // Other white space is a space; SimpleText turns line breaks into spaces as well.
  EXPECT_EQ(decode_sgf_text("a\tb\vc"), "a b c");
  EXPECT_EQ(decode_sgf_text("a\r\nb\\\nc", true), "a bc");
  EXPECT_EQ(decode_sgf_text("trailing\\"), "trailing");
}

TEST(GoSgfValues, EncodedTextDecodesBack) {
  Rng rng(11);
  const std::string alphabet = "ab]\\[:\n ";
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    for (int n = static_cast<int>(rng.below(12)); n > 0; --n) text += alphabet[rng.below(alphabet.size())];
    const std::string encoded = encode_sgf_text(text);
    // No unescaped ']' may remain: every ']' is preceded by an odd run of '\'.
    for (size_t k = 0; k < encoded.size(); ++k) {
      if (encoded[k] == '\\') ++k;
      else EXPECT_NE(encoded[k], ']') << encoded;
    }
    EXPECT_EQ(decode_sgf_text(encoded), text) << encoded;
  }
  EXPECT_EQ(encode_sgf_text("x]y\\z"), "x\\]y\\\\z");
}

TEST(GoSgfValues, PointsMovesAndPasses) {
  EXPECT_EQ(decode_sgf_point("ab", 19), Move::at(0, 1));  // x = column, y = row from the top
  EXPECT_EQ(decode_sgf_point("sa", 19), Move::at(18, 0));
  EXPECT_FALSE(decode_sgf_point("ta", 19));
  EXPECT_FALSE(decode_sgf_point("aA", 25));
  EXPECT_FALSE(decode_sgf_point("a", 19));
  EXPECT_FALSE(decode_sgf_point("abc", 19));
  EXPECT_FALSE(decode_sgf_point("", 19));
  EXPECT_EQ(decode_sgf_point("yy", 25), Move::at(24, 24));
  EXPECT_FALSE(decode_sgf_point("zz", 25));

  EXPECT_EQ(decode_sgf_move("", 19), Move::pass());
  EXPECT_EQ(decode_sgf_move("", 25), Move::pass());
  EXPECT_EQ(decode_sgf_move("tt", 19), Move::pass());
  EXPECT_EQ(decode_sgf_move("tt", 9), Move::pass());
  EXPECT_EQ(decode_sgf_move("tt", 20), Move::at(19, 19));  // a real point on 20x20
  EXPECT_FALSE(decode_sgf_move("jj", 9));

  EXPECT_EQ(encode_sgf_move(Move::pass()), "");
  for (int x = 0; x < 25; ++x)
    for (int y = 0; y < 25; ++y)
      EXPECT_EQ(decode_sgf_move(encode_sgf_move(Move::at(x, y)), 25), Move::at(x, y));
}

TEST(GoSgfValues, CompressedPointLists) {
  const auto rect = decode_sgf_point_list("ab:bc", 19);
  ASSERT_TRUE(rect);
  const std::vector<Move> expected = {Move::at(0, 1), Move::at(0, 2), Move::at(1, 1), Move::at(1, 2)};
  EXPECT_EQ(*rect, expected);
  EXPECT_EQ(*decode_sgf_point_list("bc:ab", 19), expected);  // corners in either order
  EXPECT_EQ(decode_sgf_point_list("aa:ss", 19)->size(), 361u);
  EXPECT_EQ(*decode_sgf_point_list("cd", 19), std::vector<Move>{Move::at(2, 3)});
  EXPECT_FALSE(decode_sgf_point_list("aa:", 19));
  EXPECT_FALSE(decode_sgf_point_list("aa:tt", 19));
  EXPECT_FALSE(decode_sgf_point_list("", 19));
  EXPECT_FALSE(decode_sgf_point_list("tt", 19));  // a pass is not a setup point
}

TEST(GoSgfValues, NumbersAndReals) {
  EXPECT_EQ(decode_sgf_number("19"), 19);
  EXPECT_EQ(decode_sgf_number("+3"), 3);
  EXPECT_EQ(decode_sgf_number("-2"), -2);
  for (const char* bad : {"", "+", "1.0", "1e3", " 1", "1 ", "0x10", "99999999999999999999"})
    EXPECT_FALSE(decode_sgf_number(bad)) << bad;

  EXPECT_EQ(decode_sgf_real("6.5"), 6.5);
  EXPECT_EQ(decode_sgf_real("-0.5"), -0.5);
  EXPECT_EQ(decode_sgf_real("7"), 7.0);
  EXPECT_EQ(decode_sgf_real("+375"), 375.0);
  for (const char* bad : {"", ".5", "6.", "6,5", "1e2", "nan", "inf", "6.5x", "--1"})
    EXPECT_FALSE(decode_sgf_real(bad)) << bad;

  EXPECT_EQ(encode_sgf_real(6.5), "6.5");
  EXPECT_EQ(encode_sgf_real(7), "7");
  EXPECT_EQ(encode_sgf_real(-0.5), "-0.5");
  EXPECT_EQ(encode_sgf_real(0.1), "0.1");
  Rng rng(5);
  for (int i = 0; i < 1000; ++i) {
    const double value = (rng.uniform01() - 0.5) * 2000;
    const std::string text = encode_sgf_real(value);
    EXPECT_EQ(text.find_first_of("eE"), std::string::npos) << text;
    ASSERT_TRUE(decode_sgf_real(text)) << text;
    EXPECT_EQ(*decode_sgf_real(text), value) << text;
  }
}

}  // namespace
}  // namespace traceplay::go
