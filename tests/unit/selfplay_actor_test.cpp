// The self-play actor: games through the in-process loop with playout-cap randomisation,
// recorded as SelfPlayGame (replayable, round-tripping), handed to the sink; versions,
// stopping, a closed sink, a failing evaluator; and the false-resignation statistics.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "search/evaluator.h"
#include "selfplay/model_source.h"
#include "selfplay/playout_cap_player.h"
#include "selfplay/record_sink.h"
#include "selfplay/resign_stats.h"
#include "selfplay/selfplay_actor.h"
#include "selfplay/selfplay_game.h"

namespace traceplay::selfplay {
namespace {

// Small, fast games: 5x5, 24 / 6 visits, one search thread.
ActorSettings small_settings() {
  ActorSettings s;
  s.size = 5;
  s.komi = 0.5;
  s.cap.full_visits = 24;
  s.cap.fast_visits = 6;
  s.cap.full_fraction = 0.25;
  s.mcts.threads = 1;
  s.games_in_flight = 2;
  s.seed = 11;
  return s;
}

std::shared_ptr<const search::Evaluator> rollouts() { return std::make_shared<search::RolloutEvaluator>(); }

TEST(SelfPlayActor, AGameIsARecordThatReplaysAndRoundTrips) {
  const ActorSettings s = small_settings();
  const auto game = play_selfplay_game(rollouts(), s, 42, 3, {});
  ASSERT_TRUE(game.has_value());
  EXPECT_EQ(game->id, 42u);
  EXPECT_EQ(game->model_version, 3);
  EXPECT_EQ(game->size, 5);
  ASSERT_FALSE(game->moves.empty());
  const std::vector<int8_t> final_stones = replay_selfplay_game(*game, "game 42");
  EXPECT_EQ(final_stones.size(), 25u);
  const SelfPlayGame back = parse_selfplay_game(to_json_line(*game), "line 1");
  EXPECT_EQ(to_json_line(back), to_json_line(*game));
  for (const SelfPlayMove& m : game->moves) {
    ASSERT_TRUE(m.searched);
    int64_t sum = 0;
    for (const auto& [move, visits] : m.policy) sum += visits;
    EXPECT_LT(sum, m.root_visits + 1);
    EXPECT_GE(m.root_value, -1.0f);
    EXPECT_LE(m.root_value, 1.0f);
  }
  if (game->end == GameEnd::kTwoPasses) {
    EXPECT_EQ(game->ownership.size(), 25u);
    ASSERT_TRUE(game->score.has_value());
    EXPECT_EQ(game->winner, *game->score > 0 ? go::Color::kBlack : go::Color::kWhite);
  }
}

TEST(SelfPlayActor, AGameIsAFunctionOfItsId) {
  const ActorSettings s = small_settings();
  const auto a = play_selfplay_game(rollouts(), s, 7, 0, {});
  const auto b = play_selfplay_game(rollouts(), s, 7, 0, {});
  const auto c = play_selfplay_game(rollouts(), s, 8, 0, {});
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(to_json_line(*a), to_json_line(*b));
  EXPECT_NE(to_json_line(*a), to_json_line(*c));
}

TEST(SelfPlayActor, ThePlayoutCapDecidesTheVisitsAndTheFullSearchFlags) {
  ActorSettings s = small_settings();
  s.mcts.reuse_tree = false;  // every root fresh: its visits are exactly this move's
  s.cap.full_fraction = 0;
  auto fast = play_selfplay_game(rollouts(), s, 5, 0, {});
  ASSERT_TRUE(fast);
  for (const SelfPlayMove& m : fast->moves) {
    EXPECT_FALSE(m.full_search);
    EXPECT_EQ(m.root_visits, 6);
  }
  s.cap.full_fraction = 1;
  auto full = play_selfplay_game(rollouts(), s, 5, 0, {});
  ASSERT_TRUE(full);
  for (const SelfPlayMove& m : full->moves) {
    EXPECT_TRUE(m.full_search);
    EXPECT_EQ(m.root_visits, 24);
  }
  // A quarter on average: over 12 games of 5x5 (hundreds of moves) the share is near 0.25.
  s.cap.full_fraction = 0.25;
  int64_t moves = 0, fulls = 0;
  for (uint64_t id = 100; id < 112; ++id) {
    auto g = play_selfplay_game(rollouts(), s, id, 0, {});
    ASSERT_TRUE(g);
    for (const SelfPlayMove& m : g->moves) {
      ++moves;
      fulls += m.full_search ? 1 : 0;
      EXPECT_EQ(m.root_visits, m.full_search ? 24 : 6);
    }
  }
  ASSERT_GT(moves, 150);
  const double share = static_cast<double>(fulls) / static_cast<double>(moves);
  EXPECT_GT(share, 0.15);
  EXPECT_LT(share, 0.35);
}

TEST(SelfPlayActor, NoResignFractionDrawsPerGame) {
  ActorSettings s = small_settings();
  s.no_resign_fraction = 1;
  for (uint64_t id = 1; id <= 3; ++id) {
    auto g = play_selfplay_game(rollouts(), s, id, 0, {});
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->resign_allowed);
    EXPECT_NE(g->end, GameEnd::kResignation);
  }
  s.no_resign_fraction = 0;
  auto g = play_selfplay_game(rollouts(), s, 1, 0, {});
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->resign_allowed);
}

