// SGF <-> GameRecord (games/go/sgf_reader.h, sgf_writer.h): the game information,
// setup, moves, passes and comments of hand-written files (FF[4] examples and files in
// the style of KGS, CGoban, GoGui and old FF[3] writers), the main line through
// variations, unknown properties kept, every bad value with its byte offset, the
// writer's escaping and its refusals, and random records through text and back.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "core/rng.h"
#include "games/go/sgf_reader.h"
#include "games/go/sgf_writer.h"
#include "tests/tools/random_game_record.h"

namespace traceplay::go {
namespace {

const Color B = Color::kBlack, W = Color::kWhite;

GameRecord read(const std::string& text) { return read_sgf_game(text, "t.sgf"); }

// A record's text written, read back and written again: the same record, the same text.
void expect_round_trip(const GameRecord& record) {
  const std::string text = write_sgf(record);
  const GameRecord back = read(text);
  EXPECT_TRUE(back == record) << text;
  EXPECT_EQ(write_sgf(back), text);
}

TEST(GoSgfRecord, KgsStyleGameWithCommentsAndUnknownProperties) {
  const std::string text =
      "(;GM[1]FF[4]CA[UTF-8]AP[CGoban:3]ST[2]\n"
      "RU[Japanese]SZ[19]KM[6.50]TM[300]OT[5x30 byo-yomi]\n"
      "PW[white guy]PB[black guy]WR[3d]BR[2d]DT[2023-01-15]PC[The KGS Go Server at http://www.gokgs.com/]"
      "RE[W+Resign]\n"
      ";B[pd]BL[295.5]\n;W[dp]WL[290]C[white guy [3d\\]: hi\nblack guy [2d\\]: hello \\\\o/]\n"
      ";B[pq]BL[280]KGSDE[]\n;W[]\n;B[tt]C[passes])\n";
  const GameRecord r = read(text);
  EXPECT_EQ(r.size, 19);
  EXPECT_EQ(r.komi, 6.5);
  EXPECT_EQ(r.rules, "Japanese");
  EXPECT_EQ(r.black_player, "black guy");
  EXPECT_EQ(r.white_player, "white guy");
  EXPECT_EQ(r.result, "W+Resign");
  EXPECT_EQ(r.date, "2023-01-15");
  const std::vector<ColoredMove> moves = {{B, Move::at(15, 3)},
                                          {W, Move::at(3, 15)},
                                          {B, Move::at(15, 16)},
                                          {W, Move::pass()},
                                          {B, Move::pass()}};
  EXPECT_EQ(r.moves(), moves);
  ASSERT_EQ(r.nodes.size(), 6u);
  EXPECT_EQ(r.nodes[2].comment, "white guy [3d]: hi\nblack guy [2d]: hello \\o/");
  // Unknown properties, in file order, raw.
  std::vector<std::string> root_ids;
  for (const auto& p : r.nodes[0].other) root_ids.push_back(p.id);
  EXPECT_EQ(root_ids, (std::vector<std::string>{"CA", "AP", "ST", "TM", "OT", "WR", "BR", "PC"}));
  EXPECT_EQ(r.nodes[0].other[1].values, std::vector<std::string>{"CGoban:3"});
  ASSERT_EQ(r.nodes[3].other.size(), 2u);
  EXPECT_EQ(r.nodes[3].other[1].id, "KGSDE");
  EXPECT_EQ(r.nodes[3].other[1].values, std::vector<std::string>{""});
  expect_round_trip(r);
}

TEST(GoSgfRecord, MainLineThroughVariations) {
  const GameRecord r =
      read("(;SZ[9]KM[7];B[ee](;W[cc]C[main];B[gg](;W[cg])(;W[gc]))(;W[gg]C[variation];B[cc]))");
  const std::vector<ColoredMove> moves = {
      {B, Move::at(4, 4)}, {W, Move::at(2, 2)}, {B, Move::at(6, 6)}, {W, Move::at(2, 6)}};
  EXPECT_EQ(r.moves(), moves);
  EXPECT_EQ(r.nodes[2].comment, "main");
  // Only the main line is written back.
  EXPECT_EQ(write_sgf(r), "(;FF[4]GM[1]SZ[9]KM[7]\n;B[ee]\n;W[cc]C[main]\n;B[gg]\n;W[cg])\n");
}

TEST(GoSgfRecord, HandicapSetupAndSetupBetweenMoves) {
  const GameRecord r =
      read("(;FF[4]GM[1]SZ[13]HA[3]KM[0.5]AB[dd][jj][dj]PL[W]\n;W[jd]\n;AE[jd]AW[aa:bb]C[problem]\n;B[cc])");
  EXPECT_EQ(r.size, 13);
  EXPECT_EQ(r.handicap, 3);
  EXPECT_EQ(r.nodes[0].add_black, (std::vector<Move>{Move::at(3, 3), Move::at(9, 9), Move::at(3, 9)}));
  EXPECT_EQ(r.nodes[0].other.at(0).id, "PL");
  EXPECT_FALSE(r.nodes[2].move);
  EXPECT_EQ(r.nodes[2].add_empty, std::vector<Move>{Move::at(9, 3)});
  EXPECT_EQ(r.nodes[2].add_white,
            (std::vector<Move>{Move::at(0, 0), Move::at(0, 1), Move::at(1, 0), Move::at(1, 1)}));
  // Setup comes before the move in every written node.
  const std::string text = write_sgf(r);
  EXPECT_EQ(text,
            "(;FF[4]GM[1]SZ[13]KM[0.5]HA[3]AB[dd][jj][dj]PL[W]\n;W[jd]\n;AW[aa][ab][ba][bb]AE[jd]C[problem]"
            "\n;B[cc])\n");
  expect_round_trip(r);
}

TEST(GoSgfRecord, PassesAsEmptyAndAsTt) {
  EXPECT_EQ(read("(;SZ[19];B[tt];W[])").moves(),
            (std::vector<ColoredMove>{{B, Move::pass()}, {W, Move::pass()}}));
  EXPECT_EQ(read("(;SZ[9];B[tt])").moves().at(0).move, Move::pass());
  // On boards above 19 "tt" is a point.
  EXPECT_EQ(read("(;SZ[21];B[tt])").moves().at(0).move, Move::at(19, 19));
  GameRecord r;
  r.add_move(B, Move::pass());
  EXPECT_EQ(write_sgf(r), "(;FF[4]GM[1]SZ[19]\n;B[])\n");
}

TEST(GoSgfRecord, OldFilesAndOddButValidInput) {
  // FF[3]-style long identifiers, SZ as N:N, no FF or GM, white space everywhere.
  const GameRecord r =
      read("  ( ; SiZe [ 9:9 ]  \n KoMi [5.5]\n PlayerBlack[A]\n ; Black [ee] ; White[ff] )  ");
  EXPECT_EQ(r.size, 9);
  EXPECT_EQ(r.komi, 5.5);
  EXPECT_EQ(r.black_player, "A");
  EXPECT_EQ(r.moves().size(), 2u);
  // A root move, empty KM and HA (absent), SimpleText line breaks.
  const GameRecord s = read("(;B[aa]KM[]HA[]PB[two\nlines]GN[x])");
  EXPECT_FALSE(s.komi);
  EXPECT_EQ(s.handicap, 0);
  EXPECT_EQ(s.black_player, "two lines");
  EXPECT_EQ(s.nodes.size(), 1u);
  EXPECT_EQ(s.moves().at(0), (ColoredMove{B, Move::at(0, 0)}));
  expect_round_trip(s);
  // Game information below the root is kept raw in that node.
  const GameRecord t = read("(;;PB[late]KM[6.5];B[aa])");
  EXPECT_EQ(t.black_player, "");
  ASSERT_EQ(t.nodes[1].other.size(), 2u);
  EXPECT_EQ(t.nodes[1].other[0].id, "PB");
  expect_round_trip(t);
}

TEST(GoSgfRecord, CollectionsReadTheChosenGame) {
  const std::string text = "(;SZ[9];B[aa])(;SZ[13];B[bb])";
  EXPECT_EQ(read_sgf_game(text, "c.sgf", 0).size, 9);
  EXPECT_EQ(read_sgf_game(text, "c.sgf", 1).size, 13);
  try {
    read_sgf_game(text, "c.sgf", 2);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "c.sgf: no game 3 (the file holds 2)");
  }
}

TEST(GoSgfRecord, EveryBadValueNamesItsByte) {
  struct Case {
    std::string text;
    size_t offset;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"(;B[zz])", 3, "bad move B[zz] on a 19x19 board"},
      {"(;SZ[9]B[jj])", 8, "bad move B[jj] on a 9x9 board"},
      {"(;SZ[9];W[ss])", 9, "bad move W[ss] on a 9x9 board"},
      {"(;B[a])", 3, "bad move"},
      {"(;B[aa][bb])", 7, "B has 2 values; it takes one"},
      {"(;B[aa]W[bb])", 7, "a node with two moves (W after B)"},
      {"(;AB[aa:zz])", 4, "bad point AB[aa:zz]"},
      {"(;AB[aa][tt])", 8, "bad point AB[tt]"},
      {"(;AW[])", 4, "bad point AW[]"},
      {"(;SZ[9:10])", 4, "board SZ[9:10] is not square"},
      {"(;SZ[1])", 4, "board size 1 is outside 2..25"},
      {"(;SZ[ 26 ])", 4, "board size  26  is outside 2..25"},
      {"(;SZ[x])", 4, "bad board size SZ[x]"},
      {"(;KM[abc])", 4, "bad komi KM[abc]"},
      {"(;KM[6,5])", 4, "bad komi"},
      // One komi range everywhere (go::kMaxKomi): the bounds are in, anything past them out.
      {"(;KM[1000.5])", 4, "komi KM[1000.5] is outside -1000..1000"},
      {"(;KM[-100000000000000000000000000])", 4, "komi KM[-10000000000000000000000...] is outside"},
      {"(;HA[-1])", 4, "bad handicap"},
      {"(;HA[626])", 4, "bad handicap HA[626]"},
      {"(;GM[2])", 4, "not a game of Go: GM[2]"},
      {"(;FF[5])", 4, "unknown file format FF[5]"},
      {"(;;SZ[9])", 3, "SZ below the root node"},
      {"(;C[a][b])", 6, "C has 2 values"},
      {"(;B[" + std::string(100, 'x') + "])", 3, "bad move B[xxxxxxxxxxxxxxxxxxxxxxxx...]"},
      // Bytes of a damaged file are quoted escaped (core/escape.h), never raw.
      {"(;B[\x01\xff])", 3, "bad move B[\\x01\\xff]"},
  };
  for (const auto& c : cases) {
    try {
      read_sgf_game(c.text, "bad.sgf");
      ADD_FAILURE() << "no error for " << c.text;
    } catch (const SgfError& e) {
      EXPECT_EQ(e.offset(), c.offset) << c.text << " -> " << e.what();
      EXPECT_NE(std::string(e.what()).find("bad.sgf: byte " + std::to_string(c.offset) + ": " + c.reason),
                std::string::npos)
          << c.text << " -> " << e.what();
    }
  }
  // A bad value off the main line is not looked at.
  EXPECT_EQ(read("(;B[aa](;W[bb])(;W[zz]))").moves().size(), 2u);
}

