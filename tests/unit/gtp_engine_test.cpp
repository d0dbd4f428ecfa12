// Every GTP command and its error cases, on an engine with a deterministic player.
#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "apps/gtp/vertex.h"
#include "games/go/sgf_reader.h"
#include "tests/unit/gtp_test_util.h"

namespace traceplay::gtp {
namespace {

using testing::TestEngine;

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "gtp_engine_test_" + name; }

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(GtpEngine, ProtocolCommands) {
  TestEngine e;
  EXPECT_EQ(e.run("protocol_version"), "= 2\n\n");
  EXPECT_EQ(e.run("1 name"), "=1 traceplay\n\n");
  EXPECT_EQ(e.run("2 version"), "=2 test\n\n");
  EXPECT_EQ(e.run("known_command play"), "= true\n\n");
  EXPECT_EQ(e.run("known_command kata-analyze"), "= true\n\n");
  EXPECT_EQ(e.run("known_command foo"), "= false\n\n");
  EXPECT_EQ(e.run("known_command"), "? syntax error\n\n");
  const std::string list = e.run("list_commands");
  for (const char* name : {"protocol_version",
                           "name",
                           "version",
                           "known_command",
                           "list_commands",
                           "quit",
                           "boardsize",
                           "clear_board",
                           "komi",
                           "play",
                           "genmove",
                           "undo",
                           "showboard",
                           "final_score",
                           "final_status_list",
                           "fixed_handicap",
                           "place_free_handicap",
                           "set_free_handicap",
                           "time_settings",
                           "time_left",
                           "kgs-time_settings",
                           "loadsgf",
                           "printsgf",
                           "reg_genmove",
                           "lz-analyze",
                           "lz-genmove_analyze",
                           "kata-analyze",
                           "kata-genmove_analyze",
                           "stop"}) {
    EXPECT_NE(("\n" + list.substr(2)).find(std::string("\n") + name + "\n"), std::string::npos) << name;
    EXPECT_EQ(e.run(std::string("known_command ") + name), "= true\n\n") << name;
  }
  EXPECT_EQ(e.run("stop"), "=\n\n");
}

TEST(GtpEngine, UnknownCommandsAndIds) {
  TestEngine e;
  EXPECT_EQ(e.run("foo"), "? unknown command\n\n");
  EXPECT_EQ(e.run("7 foo bar"), "?7 unknown command\n\n");
  EXPECT_EQ(e.run("PLAY b d4"), "? unknown command\n\n");  // command names are case-sensitive
  EXPECT_EQ(e.run("42"), "?42 unknown command\n\n");
  EXPECT_EQ(e.run(""), "");
  EXPECT_EQ(e.run("   "), "");
  EXPECT_EQ(e.run("# only a comment"), "");
  EXPECT_EQ(e.run("3 name # and a comment\r"), "=3 traceplay\n\n");
  EXPECT_EQ(e.run("\t4\tname"), "=4 traceplay\n\n");
}

TEST(GtpEngine, QuitEndsTheSession) {
  TestEngine e;
  EXPECT_EQ(e.run("9 quit"), "=9\n\n");
  EXPECT_FALSE(e.alive);
}

TEST(GtpEngine, BoardsizeClearBoardKomi) {
  TestEngine e;
  EXPECT_EQ(e.run("boardsize 13"), "=\n\n");
  EXPECT_EQ(e.engine->board().size(), 13);
  for (const char* bad : {"boardsize 1", "boardsize 26", "boardsize 0", "boardsize 99999999999"})
    EXPECT_EQ(e.run(bad), "? unacceptable size\n\n") << bad;
  for (const char* bad : {"boardsize", "boardsize x", "boardsize 9 9", "boardsize -9", "boardsize 9.5"})
    EXPECT_EQ(e.run(bad), "? syntax error\n\n") << bad;
  EXPECT_EQ(e.engine->board().size(), 13);
  EXPECT_EQ(e.run("play b d4"), "=\n\n");
  EXPECT_EQ(e.run("clear_board"), "=\n\n");
  EXPECT_TRUE(e.engine->board().moves().empty());
  EXPECT_EQ(e.engine->board().at(parse_vertex("d4", 13).value()), go::Color::kEmpty);
  EXPECT_GE(e.player->new_games, 3);  // construction, boardsize, clear_board
  EXPECT_EQ(e.run("komi 6.5"), "=\n\n");
  EXPECT_EQ(e.engine->board().rules().komi, 6.5);
  EXPECT_EQ(e.run("komi -2"), "=\n\n");
  EXPECT_EQ(e.engine->board().rules().komi, -2.0);
  EXPECT_EQ(e.run("komi x"), "? syntax error\n\n");
  // --komi's range (go::kMaxKomi); a refused komi leaves the last one.
  EXPECT_EQ(e.run("komi 1e308"), "? komi must be between -1000 and 1000\n\n");
  EXPECT_EQ(e.run("komi -1000.5"), "? komi must be between -1000 and 1000\n\n");
  EXPECT_EQ(e.engine->board().rules().komi, -2.0);
  EXPECT_EQ(e.run("komi 1000"), "=\n\n");
  EXPECT_EQ(e.run("komi -2"), "=\n\n");
  EXPECT_EQ(e.run("komi"), "? syntax error\n\n");
  // Komi survives a new board size.
  EXPECT_EQ(e.run("boardsize 9"), "=\n\n");
  EXPECT_EQ(e.engine->board().rules().komi, -2.0);
  EXPECT_EQ(e.engine->board().rules().superko, go::Superko::kPositional);
}

TEST(GtpEngine, PlayAndIllegalMoves) {
  TestEngine e(9);
  EXPECT_EQ(e.run("play b d4"), "=\n\n");
  EXPECT_EQ(e.engine->board().at(3, 5), go::Color::kBlack);
  EXPECT_EQ(e.run("play W D4"), "? illegal move\n\n");  // occupied
  EXPECT_EQ(e.run("play white pass"), "=\n\n");
  for (const char* bad : {"play", "play b", "play x d4", "play b z9", "play b i4", "play b d10",
                          "play b d4 e5", "play b resign"})
    EXPECT_EQ(e.run(bad), "? syntax error\n\n") << bad;
  // Suicide: White into a point surrounded by Black.
  EXPECT_EQ(e.run("play b a2"), "=\n\n");
  EXPECT_EQ(e.run("play b b1"), "=\n\n");
  EXPECT_EQ(e.run("play w a1"), "? illegal move\n\n");
  // Simple ko: White captures c4 at b4; Black may not take back at once.
  TestEngine ko(5);
  // . X O . .
  // X . X O .
  // . X O . .
  for (const char* line :
       {"play b b5", "play b a4", "play b c4", "play b b3", "play w c5", "play w d4", "play w c3"})
    ASSERT_EQ(ko.run(line), "=\n\n") << line;
  EXPECT_EQ(ko.run("play w b4"), "=\n\n");  // White captures c4
  EXPECT_EQ(ko.engine->board().at(2, 1), go::Color::kEmpty);
  EXPECT_EQ(ko.run("play b c4"), "? illegal move\n\n");  // immediate retake
}

TEST(GtpEngine, GenmovePlaysAndRegGenmoveDoesNot) {
  TestEngine e(9);
  EXPECT_EQ(e.run("genmove b"), "= A9\n\n");
  EXPECT_EQ(e.engine->board().at(0, 0), go::Color::kBlack);
  EXPECT_EQ(e.run("1 genmove white"), "=1 B9\n\n");
  EXPECT_EQ(e.engine->board().moves().size(), 2u);
  EXPECT_EQ(e.run("reg_genmove b"), "= C9\n\n");
  EXPECT_EQ(e.engine->board().moves().size(), 2u);
  for (const char* bad : {"genmove", "genmove x", "genmove b w", "reg_genmove", "reg_genmove 3"})
    EXPECT_EQ(e.run(bad), "? syntax error\n\n") << bad;
  // Without time settings the default limits apply.
  ASSERT_FALSE(e.player->requests.empty());
  EXPECT_EQ(e.player->requests.back().max_visits, 3);
  EXPECT_EQ(e.player->requests.back().max_seconds, 0);
  e.player->resign = true;
  EXPECT_EQ(e.run("genmove b"), "= resign\n\n");
  EXPECT_EQ(e.engine->board().moves().size(), 2u);
  EXPECT_EQ(e.run("reg_genmove b"), "= C9\n\n");  // reg_genmove never resigns
}

TEST(GtpEngine, GenmoveWithNoMoveLeftPasses) {
  TestEngine e(2);
  EXPECT_EQ(e.run("play b a1"), "=\n\n");
  EXPECT_EQ(e.run("play b b2"), "=\n\n");
  EXPECT_EQ(e.run("play b a2"), "=\n\n");
  // Black's only empty point is its own eye (and suicide): it passes.
  EXPECT_EQ(e.run("genmove b"), "= pass\n\n");
  EXPECT_EQ(e.run("genmove w"), "= B1\n\n");  // White captures all three
  EXPECT_EQ(e.engine->board().position().stone_count(go::Color::kBlack), 0);
}

TEST(GtpEngine, Undo) {
  TestEngine e(9);
  EXPECT_EQ(e.run("undo"), "? cannot undo\n\n");
  EXPECT_EQ(e.run("play b e5"), "=\n\n");
  EXPECT_EQ(e.run("genmove w"), "= A9\n\n");
  EXPECT_EQ(e.run("undo"), "=\n\n");
  EXPECT_EQ(e.engine->board().at(0, 0), go::Color::kEmpty);
  EXPECT_EQ(e.run("undo"), "=\n\n");
  EXPECT_EQ(e.engine->board().at(4, 4), go::Color::kEmpty);
  EXPECT_EQ(e.run("undo"), "? cannot undo\n\n");
  // Handicap stones are not moves: nothing to undo after them.
  EXPECT_EQ(e.run("fixed_handicap 2"), "= G7 C3\n\n");
  EXPECT_EQ(e.run("undo"), "? cannot undo\n\n");
}

TEST(GtpEngine, Showboard) {
  TestEngine e(9);
  e.run("play b d4");
  e.run("play w e5");
  const std::string out = e.run("showboard");
  EXPECT_EQ(out.substr(0, 3), "= \n");
  EXPECT_EQ(out.substr(out.size() - 2), "\n\n");
  EXPECT_EQ(out.find("\n\n"), out.size() - 2);  // no empty line inside
  EXPECT_NE(out.find("   A B C D E F G H J\n"), std::string::npos);
  EXPECT_NE(out.find(" 4 . . . X . . . . . 4"), std::string::npos) << out;
  EXPECT_NE(out.find(" 5 . . . .(O). . . . 5"), std::string::npos) << out;
}

TEST(GtpEngine, FinalScoreAndStatusLists) {
  TestEngine e(9);
  EXPECT_EQ(e.run("final_score"), "= W+7.5\n\n");
  // A black wall on column D, a white wall on column E, and a white stone left dead in
  // Black's area at B5.
  for (int row = 1; row <= 9; ++row) {
    ASSERT_EQ(e.run("play b d" + std::to_string(row)), "=\n\n");
    ASSERT_EQ(e.run("play w e" + std::to_string(row)), "=\n\n");
  }
  ASSERT_EQ(e.run("play w b5"), "=\n\n");
  // Black: columns A-D (36), White: E-J (45) - 7.5.
  EXPECT_EQ(e.run("final_score"), "= W+16.5\n\n");
  EXPECT_EQ(e.run("final_status_list dead"), "= B5\n\n");
  EXPECT_EQ(e.run("final_status_list alive"), "= D9 D8 D7 D6 D5 D4 D3 D2 D1\nE9 E8 E7 E6 E5 E4 E3 E2 E1\n\n");
  EXPECT_EQ(e.run("final_status_list seki"), "=\n\n");
  for (const char* bad :
       {"final_status_list", "final_status_list zombie", "final_status_list dead alive", "final_score now"})
    EXPECT_EQ(e.run(bad), "? syntax error\n\n") << bad;
}

TEST(GtpEngine, FinalStatusListSeki) {
  // Black's four stones (top left) and White's five share the liberty C9; each has one
  // eye; whoever fills C9 is captured: seki (the position of GoDeadStones.SekiIsNotDead).
  TestEngine e(9, 0);
  const char* rows[] = {".X.O.OX..", "XXXOOOX..", "OOOXXXX..", "O.OX.....", "OOOX.....",
                        "O.OX.....", "OOOX.....", "OOOX.....", "OOOX....."};
  for (int y = 0; y < 9; ++y)
    for (int x = 0; x < 9; ++x) {
      if (rows[y][x] == '.') continue;
      const std::string color = rows[y][x] == 'X' ? "b " : "w ";
      ASSERT_EQ(e.run("play " + color + format_vertex(go::Move::at(x, y), 9)), "=\n\n") << x << "," << y;
    }
  EXPECT_EQ(e.run("final_status_list seki"), "= B9 A8 B8 C8\nD9 F9 D8 E8 F8\n\n");
  EXPECT_EQ(e.run("final_status_list dead"), "=\n\n");
  const std::string alive = e.run("final_status_list alive");
  for (const char* in_seki : {"B9", "D9", "C8", "F9"})
    EXPECT_EQ(alive.find(in_seki), std::string::npos) << alive;
  EXPECT_NE(alive.find("G9"), std::string::npos) << alive;
  EXPECT_EQ(e.run("final_score"), "= B+26\n\n");
}

TEST(GtpEngine, FixedHandicap) {
  TestEngine e(19);
  EXPECT_EQ(e.run("fixed_handicap 9"), "= D16 K16 Q16 D10 K10 Q10 D4 K4 Q4\n\n");
  EXPECT_EQ(e.engine->board().to_move(), go::Color::kWhite);
  EXPECT_EQ(e.run("fixed_handicap 2"), "? board not empty\n\n");
  EXPECT_EQ(e.run("clear_board"), "=\n\n");
  for (const char* bad : {"fixed_handicap 1", "fixed_handicap 10", "fixed_handicap 0"})
    EXPECT_EQ(e.run(bad), "? invalid number of stones\n\n") << bad;
  for (const char* bad : {"fixed_handicap", "fixed_handicap x", "fixed_handicap 2 3"})
    EXPECT_EQ(e.run(bad), "? syntax error\n\n") << bad;
  EXPECT_EQ(e.run("boardsize 7"), "=\n\n");
  EXPECT_EQ(e.run("fixed_handicap 5"), "? invalid number of stones\n\n");
  EXPECT_EQ(e.run("fixed_handicap 4"), "= C5 E5 C3 E3\n\n");
}

TEST(GtpEngine, FreeHandicap) {
  TestEngine e(9);
  const std::string placed = e.run("place_free_handicap 3");
  ASSERT_EQ(placed, "= C7 G7 C3\n\n");
  EXPECT_EQ(e.engine->board().position().stone_count(go::Color::kBlack), 3);
  EXPECT_EQ(e.run("place_free_handicap 3"), "? board not empty\n\n");
  e.run("clear_board");
  EXPECT_EQ(e.run("place_free_handicap 1"), "? invalid number of stones\n\n");
  EXPECT_EQ(e.run("place_free_handicap 81"), "? invalid number of stones\n\n");
  EXPECT_EQ(e.run("place_free_handicap x"), "? syntax error\n\n");
  const std::string many = e.run("place_free_handicap 80");
  EXPECT_EQ(e.engine->board().position().stone_count(go::Color::kBlack), 80) << many;

  TestEngine s(9);
  EXPECT_EQ(s.run("set_free_handicap a1"), "? invalid number of stones\n\n");
  EXPECT_EQ(s.run("set_free_handicap a1 a1"), "? bad vertex list\n\n");
  EXPECT_EQ(s.run("set_free_handicap a1 pass"), "? bad vertex list\n\n");
  EXPECT_EQ(s.run("set_free_handicap a1 z9"), "? syntax error\n\n");
  EXPECT_EQ(s.run("set_free_handicap"), "? invalid number of stones\n\n");
  EXPECT_EQ(s.run("set_free_handicap a1 b2 j9"), "=\n\n");
  EXPECT_EQ(s.engine->board().at(8, 0), go::Color::kBlack);
  EXPECT_EQ(s.engine->board().to_move(), go::Color::kWhite);
  EXPECT_EQ(s.run("set_free_handicap c3 d4"), "? board not empty\n\n");
}

TEST(GtpEngine, TimeCommands) {
  TestEngine e(9);
  EXPECT_EQ(e.run("time_settings 300 30 5"), "=\n\n");
  EXPECT_EQ(e.engine->time().settings().system, TimeSystem::kCanadian);
  EXPECT_EQ(e.engine->time().settings().period_stones, 5);
  EXPECT_EQ(e.run("time_left b 120 0"), "=\n\n");
  EXPECT_EQ(e.engine->time().state(go::Color::kBlack).main_left, 120);
  EXPECT_EQ(e.run("time_left white 20 3"), "=\n\n");
  EXPECT_EQ(e.engine->time().state(go::Color::kWhite).main_left, 0);
  EXPECT_EQ(e.engine->time().state(go::Color::kWhite).stones_left, 3);
  for (const char* bad :
       {"time_settings 1 2", "time_settings a b c", "time_settings -1 0 0", "time_settings 1 2 3 4",
        "time_left b 10", "time_left x 10 0", "time_left b ten 0", "time_left b 10 -1"})
    EXPECT_EQ(e.run(bad), "? syntax error\n\n") << bad;
  EXPECT_EQ(e.run("time_settings 0 1 0"), "=\n\n");  // no time limits
  EXPECT_EQ(e.engine->time().settings().system, TimeSystem::kNone);
  EXPECT_EQ(e.run("time_settings 60 0 0"), "=\n\n");
  EXPECT_EQ(e.engine->time().settings().system, TimeSystem::kAbsolute);

  EXPECT_EQ(e.run("kgs-time_settings byoyomi 60 10 3"), "=\n\n");
  EXPECT_EQ(e.engine->time().settings().system, TimeSystem::kByoYomi);
  EXPECT_EQ(e.engine->time().settings().periods, 3);
  EXPECT_EQ(e.run("kgs-time_settings canadian 60 30 5"), "=\n\n");
  EXPECT_EQ(e.engine->time().settings().system, TimeSystem::kCanadian);
  EXPECT_EQ(e.run("kgs-time_settings absolute 90"), "=\n\n");
  EXPECT_EQ(e.engine->time().settings().system, TimeSystem::kAbsolute);
  EXPECT_EQ(e.engine->time().settings().main_s, 90);
  EXPECT_EQ(e.run("kgs-time_settings none"), "=\n\n");
  EXPECT_EQ(e.engine->time().settings().system, TimeSystem::kNone);
  for (const char* bad : {"kgs-time_settings", "kgs-time_settings foo", "kgs-time_settings none 5",
                          "kgs-time_settings absolute", "kgs-time_settings byoyomi 60 10",
                          "kgs-time_settings canadian 60 30 2.5", "kgs-time_settings byoyomi 60 -10 3"})
    EXPECT_EQ(e.run(bad), "? syntax error\n\n") << bad;
}

TEST(GtpEngine, LoadSgf) {
  const std::string path = temp_path("game.sgf");
  write_file(path, "(;FF[4]GM[1]SZ[9]KM[5.5];B[ee];W[cc];B[gg];W[];B[cg])");
  TestEngine e(19);
  EXPECT_EQ(e.run("loadsgf " + path), "=\n\n");
  EXPECT_EQ(e.engine->board().size(), 9);
  EXPECT_EQ(e.engine->board().rules().komi, 5.5);
  EXPECT_EQ(e.engine->board().moves().size(), 5u);
  EXPECT_EQ(e.engine->board().to_move(), go::Color::kWhite);
  EXPECT_EQ(e.run("loadsgf " + path + " 3"), "=\n\n");  // the position before move 3
  EXPECT_EQ(e.engine->board().moves().size(), 2u);
  EXPECT_EQ(e.engine->board().at(2, 2), go::Color::kWhite);
  EXPECT_EQ(e.engine->board().at(6, 6), go::Color::kEmpty);
  EXPECT_EQ(e.run("loadsgf " + path + " 1"), "=\n\n");
  EXPECT_TRUE(e.engine->board().moves().empty());
  EXPECT_EQ(e.run("loadsgf " + path + " 100"), "=\n\n");
  EXPECT_EQ(e.engine->board().moves().size(), 5u);

  const std::string handicap = temp_path("handicap.sgf");
  write_file(handicap, "(;FF[4]SZ[9]HA[2]AB[cc][gg])");
  EXPECT_EQ(e.run("loadsgf " + handicap), "=\n\n");
  EXPECT_EQ(e.engine->board().position().stone_count(go::Color::kBlack), 2);
  EXPECT_EQ(e.engine->board().to_move(), go::Color::kWhite);

  const std::string problem = temp_path("problem.sgf");
  write_file(problem, "(;FF[4]SZ[9]AB[cc]AW[dd]PL[W])");
  EXPECT_EQ(e.run("loadsgf " + problem), "=\n\n");
  EXPECT_EQ(e.engine->board().to_move(), go::Color::kWhite);
  write_file(problem, "(;FF[4]SZ[9]HA[2]AB[cc][gg]PL[B])");
  EXPECT_EQ(e.run("loadsgf " + problem), "=\n\n");
  EXPECT_EQ(e.engine->board().to_move(), go::Color::kBlack);
  EXPECT_EQ(e.run("loadsgf " + handicap), "=\n\n");

  // Failures leave the game as it was.
  const std::string illegal = temp_path("illegal.sgf");
  write_file(illegal, "(;FF[4]SZ[9];B[ee];W[ee])");
  const std::string broken = temp_path("broken.sgf");
  write_file(broken, "(;FF[4]SZ[9];B[ee];W[zz])");
  EXPECT_EQ(e.run("loadsgf " + illegal), "? cannot load file\n\n");
  EXPECT_EQ(e.run("loadsgf " + broken), "? cannot load file\n\n");
  EXPECT_EQ(e.run("loadsgf " + temp_path("missing.sgf")), "? cannot load file\n\n");
  EXPECT_EQ(e.run("loadsgf " + ::testing::TempDir()), "? cannot load file\n\n");
  EXPECT_EQ(e.engine->board().position().stone_count(go::Color::kBlack), 2);
  EXPECT_EQ(e.run("loadsgf"), "? syntax error\n\n");
  EXPECT_EQ(e.run("loadsgf " + path + " x"), "? syntax error\n\n");
  EXPECT_EQ(e.run("loadsgf " + path + " 0"), "? syntax error\n\n");
}

TEST(GtpEngine, PrintSgfReadsBackAsTheGame) {
  TestEngine e(9);
  e.run("komi 6.5");
  e.run("fixed_handicap 2");
  e.run("play w e5");
  e.run("genmove b");
  e.run("play w pass");
  const std::string out = e.run("printsgf");
  ASSERT_EQ(out.substr(0, 2), "= ");
  ASSERT_EQ(out.find("\n\n"), out.size() - 2);
  const go::GameRecord record = go::read_sgf_game(out.substr(2, out.size() - 4), "printsgf");
  EXPECT_EQ(record.size, 9);
  EXPECT_EQ(record.komi, 6.5);
  EXPECT_EQ(record.handicap, 2);
  EXPECT_EQ(record.nodes[0].add_black.size(), 2u);
  EXPECT_EQ(record.moves(), e.engine->board().moves());
  ASSERT_EQ(record.moves().size(), 3u);
  EXPECT_TRUE(record.moves()[2].move.is_pass());

  // To a file, then back through loadsgf.
  const std::string path = temp_path("printed.sgf");
  std::remove(path.c_str());
  EXPECT_EQ(e.run("printsgf " + path), "=\n\n");
  TestEngine f(19);
  EXPECT_EQ(f.run("loadsgf " + path), "=\n\n");
  EXPECT_EQ(f.engine->board().moves(), e.engine->board().moves());
  EXPECT_EQ(f.engine->board().hash(), e.engine->board().hash());
  EXPECT_EQ(e.run("printsgf " + ::testing::TempDir() + "no/such/dir/x.sgf"), "? cannot save file\n\n");
  EXPECT_EQ(e.run("printsgf a b"), "? syntax error\n\n");
  // Undo drops the last move from the record too.
  e.run("undo");
  const std::string after = e.run("printsgf");
  EXPECT_EQ(go::read_sgf_game(after.substr(2, after.size() - 4), "printsgf").moves().size(), 2u);
}

}  // namespace
}  // namespace traceplay::gtp