// The resigning think draws full or fast like any other but plays no move: such a game is
// a record all the same (it once failed with "more full/fast draws than searched moves").
TEST(SelfPlayActor, AGameEndedByResignationIsARecord) {
  ActorSettings s = small_settings();
  s.mcts.resign_threshold = 0.45;  // resign as soon as a side is behind
  s.mcts.resign_min_visits = 1;
  int resigned = 0;
  for (uint64_t id = 1; id <= 6; ++id) {
    auto g = play_selfplay_game(rollouts(), s, id, 0, {});
    ASSERT_TRUE(g);
    if (g->end != GameEnd::kResignation) continue;
    ++resigned;
    const SelfPlayGame back = parse_selfplay_game(to_json_line(*g), "line 1");
    EXPECT_EQ(to_json_line(back), to_json_line(*g));
    replay_selfplay_game(*g, "resigned game");
  }
  EXPECT_GT(resigned, 0);
}

TEST(SelfPlayActor, BadSettingsAreRefused) {
  auto factory = [](const ModelVersion&) { return rollouts(); };
  ActorSettings s = small_settings();
  s.cap.fast_visits = 100;  // more than full
  EXPECT_THROW(SelfPlayActor(s, factory), std::invalid_argument);
  s = small_settings();
  s.no_resign_fraction = 1.5;
  EXPECT_THROW(SelfPlayActor(s, factory), std::invalid_argument);
  s = small_settings();
  s.games_in_flight = 0;
  EXPECT_THROW(SelfPlayActor(s, factory), std::invalid_argument);
  EXPECT_THROW(SelfPlayActor(small_settings(), EvaluatorFactory{}), std::invalid_argument);
}

TEST(SelfPlayActor, RunsGamesInFlightIntoTheSinkWithTheNewestVersion) {
  std::atomic<int> built{0};
  auto factory = [&](const ModelVersion&) {
    ++built;
    return rollouts();
  };
  SelfPlayActor actor(small_settings(), factory);
  ModelBoard board;
  GameQueue queue(100);
  // No version yet: the actor waits; publishing v0 starts it.
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    board.publish({0, "models/v0000", 1});
  });
  actor.run(board, queue, {}, 4);
  publisher.join();
  EXPECT_EQ(queue.size(), 4u);
  EXPECT_EQ(built.load(), 1);
  board.publish({1, "models/v0001", 2});
  actor.run(board, queue, {}, 2);  // the game numbers go on: games 4 and 5
  EXPECT_EQ(queue.size(), 6u);
  EXPECT_EQ(built.load(), 2);
  std::set<uint64_t> ids;
  int v1 = 0;
  uint64_t moves = 0;
  while (auto g = queue.take(std::chrono::milliseconds(0))) {
    ids.insert(g->id);
    v1 += g->model_version == 1 ? 1 : 0;
    replay_selfplay_game(*g, "queued game");
    for (const SelfPlayMove& m : g->moves) moves += m.searched ? 1 : 0;
  }
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(v1, 2);
  const ActorStats st = actor.stats();
  EXPECT_EQ(st.games, 6u);
  EXPECT_EQ(st.moves, moves);
  EXPECT_EQ(st.version, 1);
  EXPECT_LE(st.full_searches, st.moves);
  for (uint64_t n = 0; n < 6; ++n) EXPECT_EQ(ids.count(selfplay_game_id(11, 0, n)), 1u) << n;
}

