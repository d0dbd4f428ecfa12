// The in-process game loop (play/game_loop.h) and its scoring (play/final_score.h):
// whole games between MCTS bots with consistent records and search results, every way a
// game ends (two passes, resignation, forfeit, the move cap, a stop), the random opening,
// the per-move callback, and the scoring that does not rob a bot that passed to win.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "games/go/board.h"
#include "games/go/scoring.h"
#include "games/go/sgf_reader.h"
#include "games/go/sgf_writer.h"
#include "play/final_score.h"
#include "play/game_loop.h"
#include "play/random_player.h"
#include "play_test_util.h"

namespace traceplay::play {
namespace {

using go::Color;
using go::Move;
using testing::FixedMovePlayer;
using testing::mcts_player;
using testing::ResigningPlayer;
using testing::ScriptedPlayer;

PlaySettings small_board(int size, int64_t visits) {
  PlaySettings s;
  s.size = size;
  s.rules.komi = 0.5;
  s.black.limits.max_visits = visits;
  s.white.limits.max_visits = visits;
  return s;
}

// Replays the record's moves on a fresh board; each must be legal.
go::Board replay(const go::GameRecord& record, const go::Rules& rules) {
  go::Board board(record.size, rules);
  for (const go::ColoredMove& m : record.moves()) {
    EXPECT_EQ(board.play(m.color, m.move), go::MoveLegality::kLegal);
  }
  return board;
}

int64_t visit_sum(const MoveInfo& m) {
  return std::accumulate(m.visits.begin(), m.visits.end(), int64_t{0},
                         [](int64_t s, const MoveVisits& v) { return s + v.visits; });
}

bool lists(const MoveInfo& m, Move move) {
  return std::any_of(m.visits.begin(), m.visits.end(), [&](const MoveVisits& v) { return v.move == move; });
}

// --- whole games between MCTS bots -------------------------------------------------------

TEST(PlayGameLoop, TwoMctsBotsPlayAConsistentGame) {
  auto black = mcts_player(3, "rollout", /*reuse_tree=*/false);
  auto white = mcts_player(4, "rollout", /*reuse_tree=*/false);
  PlaySettings settings = small_board(5, 120);
  settings.black_name = "b-bot";
  settings.white_name = "w-bot";
  int calls = 0;
  std::unique_ptr<go::Board> last;
  settings.on_move = [&](const go::Board& board, const MoveInfo& m) {
    ++calls;
    EXPECT_EQ(m.number, static_cast<int>(board.moves().size()));
    EXPECT_EQ(board.moves().back().move, m.move);
    last = std::make_unique<go::Board>(board);
  };
  const PlayedGame g = play_game(*black, *white, settings);

  ASSERT_TRUE(g.end == GameEnd::kTwoPasses || g.end == GameEnd::kMoveCap) << g.reason;
  ASSERT_FALSE(g.moves.empty());
  EXPECT_EQ(calls, static_cast<int>(g.moves.size()));
  EXPECT_LE(g.moves.size(), 75u);  // the default cap, 3 * 5 * 5
  const std::vector<go::ColoredMove> recorded = g.record.moves();
  ASSERT_EQ(recorded.size(), g.moves.size());
  for (size_t i = 0; i < g.moves.size(); ++i) {
    const MoveInfo& m = g.moves[i];
    EXPECT_EQ(m.number, static_cast<int>(i) + 1);
    EXPECT_EQ(m.color, i % 2 == 0 ? Color::kBlack : Color::kWhite);
    EXPECT_EQ(recorded[i].color, m.color);
    EXPECT_EQ(recorded[i].move, m.move);
    EXPECT_FALSE(m.random_opening);
    // A fresh tree and one thread: the children's visits are the root's but its own evaluation.
    EXPECT_EQ(m.root_visits, 120);
    EXPECT_EQ(visit_sum(m), m.root_visits - 1) << "move " << m.number;
    if (!m.move.is_pass()) {
      EXPECT_TRUE(lists(m, m.move)) << "move " << m.number;
      ASSERT_TRUE(m.prior.has_value());
      EXPECT_GT(*m.prior, 0);
      EXPECT_LE(*m.prior, 1);
    }
    EXPECT_GE(m.root_winrate, 0);
    EXPECT_LE(m.root_winrate, 1);
    EXPECT_TRUE(m.ownership.empty());  // not asked for
  }

  // The record replays to the position the loop ended in.
  const go::Board replayed = replay(g.record, settings.rules);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(replayed.position().stones(), last->position().stones());
  EXPECT_EQ(replayed.hash(), last->hash());
  EXPECT_EQ(g.record.size, 5);
  EXPECT_EQ(g.record.komi, 0.5);
  EXPECT_EQ(g.record.black_player, "b-bot");
  EXPECT_EQ(g.record.white_player, "w-bot");
  EXPECT_NE(g.record.nodes.back().comment.find(g.reason), std::string::npos);
  if (g.end == GameEnd::kTwoPasses) {
    ASSERT_TRUE(g.score.has_value());
    EXPECT_TRUE(replayed.game_over());
    const FinalScore again = score_finished_game(replayed, settings.scoring_seed);
    EXPECT_EQ(*g.score, again.score);
    EXPECT_EQ(g.dead, again.dead);
    EXPECT_EQ(g.record.result, go::format_result(*g.score));
    EXPECT_EQ(g.winner, *g.score > 0 ? Color::kBlack : Color::kWhite);  // komi 0.5: no draw
    // The ownership target agrees with the score.
    ASSERT_EQ(g.final_ownership.size(), 25u);
    const auto owned = [&](Color c) {
      return std::count(g.final_ownership.begin(), g.final_ownership.end(), c);
    };
    EXPECT_DOUBLE_EQ(static_cast<double>(owned(Color::kBlack) - owned(Color::kWhite)) - 0.5, *g.score);
  } else {
    EXPECT_EQ(g.winner, Color::kEmpty);
    EXPECT_TRUE(g.final_ownership.empty());
  }

  // The record is SGF-writable and reads back the same.
  EXPECT_EQ(go::read_sgf_game(go::write_sgf(g.record), "game"), g.record);
}

TEST(PlayGameLoop, ABotAgainstItselfWithAKeptTree) {
  // One object plays both colours; with tree reuse the distribution sums to less than
  // the root's visits (a kept root's own leaf evaluations), never more.
  auto bot = mcts_player(5);
  PlaySettings settings = small_board(5, 80);
  settings.want_ownership = true;
  const PlayedGame g = play_game(*bot, *bot, settings);
  ASSERT_FALSE(g.moves.empty());
  for (const MoveInfo& m : g.moves) {
    EXPECT_GE(m.root_visits, 80);
    EXPECT_LE(visit_sum(m), m.root_visits - 1);
    EXPECT_EQ(m.ownership.size(), 25u);
  }
  replay(g.record, settings.rules);
}

// --- how games end ---------------------------------------------------------------------------

TEST(PlayGameLoop, TheMoveCapIsADraw) {
  RandomPlayer black(1), white(2);
  PlaySettings settings = small_board(7, 1);
  settings.max_moves = 10;
  const PlayedGame g = play_game(black, white, settings);
  EXPECT_EQ(g.end, GameEnd::kMoveCap);
  EXPECT_EQ(g.winner, Color::kEmpty);
  EXPECT_EQ(g.record.result, "0");
  EXPECT_EQ(g.moves.size(), 10u);
  EXPECT_FALSE(g.score.has_value());
  EXPECT_STREQ(to_string(g.end), "move_cap");
}

TEST(PlayGameLoop, AResignationMakesTheOtherSideWin) {
  RandomPlayer black(1);
  ResigningPlayer white;
  const PlayedGame g = play_game(black, white, small_board(5, 1));
  EXPECT_EQ(g.end, GameEnd::kResignation);
  EXPECT_EQ(g.winner, Color::kBlack);
  EXPECT_EQ(g.record.result, "B+R");
  EXPECT_EQ(g.moves.size(), 1u);  // Black's first move, then White resigned
  EXPECT_EQ(g.forfeited, Color::kEmpty);

  ResigningPlayer resigning_black;
  RandomPlayer random_white(1);
  const PlayedGame first = play_game(resigning_black, random_white, small_board(5, 1));
  EXPECT_EQ(first.winner, Color::kWhite);
  EXPECT_EQ(first.record.result, "W+R");
  EXPECT_TRUE(first.moves.empty());
}

TEST(PlayGameLoop, ResigningWhereItIsNotAllowedForfeits) {
  RandomPlayer black(1);
  ResigningPlayer white;
  PlaySettings settings = small_board(5, 1);
  settings.white.allow_resign = false;
  const PlayedGame g = play_game(black, white, settings);
  EXPECT_EQ(g.end, GameEnd::kForfeit);
  EXPECT_EQ(g.forfeited, Color::kWhite);
  EXPECT_EQ(g.winner, Color::kBlack);
  EXPECT_EQ(g.record.result, "B+F");
  EXPECT_NE(g.reason.find("not allowed"), std::string::npos) << g.reason;
}

TEST(PlayGameLoop, AnIllegalMoveForfeitsTheGame) {
  // Black repeats (0, 0): legal once, then occupied.
  FixedMovePlayer black(Move::at(0, 0));
  RandomPlayer white(3);
  const PlayedGame g = play_game(black, white, small_board(5, 1));
  EXPECT_EQ(g.end, GameEnd::kForfeit);
  EXPECT_EQ(g.forfeited, Color::kBlack);
  EXPECT_EQ(g.winner, Color::kWhite);
  EXPECT_EQ(g.record.result, "W+F");
  EXPECT_EQ(g.moves.size(), 2u);  // the illegal move is not recorded
  EXPECT_NE(g.reason.find("Black at move 3 played (0, 0): illegal (occupied)"), std::string::npos)
      << g.reason;
  EXPECT_NE(g.record.nodes.back().comment.find("forfeit"), std::string::npos);

  FixedMovePlayer off_board(Move::at(5, 2));
  const PlayedGame off = play_game(white, off_board, small_board(5, 1));
  EXPECT_EQ(off.forfeited, Color::kWhite);
  EXPECT_EQ(off.record.result, "B+F");
  EXPECT_NE(off.reason.find("illegal (off board)"), std::string::npos) << off.reason;
}

TEST(PlayGameLoop, ShouldStopEndsTheGameDuringAThinkAndDropsItsMove) {
  // Limits far beyond the test: only the stop ends the first think.
  auto black = mcts_player(1);
  auto white = mcts_player(2);
  PlaySettings settings = small_board(9, 0);
  settings.black.limits.max_seconds = 60;
  settings.white.limits.max_seconds = 60;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  settings.should_stop = [&] { return elapsed() > 0.2; };
  const PlayedGame g = play_game(*black, *white, settings);
  EXPECT_LT(elapsed(), 2.0);  // generous: a loaded machine; the search polls every millisecond
  EXPECT_EQ(g.end, GameEnd::kStopped);
  EXPECT_EQ(g.winner, Color::kEmpty);
  EXPECT_EQ(g.record.result, "Void");
  EXPECT_TRUE(g.moves.empty());  // the move found before the stop was not played
}

TEST(PlayGameLoop, ShouldStopBetweenMovesEndsTheGameThere) {
  RandomPlayer black(1), white(2);
  PlaySettings settings = small_board(7, 1);
  int moves = 0;
  settings.on_move = [&](const go::Board&, const MoveInfo&) { ++moves; };
  settings.should_stop = [&] { return moves >= 3; };
  const PlayedGame g = play_game(black, white, settings);
  EXPECT_EQ(g.end, GameEnd::kStopped);
  EXPECT_EQ(g.moves.size(), 3u);
  EXPECT_STREQ(to_string(g.end), "stopped");
}

// --- the random opening ------------------------------------------------------------------------

TEST(PlayGameLoop, TheRandomOpeningIsSeededAndMarked) {
  auto opening = [](uint64_t seed) {
    RandomPlayer black(7), white(8);
    PlaySettings settings = small_board(7, 1);
    settings.random_opening_moves = 6;
    settings.opening_seed = seed;
    settings.max_moves = 8;
    return play_game(black, white, settings);
  };
  const PlayedGame a = opening(11), b = opening(11), c = opening(12);
  ASSERT_EQ(a.moves.size(), 8u);
  EXPECT_EQ(a.opening_moves, 6);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(a.moves[i].random_opening, i < 6);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(a.moves[i].move, b.moves[i].move);
    EXPECT_TRUE(a.moves[i].visits.empty());
    EXPECT_EQ(a.moves[i].root_visits, 0);
  }
  EXPECT_EQ(a.record.nodes[0].comment, "moves 1-6: random opening");
  std::vector<Move> first_a, first_c;
  for (int i = 0; i < 6; ++i) {
    first_a.push_back(a.moves[i].move);
    first_c.push_back(c.moves[i].move);
  }
  EXPECT_NE(first_a, first_c);
}

TEST(PlayGameLoop, BothPlayersStartANewGame) {
  ScriptedPlayer black({}), white({});
  const PlayedGame g = play_game(black, white, small_board(5, 1));
  EXPECT_EQ(black.new_games, 1);
  EXPECT_EQ(white.new_games, 1);
  // Both pass at once: an empty board, scored as nobody's area.
  EXPECT_EQ(g.end, GameEnd::kTwoPasses);
  EXPECT_EQ(g.moves.size(), 2u);
  EXPECT_EQ(g.record.result, "W+0.5");
  ScriptedPlayer both({});
  play_game(both, both, small_board(5, 1));
  EXPECT_EQ(both.new_games, 1);
}

TEST(PlayGameLoop, BadSettingsAreRefused) {
  RandomPlayer p(1);
  const auto refused = [&](auto change) {
    PlaySettings s = small_board(5, 1);
    change(s);
    EXPECT_THROW(play_game(p, p, s), std::invalid_argument);
  };
  refused([](PlaySettings& s) { s.size = 1; });
  refused([](PlaySettings& s) { s.size = 26; });
  refused([](PlaySettings& s) { s.rules.komi = 1e308; });
  refused([](PlaySettings& s) { s.max_moves = -1; });
  refused([](PlaySettings& s) { s.random_opening_moves = -1; });
  refused([](PlaySettings& s) { s.white.limits.max_seconds = -1; });
  refused([](PlaySettings& s) {
    s.black.limits = {};  // no limits and a should_stop: would search until stopped
    s.should_stop = [] { return false; };
  });
}

// --- scoring ---------------------------------------------------------------------------------

// Black walls off columns 0-2, White columns 3-4, and White drops a stone at (0, 0) in
// Black's area, where it cannot live:
//   O . X O .
//   . . X O .
//   . . X O .
//   . X X O .
//   . X X O .
std::vector<Move> dead_stone_script() {
  return {Move::at(2, 0), Move::at(3, 0), Move::at(2, 1), Move::at(3, 1), Move::at(2, 2),
          Move::at(3, 2), Move::at(2, 3), Move::at(3, 3), Move::at(2, 4), Move::at(3, 4),
          Move::at(1, 3), Move::at(0, 0), Move::at(1, 4)};
}

TEST(PlayGameLoop, TwoPassesAreScoredAfterTheEstimatedDeadStonesAreRemoved) {
  ScriptedPlayer black(dead_stone_script()), white(dead_stone_script());
  const PlayedGame g = play_game(black, white, small_board(5, 1));
  ASSERT_EQ(g.end, GameEnd::kTwoPasses);
  ASSERT_EQ(g.moves.size(), 15u);  // 13 moves, then White and Black pass
  EXPECT_EQ(g.dead, std::vector<Move>{Move::at(0, 0)});
  // Black 15 points, White 10, komi 0.5 (plain Tromp-Taylor would say W+3.5).
  ASSERT_TRUE(g.score.has_value());
  EXPECT_DOUBLE_EQ(*g.score, 4.5);
  EXPECT_EQ(g.record.result, "B+4.5");
  EXPECT_EQ(g.winner, Color::kBlack);
  EXPECT_EQ(g.final_ownership[0], Color::kBlack);
  EXPECT_EQ(g.final_ownership[4], Color::kWhite);
}

TEST(PlayGameLoop, ABotThatPassesBecausePassingWinsIsNotRobbed) {
  // The script up to White's pass; then Black's MCTS bot sees that passing wins (the
  // White stone is dead) and passes; the scoring agrees with its judgement.
  auto bot = mcts_player(1);
  ScriptedPlayer black(dead_stone_script(), bot.get());
  std::vector<Move> white_script = dead_stone_script();
  white_script.push_back(Move::pass());
  ScriptedPlayer white(white_script);
  const PlayedGame g = play_game(black, white, small_board(5, 200));
  ASSERT_EQ(g.end, GameEnd::kTwoPasses) << g.reason;
  ASSERT_EQ(g.moves.size(), 15u);
  EXPECT_TRUE(g.moves.back().move.is_pass());
  EXPECT_GT(g.moves.back().root_visits, 0);  // the bot's own decision
  EXPECT_EQ(g.winner, Color::kBlack);
}

TEST(PlayGameLoop, OnlyAFinishedGameIsScored) {
  go::Board board(5);
  EXPECT_THROW(score_finished_game(board), std::invalid_argument);
  board.play(Move::pass());
  EXPECT_THROW(score_finished_game(board), std::invalid_argument);
  board.play(Move::pass());
  const FinalScore s = score_finished_game(board);
  EXPECT_DOUBLE_EQ(s.score, -7.5);
  EXPECT_TRUE(s.dead.empty());
  EXPECT_EQ(s.ownership, std::vector<Color>(25, Color::kEmpty));
}

}  // namespace
}  // namespace traceplay::play