TEST(GoSgfRecord, WriterEscapesText) {
  GameRecord r;
  r.black_player = "a]b\\c";
  r.nodes[0].comment = "line one\n[bracket] \\ end\\";
  const std::string text = write_sgf(r);
  EXPECT_NE(text.find("PB[a\\]b\\\\c]"), std::string::npos) << text;
  EXPECT_NE(text.find("C[line one\n[bracket\\] \\\\ end\\\\]"), std::string::npos) << text;
  expect_round_trip(r);
}

TEST(GoSgfRecord, WriterRefusesRecordsThatWouldNotReadBack) {
  auto refused = [](const GameRecord& r) { EXPECT_THROW(write_sgf(r), std::invalid_argument); };
  GameRecord r;
  r.size = 26;
  refused(r);
  r = {};
  r.add_move(B, Move::at(19, 0));
  refused(r);
  r = {};
  r.nodes[0].add_black.push_back(Move::pass());
  refused(r);
  r = {};
  r.komi = 1.0 / 0.0;
  refused(r);
  r = {};
  r.komi = 1e-40;  // not exact in 32 decimals
  refused(r);
  r.komi = 1e40;  // more than 32 characters
  refused(r);
  r.komi = 1e-30;  // fine: "0.000000000000000000000000000001"
  EXPECT_NO_THROW(write_sgf(r));
  r = {};
  r.black_player = "two\nlines";
  refused(r);
  r = {};
  r.nodes[0].comment = "carriage\rreturn";
  refused(r);
  r = {};
  r.nodes[0].other.push_back({"GN", {"a]b"}, {}, 0});
  refused(r);
  r = {};
  r.nodes[0].other.push_back({"GN", {"ab\\"}, {}, 0});
  refused(r);
  r = {};
  r.nodes[0].other.push_back({"gn", {"x"}, {}, 0});
  refused(r);
  r = {};
  r.nodes[0].other.push_back({"GN", {}, {}, 0});
  refused(r);
  r = {};
  r.nodes[0].other.push_back({"KM", {"5"}, {}, 0});  // the record's own
  refused(r);
  r = {};
  r.add_move(W, Move::at(1, 1));
  r.nodes[1].other.push_back({"SZ", {"9"}, {}, 0});
  refused(r);
  r.nodes[1].other = {{"EV", {"x"}, {}, 0}, {"EV", {"y"}, {}, 0}};
  refused(r);
  r.nodes[1].other = {{"KM", {"5"}, {}, 0}};  // below the root it is just kept
  EXPECT_NO_THROW(write_sgf(r));
}

