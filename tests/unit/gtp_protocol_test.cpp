// GTP protocol basics: preprocessing, command lines, responses, values.
#include <gtest/gtest.h>

#include "apps/gtp/command.h"
#include "apps/gtp/handicap.h"
#include "apps/gtp/preprocess.h"
#include "apps/gtp/response.h"
#include "apps/gtp/tcp_server.h"
#include "apps/gtp/vertex.h"
#include "core/error.h"

namespace traceplay::gtp {
namespace {

TEST(GtpPreprocess, DropsControlCharactersAndComments) {
  EXPECT_EQ(preprocess_line("play b D4\r"), "play b D4");
  EXPECT_EQ(preprocess_line(std::string("pl\x01"
                                        "ay\x7f b\x1b D4",
                                        12)),
            "play b D4");
  EXPECT_EQ(preprocess_line(std::string("name\0x", 6)), "namex");
  EXPECT_EQ(preprocess_line("play\tb\tD4"), "play b D4");
  EXPECT_EQ(preprocess_line("name # the engine's name"), "name ");
  EXPECT_EQ(preprocess_line("12 name#x"), "12 name");
}

TEST(GtpPreprocess, EmptyAndCommentOnlyLinesGetNoResponse) {
  EXPECT_EQ(preprocess_line(""), "");
  EXPECT_EQ(preprocess_line("   \t "), "");
  EXPECT_EQ(preprocess_line("# a comment"), "");
  EXPECT_EQ(preprocess_line("  \t# a comment with play b d4"), "");
  EXPECT_EQ(preprocess_line("\r"), "");
  EXPECT_EQ(preprocess_line(std::string("\x02\x03 \t", 4)), "");
}

TEST(GtpCommand, SplitsIdNameAndArguments) {
  Command c = parse_command("12 play  b   D4 ");
  EXPECT_EQ(c.id, "12");
  EXPECT_EQ(c.name, "play");
  EXPECT_EQ(c.args, (std::vector<std::string>{"b", "D4"}));
  c = parse_command("genmove w");
  EXPECT_EQ(c.id, "");
  EXPECT_EQ(c.name, "genmove");
  c = parse_command("42");
  EXPECT_EQ(c.id, "42");
  EXPECT_EQ(c.name, "");
  c = parse_command("4x name");  // not all digits: a command name
  EXPECT_EQ(c.id, "");
  EXPECT_EQ(c.name, "4x");
}

TEST(GtpResponse, SuccessAndFailureFormats) {
  EXPECT_EQ(success_response("", ""), "=\n\n");
  EXPECT_EQ(success_response("5", "D4"), "=5 D4\n\n");
  EXPECT_EQ(failure_response("3", "illegal move"), "?3 illegal move\n\n");
  EXPECT_EQ(failure_response("", "unknown command"), "? unknown command\n\n");
  // Multi-line text never holds an empty line (it would end the response early).
  EXPECT_EQ(success_response("", "a\n\nb\n\n"), "= a\n \nb\n\n");
  EXPECT_EQ(success_response("1", "\nboard"), "=1 \nboard\n\n");
  EXPECT_EQ(failure_response("", "two\nlines"), "? two lines\n\n");
}

TEST(GtpVertex, ParsesCaseInsensitiveWithoutI) {
  EXPECT_EQ(parse_vertex("D4", 19), go::Move::at(3, 15));
  EXPECT_EQ(parse_vertex("d4", 19), go::Move::at(3, 15));
  EXPECT_EQ(parse_vertex("J1", 9), go::Move::at(8, 8));  // J is the 9th column
  EXPECT_EQ(parse_vertex("A9", 9), go::Move::at(0, 0));
  EXPECT_EQ(parse_vertex("T19", 19), go::Move::at(18, 0));
  EXPECT_EQ(parse_vertex("Z25", 25), go::Move::at(24, 0));
  EXPECT_EQ(parse_vertex("pass", 9), go::Move::pass());
  EXPECT_EQ(parse_vertex("PASS", 9), go::Move::pass());
  for (const char* bad : {"I5", "i5", "A0", "A10", "K1", "D", "4", "D04", "D-1", "resign", "", "DD4", "D4x"})
    EXPECT_FALSE(parse_vertex(bad, 9)) << bad;
}

TEST(GtpVertex, FormatRoundTripsEveryPoint) {
  for (int size : {2, 9, 19, 25}) {
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x) {
        const go::Move m = go::Move::at(x, y);
        EXPECT_EQ(parse_vertex(format_vertex(m, size), size), m);
      }
    }
  }
  EXPECT_EQ(format_vertex(go::Move::pass(), 9), "pass");
  EXPECT_EQ(format_vertex(go::Move::at(8, 0), 9), "J9");
}

