// In-process matches (play/match.h): colours alternate, openings come in pairs, scores,
// forfeits and stops are counted, and a strong player's Elo over a weak one is positive
// with its whole interval above 0.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "play/match.h"
#include "play/random_player.h"
#include "play_test_util.h"

namespace traceplay::play {
namespace {

using go::Color;
using go::Move;
using testing::FixedMovePlayer;
using testing::mcts_player;

MatchSettings quick_match(int games, int size) {
  MatchSettings m;
  m.games = games;
  m.game.size = size;
  m.game.rules.komi = 0.5;
  m.a.name = "A";
  m.b.name = "B";
  m.a.limits.max_visits = 1;
  m.b.limits.max_visits = 1;
  return m;
}

std::vector<Move> opening_of(const PlayedGame& g) {
  std::vector<Move> out;
  for (const MoveInfo& m : g.moves)
    if (m.random_opening) out.push_back(m.move);
  return out;
}

TEST(PlayMatch, ColoursAlternateAndOpeningsComeInPairs) {
  RandomPlayer a(1), b(2);
  MatchSettings m = quick_match(4, 7);
  m.game.random_opening_moves = 4;
  m.game.max_moves = 12;
  m.seed = 99;
  int reported = 0;
  m.on_game = [&](const MatchGame& g) { EXPECT_EQ(g.index, reported++); };
  const MatchResult r = play_match(a, b, m);
  ASSERT_EQ(r.games.size(), 4u);
  EXPECT_EQ(reported, 4);
  for (int g = 0; g < 4; ++g) {
    const MatchGame& mg = r.games[g];
    EXPECT_EQ(mg.a_black, g % 2 == 0);
    EXPECT_EQ(mg.game.record.black_player, mg.a_black ? "A" : "B");
    EXPECT_EQ(mg.game.record.white_player, mg.a_black ? "B" : "A");
    EXPECT_EQ(mg.game.end, GameEnd::kMoveCap);  // 12 moves of random play do not end a 7x7 game
    EXPECT_EQ(mg.a_score, 0.5);
  }
  EXPECT_EQ(opening_of(r.games[0].game).size(), 4u);
  EXPECT_EQ(opening_of(r.games[0].game), opening_of(r.games[1].game));
  EXPECT_EQ(opening_of(r.games[2].game), opening_of(r.games[3].game));
  EXPECT_NE(opening_of(r.games[0].game), opening_of(r.games[2].game));
  EXPECT_EQ(r.draws, 4);
  EXPECT_EQ(r.a_scores, std::vector<double>(4, 0.5));
  ASSERT_TRUE(r.elo.has_value());
  EXPECT_DOUBLE_EQ(*r.elo->elo, 0);
}

TEST(PlayMatch, TheStrongerPlayerHasAPositiveEloWithTheIntervalAboveZero) {
  // Rollout MCTS at 150 visits against random moves on 7x7, each side Black in half the games.
  MatchSettings m = quick_match(8, 7);
  m.game.rules.komi = 7.5;
  m.a.limits.max_visits = 150;
  int made_a = 0, made_b = 0;
  const PlayerFactory strong = [&] { return mcts_player(static_cast<uint64_t>(++made_a)); };
  const PlayerFactory weak = [&] {
    return std::make_unique<RandomPlayer>(static_cast<uint64_t>(100 + ++made_b));
  };
  const MatchResult r = play_match(strong, weak, m);
  EXPECT_EQ(made_a, 8);  // a fresh player per game
  EXPECT_EQ(made_b, 8);
  ASSERT_EQ(r.games.size(), 8u);
  EXPECT_EQ(r.a_wins + r.b_wins + r.draws, 8);
  EXPECT_GE(r.a_wins, 7);
  ASSERT_TRUE(r.elo.has_value());
  EXPECT_GT(r.elo->score_fraction, 0.5);
  ASSERT_TRUE(r.elo->lo.has_value());
  EXPECT_GT(*r.elo->lo, 0);
  if (r.elo->elo) {
    EXPECT_GT(*r.elo->elo, 0);  // absent (infinite) when A won every game
  }
}

TEST(PlayMatch, ForfeitsCountAsLossesOfTheForfeitingSide) {
  FixedMovePlayer a(Move::at(0, 0));  // its second move is illegal
  RandomPlayer b(5);
  const MatchResult r = play_match(a, b, quick_match(2, 5));
  EXPECT_EQ(r.a_forfeits, 2);
  EXPECT_EQ(r.b_forfeits, 0);
  EXPECT_EQ(r.b_wins, 2);
  EXPECT_EQ(r.a_scores, (std::vector<double>{0, 0}));
  ASSERT_TRUE(r.elo.has_value());
  EXPECT_FALSE(r.elo->elo.has_value());
  EXPECT_FALSE(r.elo->lo.has_value());
  EXPECT_TRUE(r.elo->hi.has_value());
}

TEST(PlayMatch, ShouldStopEndsTheMatchAndLeavesTheStoppedGameOut) {
  RandomPlayer a(1), b(2);
  MatchSettings m = quick_match(5, 5);
  m.game.max_moves = 6;
  bool stop = false;
  m.game.should_stop = [&] { return stop; };
  m.on_game = [&](const MatchGame&) { stop = true; };
  const MatchResult r = play_match(a, b, m);
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.games.size(), 1u);
  EXPECT_EQ(r.a_scores.size(), 1u);

  stop = true;  // before the first game: no game, no Elo
  const MatchResult none = play_match(a, b, m);
  EXPECT_TRUE(none.stopped);
  EXPECT_TRUE(none.games.empty());
  EXPECT_FALSE(none.elo.has_value());
}

TEST(PlayMatch, BadSettingsAreRefused) {
  RandomPlayer a(1), b(2);
  EXPECT_THROW(play_match(a, b, quick_match(0, 5)), std::invalid_argument);
  const PlayerFactory nothing = [] { return std::unique_ptr<search::GoPlayer>(); };
  const PlayerFactory random = [] { return std::make_unique<RandomPlayer>(1); };
  EXPECT_THROW(play_match(nothing, random, quick_match(1, 5)), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::play