TEST(GoSgfRecord, RandomRecordsRoundTrip) {
  for (uint64_t seed = 0; seed < 500; ++seed) {
    Rng rng = Rng::stream(99, seed);
    const GameRecord record = testing::random_game_record(rng);
    const std::string text = write_sgf(record);
    GameRecord back;
    try {
      back = read(text);
    } catch (const std::exception& e) {
      FAIL() << "seed " << seed << ": " << e.what() << "\n" << text;
    }
    ASSERT_TRUE(back == record) << "seed " << seed << "\n" << text;
    ASSERT_EQ(write_sgf(back), text) << "seed " << seed;
  }
}

TEST(GoSgfRecord, EverythingTheReaderAcceptsTheWriterWritesBackTheSame) {
  // Written random records, broken by a few random edits: the reader either refuses one
  // with an SgfError or returns a record that writes and reads back unchanged.
  const std::string alphabet = "();[]\\:ABWCKMSZtz019 \n\r\t.-";
  int accepted = 0, refused = 0;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    Rng rng = Rng::stream(5, seed);
    std::string text = write_sgf(testing::random_game_record(rng));
    for (int m = 1 + static_cast<int>(rng.below(3)); m > 0; --m) {
      const size_t at = rng.below(text.size());
      switch (rng.below(3)) {
        case 0:
          text.erase(at, 1);
          break;
        case 1:
          text.insert(at, 1, alphabet[rng.below(alphabet.size())]);
          break;
        default:
          text[at] = alphabet[rng.below(alphabet.size())];
      }
    }
    GameRecord record;
    try {
      record = read(text);
    } catch (const SgfError& e) {
      EXPECT_LE(e.offset(), text.size());
      ++refused;
      continue;
    }
    ++accepted;
    std::string written;
    try {
      written = write_sgf(record);
    } catch (const std::exception& e) {
      FAIL() << "seed " << seed << ": " << e.what() << "\n" << text;
    }
    ASSERT_TRUE(read(written) == record) << "seed " << seed << "\n" << text;
  }
  EXPECT_GT(accepted, 300);
  EXPECT_GT(refused, 300);
}

TEST(GoSgfRecord, SaveAndLoadFiles) {
  const std::string path = "/tmp/go_sgf_record_test_" + std::to_string(getpid()) + ".sgf";
  Rng rng(7);
  const GameRecord record = testing::random_game_record(rng);
  save_sgf_game(path, record);
  EXPECT_TRUE(load_sgf_game(path) == record);
  SgfLimits small;
  small.max_bytes = 10;
  try {
    load_sgf_game(path, 0, small);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read " + path + ": is larger than the limit of 10 bytes");
  }
  std::remove(path.c_str());
  EXPECT_THROW(load_sgf_game(path), UserError);
}

}  // namespace
}  // namespace traceplay::go