TEST(GtpValues, ColorsAndNumbers) {
  EXPECT_EQ(parse_color("b"), go::Color::kBlack);
  EXPECT_EQ(parse_color("BLACK"), go::Color::kBlack);
  EXPECT_EQ(parse_color("W"), go::Color::kWhite);
  EXPECT_EQ(parse_color("white"), go::Color::kWhite);
  EXPECT_FALSE(parse_color("x"));
  EXPECT_FALSE(parse_color("blackish"));
  EXPECT_EQ(parse_int("19"), 19);
  EXPECT_FALSE(parse_int("-1"));
  EXPECT_FALSE(parse_int("1.5"));
  EXPECT_FALSE(parse_int("99999999999"));
  EXPECT_EQ(parse_float("6.5"), 6.5);
  EXPECT_EQ(parse_float("-3"), -3.0);
  for (const char* bad : {"", "abc", "nan", "inf", "0x10", "1e999", "6.5k"})
    EXPECT_FALSE(parse_float(bad)) << bad;
}

TEST(GtpHandicap, FixedPlacementAsGnuGo) {
  auto text = [](int size, int n) {
    std::string s;
    for (go::Move m : fixed_handicap_points(size, n)) s += (s.empty() ? "" : " ") + format_vertex(m, size);
    return s;
  };
  // GNU Go 3.8's answers (the reference implementation).
  EXPECT_EQ(text(19, 9), "D16 K16 Q16 D10 K10 Q10 D4 K4 Q4");
  EXPECT_EQ(text(19, 2), "Q16 D4");
  EXPECT_EQ(text(19, 3), "D16 Q16 D4");
  EXPECT_EQ(text(19, 6), "D16 Q16 D10 Q10 D4 Q4");
  EXPECT_EQ(text(19, 7), "D16 Q16 D10 K10 Q10 D4 Q4");
  EXPECT_EQ(text(19, 8), "D16 K16 Q16 D10 Q10 D4 K4 Q4");
  EXPECT_EQ(text(9, 5), "C7 G7 E5 C3 G3");
  EXPECT_EQ(text(13, 9), "D10 G10 K10 D7 G7 K7 D4 G4 K4");
  EXPECT_EQ(text(12, 4), "D9 J9 D4 J4");
  EXPECT_EQ(text(10, 4), "C8 H8 C3 H3");
  EXPECT_EQ(text(7, 4), "C5 E5 C3 E3");
  EXPECT_EQ(text(7, 5), "");
  EXPECT_EQ(text(8, 5), "");
  EXPECT_EQ(text(6, 2), "");
  EXPECT_EQ(text(19, 1), "");
  EXPECT_EQ(text(19, 10), "");
}

TEST(GtpHandicap, FreePlacementGivesDistinctPoints) {
  for (int size : {2, 5, 9, 19}) {
    for (int n : {2, 3, 9, 10, size * size - 1}) {
      if (n > size * size - 1) continue;
      auto points = free_handicap_points(size, n);
      ASSERT_EQ(static_cast<int>(points.size()), n) << size << " " << n;
      for (size_t i = 0; i < points.size(); ++i)
        for (size_t j = i + 1; j < points.size(); ++j) EXPECT_NE(points[i], points[j]);
    }
    EXPECT_TRUE(free_handicap_points(size, 1).empty());
    EXPECT_TRUE(free_handicap_points(size, size * size).empty());
  }
}

}  // namespace
}  // namespace traceplay::gtp

namespace traceplay::gtp {
namespace {

TEST(GtpListenAddress, LoopbackByDefault) {
  ListenAddress a = parse_listen_address("127.0.0.1:0");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 0);
  a = parse_listen_address("5000");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 5000);
  a = parse_listen_address(":6000");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 6000);
  a = parse_listen_address("0.0.0.0:65535");
  EXPECT_EQ(a.host, "0.0.0.0");
  for (const char* bad : {"", "x:1", "localhost:80", "1.2.3.4:70000", "1.2.3.4:", "1.2.3.4:-1", "1.2.3.4:8o"})
    EXPECT_THROW(parse_listen_address(bad), UserError) << bad;
}

}  // namespace
}  // namespace traceplay::gtp
