// The learner's inputs: training positions (targets from the mover's view, the 8
// symmetries mapping the policy target and ownership with the board) and the replay
// window (newest games kept, uniform sampling).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "games/go/symmetry.h"
#include "selfplay/replay_window.h"
#include "selfplay/training_position.h"

namespace traceplay::selfplay {
namespace {

constexpr int kN = 5;

// B (1,0), W (3,3), B (2,2), W (0,4), B pass, W pass; Black wins by 3.5.
SelfPlayGame scripted_game() {
  SelfPlayGame g;
  g.id = 9;
  g.size = kN;
  g.komi = 0.5;
  const int moves[] = {1 + kN * 0, 3 + kN * 3, 2 + kN * 2, 0 + kN * 4, kN * kN, kN * kN};
  for (int i = 0; i < 6; ++i) {
    SelfPlayMove m;
    m.move = moves[i];
    m.full_search = i != 1;  // move 1 was a fast search: no policy target
    m.root_visits = 10;
    // 6 visits on the move played, 3 on (4, 0), 1 on pass (sorted by index).
    m.policy = {{4, 3}, {moves[i], 6}};
    if (moves[i] != kN * kN) m.policy.push_back({kN * kN, 1});
    std::sort(m.policy.begin(), m.policy.end());
    g.moves.push_back(m);
  }
  g.end = GameEnd::kTwoPasses;
  g.winner = go::Color::kBlack;
  g.score = 3.5;
  g.ownership.assign(kN * kN, 0);
  for (int p = 0; p < kN * kN; ++p) g.ownership[static_cast<size_t>(p)] = p < 12 ? 1 : -1;
  return g;
}

int at(int x, int y) { return x + kN * y; }

TEST(TrainingPosition, TargetsAreTheMoversView) {
  const SelfPlayGame g = scripted_game();
  go::FeatureOptions options;
  options.history = 2;
  const TrainingPosition black = make_training_position(g, 2, 0, options, "test");
  const TrainingPosition white = make_training_position(g, 3, 0, options, "test");
  EXPECT_EQ(black.value[0], 1.0f);  // Black won
  EXPECT_EQ(white.value[2], 1.0f);
  EXPECT_TRUE(black.has_score);
  EXPECT_FLOAT_EQ(black.score, 3.5f);
  EXPECT_FLOAT_EQ(white.score, -3.5f);
  ASSERT_TRUE(black.has_ownership);
  EXPECT_EQ(black.ownership[0], 1.0f);
  EXPECT_EQ(white.ownership[0], -1.0f);
  EXPECT_EQ(white.ownership[24], 1.0f);
  ASSERT_TRUE(black.has_policy);
  EXPECT_FLOAT_EQ(black.policy[static_cast<size_t>(at(2, 2))], 0.6f);
  EXPECT_FLOAT_EQ(black.policy[static_cast<size_t>(at(4, 0))], 0.3f);
  EXPECT_FLOAT_EQ(black.policy[25], 0.1f);
  // A fast search is no policy target.
  const TrainingPosition fast = make_training_position(g, 1, 0, options, "test");
  EXPECT_FALSE(fast.has_policy);
  for (float p : fast.policy) EXPECT_EQ(p, 0.0f);
  // A draw.
  SelfPlayGame draw = g;
  draw.winner = go::Color::kEmpty;
  EXPECT_EQ(make_training_position(draw, 0, 0, options, "test").value[1], 1.0f);
  // A resigned game has no score and no ownership target.
  SelfPlayGame resigned = g;
  resigned.score.reset();
  resigned.ownership.clear();
  const TrainingPosition r = make_training_position(resigned, 0, 0, options, "test");
  EXPECT_FALSE(r.has_score);
  EXPECT_FALSE(r.has_ownership);
  EXPECT_THROW(make_training_position(g, 6, 0, options, "test"), std::out_of_range);
  EXPECT_THROW(make_training_position(g, 0, 8, options, "test"), std::invalid_argument);
}

TEST(TrainingPosition, EverySymmetryMapsThePolicyAndOwnershipWithTheStones) {
  const SelfPlayGame g = scripted_game();
  go::FeatureOptions options;
  options.history = 1;
  const TrainingPosition id = make_training_position(g, 2, 0, options, "test");
  const int area = kN * kN;
  for (int s = 0; s < go::kNumSymmetries; ++s) {
    const TrainingPosition t = make_training_position(g, 2, s, options, "test");
    for (int y = 0; y < kN; ++y)
      for (int x = 0; x < kN; ++x) {
        int tx = x, ty = y;
        go::apply_symmetry(s, kN, tx, ty);
        const size_t from = static_cast<size_t>(at(x, y)), to = static_cast<size_t>(at(tx, ty));
        EXPECT_EQ(t.policy[to], id.policy[from]) << s;
        EXPECT_EQ(t.ownership[to], id.ownership[from]) << s;
        for (int plane = 0; plane < static_cast<int>(id.planes.size()) / area; ++plane)
          EXPECT_EQ(t.planes[static_cast<size_t>(plane * area) + to],
                    id.planes[static_cast<size_t>(plane * area) + from]);
      }
    EXPECT_EQ(t.policy[25], id.policy[25]);  // pass stays pass
    // The policy's favourite (the move Black played) lands on a point of the mover's
    // own-stone plane of the next position under the same symmetry: board and target agree.
    const TrainingPosition next = make_training_position(g, 3, s, options, "test");
    size_t best = 0;
    for (size_t p = 1; p < static_cast<size_t>(area); ++p)
      if (t.policy[p] > t.policy[best]) best = p;
    // Plane 1 of the next position (White to move) holds the opponent's (Black's) stones.
    EXPECT_EQ(next.planes[static_cast<size_t>(area) + best], 1.0f) << "symmetry " << s;
  }
}

TEST(TrainingPosition, TheWholeGameEqualsOnePositionAtATime) {
  const SelfPlayGame g = scripted_game();
  go::FeatureOptions options;
  options.history = 3;
  const std::vector<int> syms{0, 5, 3, 7, 1, 2};
  const auto all = make_training_positions(g, syms, options, "test");
  ASSERT_EQ(all.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    const TrainingPosition one = make_training_position(g, i, syms[i], options, "test");
    EXPECT_EQ(all[i].planes, one.planes) << i;
    EXPECT_EQ(all[i].policy, one.policy) << i;
  }
  SelfPlayGame bad = g;
  bad.moves[2].move = bad.moves[0].move;  // occupied
  EXPECT_THROW(make_training_positions(bad, syms, options, "games-00001"), UserError);
}

std::shared_ptr<const SelfPlayGame> game_of(uint64_t id, int moves) {
  auto g = std::make_shared<SelfPlayGame>();
  g->id = id;
  g->moves.resize(static_cast<size_t>(moves));
  return g;
}

TEST(ReplayWindow, KeepsTheNewestGamesWithinItsPositions) {
  ReplayWindow w(100);
  EXPECT_THROW(ReplayWindow(0), std::invalid_argument);
  Rng rng(1);
  EXPECT_TRUE(w.sample(5, rng).empty());
  for (uint64_t id = 0; id < 10; ++id) w.add(game_of(id, 30));
  EXPECT_EQ(w.games(), 3u);  // 3 x 30 <= 100 < 4 x 30
  EXPECT_EQ(w.positions(), 90u);
  EXPECT_EQ(w.games_added(), 10u);
  for (const PositionRef& r : w.sample(200, rng)) {
    EXPECT_GE(r.game->id, 7u);
    EXPECT_LT(r.move_index, 30u);
  }
  w.add(game_of(99, 500));  // longer than the window: kept alone
  EXPECT_EQ(w.games(), 1u);
  EXPECT_EQ(w.positions(), 500u);
  w.add(game_of(100, 0));  // no moves: ignored
  EXPECT_EQ(w.games_added(), 11u);
}

TEST(ReplayWindow, SamplesEveryPositionUniformly) {
  ReplayWindow w(300);
  for (uint64_t id = 0; id < 40; ++id)
    w.add(game_of(id, 10 + static_cast<int>(id % 7)));  // drops some, rebases
  std::map<std::pair<uint64_t, size_t>, int> counts;
  Rng rng(3);
  const size_t draws = 200 * w.positions();
  for (const PositionRef& r : w.sample(draws, rng)) {
    ASSERT_LT(r.move_index, r.game->moves.size());
    ++counts[{r.game->id, r.move_index}];
  }
  EXPECT_EQ(counts.size(), w.positions());  // every position drawn
  for (const auto& [key, c] : counts) {
    EXPECT_GT(c, 120) << key.first << " " << key.second;  // mean 200, sd ~14
    EXPECT_LT(c, 280) << key.first << " " << key.second;
  }
  Rng a(5), b(5);
  const auto sa = w.sample(50, a), sb = w.sample(50, b);
  for (size_t k = 0; k < 50; ++k) {
    EXPECT_EQ(sa[k].game, sb[k].game);
    EXPECT_EQ(sa[k].move_index, sb[k].move_index);
  }
}

}  // namespace
}  // namespace traceplay::selfplay
