// play_match_in_parallel (play/match.h): the same games as play_match (colours, paired
// openings, seeded players), whatever the threads; fresh players from each factory per
// game, from several threads at once; stop and errors end every game.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

#include "play/match.h"
#include "play/random_player.h"

namespace traceplay::play {
namespace {

MatchSettings random_match(int games) {
  MatchSettings m;
  m.games = games;
  m.game.size = 7;
  m.game.rules.komi = 0.5;
  m.game.random_opening_moves = 3;
  m.a.name = "A";
  m.b.name = "B";
  m.a.limits.max_visits = m.b.limits.max_visits = 1;
  m.seed = 17;
  return m;
}

std::string moves_of(const PlayedGame& g) {
  std::string out;
  for (const MoveInfo& m : g.moves) out += std::to_string(m.move.x) + "," + std::to_string(m.move.y) + " ";
  return out;
}

TEST(PlayMatchParallel, PlaysTheGamesPlayMatchPlays) {
  // RandomPlayer with one seed per side: every game of a side then starts from that seed
  // (fresh player per game), so game g depends on g only.
  const PlayerFactory a = [] { return std::make_unique<RandomPlayer>(5); };
  const PlayerFactory b = [] { return std::make_unique<RandomPlayer>(6); };
  const MatchSettings m = random_match(7);  // odd: the last pair has one game
  const MatchResult one = play_match(a, b, m);
  for (int threads : {1, 3, 8}) {
    int reported = 0;
    MatchSettings mt = m;
    mt.on_game = [&](const MatchGame&) { ++reported; };
    const MatchResult r = play_match_in_parallel(a, b, mt, threads);
    ASSERT_EQ(r.games.size(), 7u) << threads;
    EXPECT_EQ(reported, 7);
    EXPECT_FALSE(r.stopped);
    EXPECT_EQ(r.a_scores, one.a_scores);
    EXPECT_EQ(r.a_wins, one.a_wins);
    EXPECT_EQ(r.b_wins, one.b_wins);
    EXPECT_EQ(r.draws, one.draws);
    for (size_t g = 0; g < 7; ++g) {
      EXPECT_EQ(r.games[g].index, static_cast<int>(g));
      EXPECT_EQ(r.games[g].a_black, g % 2 == 0);
      EXPECT_EQ(moves_of(r.games[g].game), moves_of(one.games[g].game))
          << "game " << g << ", " << threads << " threads";
    }
    ASSERT_TRUE(r.elo.has_value());
    EXPECT_EQ(r.elo->score_fraction, one.elo->score_fraction);
  }
}

TEST(PlayMatchParallel, StopAndErrorsEndEveryGame) {
  const PlayerFactory a = [] { return std::make_unique<RandomPlayer>(5); };
  std::atomic<int> made{0};
  const PlayerFactory failing = [&]() -> std::unique_ptr<search::GoPlayer> {
    if (++made > 3) throw std::runtime_error("no more players");
    return std::make_unique<RandomPlayer>(6);
  };
  EXPECT_THROW(play_match_in_parallel(a, failing, random_match(12), 2), std::runtime_error);

  MatchSettings m = random_match(12);
  std::atomic<bool> stop{false};
  m.game.should_stop = [&] { return stop.load(); };
  m.on_game = [&](const MatchGame&) { stop = true; };
  const MatchResult r = play_match_in_parallel(a, a, m, 3);
  EXPECT_TRUE(r.stopped);
  EXPECT_GE(r.games.size(), 1u);
  EXPECT_LT(r.games.size(), 12u);
  EXPECT_EQ(r.a_scores.size(), r.games.size());

  EXPECT_THROW(play_match_in_parallel(a, a, random_match(2), 0), std::invalid_argument);
  EXPECT_THROW(play_match_in_parallel(a, a, random_match(0), 2), std::invalid_argument);
  const PlayerFactory none = [] { return std::unique_ptr<search::GoPlayer>(); };
  EXPECT_THROW(play_match_in_parallel(a, none, random_match(2), 2), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::play