TEST(SelfPlayActor, StopsOnRequestAndWhenTheSinkCloses) {
  auto factory = [](const ModelVersion&) { return rollouts(); };
  ActorSettings s = small_settings();
  s.cap.full_visits = s.cap.fast_visits = 2000;  // long games: the stop lands midway
  s.size = 9;
  SelfPlayActor actor(s, factory);
  ModelBoard board;
  board.publish({0, "v0", 0});
  GameQueue queue(10);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  actor.run(board, queue, [&] { return stop.load(); });
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  EXPECT_EQ(queue.size(), 0u);  // the stopped games were dropped, not recorded half

  // A closed sink ends the run after the game in hand.
  SelfPlayActor quick(small_settings(), factory);
  GameQueue closed(10);
  closed.close();
  quick.run(board, closed, {});
  EXPECT_EQ(quick.stats().games, 0u);
}

TEST(SelfPlayActor, AFailingEvaluatorStopsTheRunAndIsRethrown) {
  struct Failing final : search::Evaluator {
    void evaluate(const std::vector<search::EvalQuery>&, std::vector<search::EvalResult>&) const override {
      throw std::runtime_error("the network is gone");
    }
    std::string name() const override { return "failing"; }
  };
  SelfPlayActor actor(small_settings(), [](const ModelVersion&) { return std::make_shared<Failing>(); });
  ModelBoard board;
  board.publish({0, "v0", 0});
  GameQueue queue(10);
  EXPECT_THROW(actor.run(board, queue, {}), std::runtime_error);
  EXPECT_EQ(queue.size(), 0u);
}

SelfPlayGame scripted(std::vector<float> values, go::Color winner, bool resign_allowed) {
  SelfPlayGame g;
  g.size = 5;
  g.resign_allowed = resign_allowed;
  g.winner = winner;
  for (float v : values) {
    SelfPlayMove m;
    m.root_visits = 100;
    m.root_value = v;
    g.moves.push_back(m);
  }
  return g;
}

TEST(ResignStats, CountsWouldBeResignationsAndTheFalseOnes) {
  // Threshold 0.1 winrate = value -0.8. Game 1: White (move 1) would resign and loses:
  // a right resignation. Game 2: Black (move 2) would resign but wins: a false one.
  // Game 3: nobody drops that low. Game 4: resignation allowed: not counted.
  std::vector<SelfPlayGame> games{
      scripted({0.0f, -0.9f, 0.8f}, go::Color::kBlack, false),
      scripted({0.0f, 0.5f, -0.95f}, go::Color::kBlack, false),
      scripted({0.0f, -0.5f}, go::Color::kWhite, false),
      scripted({-0.99f}, go::Color::kWhite, true),
  };
  EXPECT_EQ(would_have_resigned(games[0], 0.1, 50), go::Color::kWhite);
  EXPECT_EQ(would_have_resigned(games[1], 0.1, 50), go::Color::kBlack);
  EXPECT_FALSE(would_have_resigned(games[2], 0.1, 50).has_value());
  EXPECT_FALSE(would_have_resigned(games[0], 0.1, 101).has_value());  // too few visits
  const ResignStats s = resign_stats(games, 0.1, 50);
  EXPECT_EQ(s.no_resign_games, 3);
  EXPECT_EQ(s.would_resign, 2);
  EXPECT_EQ(s.false_resigns, 1);
  EXPECT_DOUBLE_EQ(s.rate(), 0.5);
  EXPECT_LT(s.low(), 0.5);
  EXPECT_GT(s.high(), 0.5);
}

}  // namespace
}  // namespace traceplay::selfplay
