// The light playout: never fills its own true eyes, legal moves only, ends with only
// eyes and unplayable points left, area score by Tromp-Taylor, deterministic per seed.
#include <gtest/gtest.h>

#include "core/rng.h"
#include "games/go/playout.h"
#include "games/go/scoring.h"
#include "tests/unit/go_test_util.h"

namespace traceplay::go {
namespace {

constexpr Color B = Color::kBlack, W = Color::kWhite;

// The eye rule written out on coordinates, independently of Position's packed counts.
bool eye_by_coordinates(const Position& pos, Color c, int x, int y) {
  const int n = pos.size();
  if (pos.at(x, y) != Color::kEmpty) return false;
  for (auto [dx, dy] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
    const int qx = x + dx, qy = y + dy;
    if (qx >= 0 && qy >= 0 && qx < n && qy < n && pos.at(qx, qy) != c) return false;
  }
  int enemy = 0;
  bool edge = false;
  for (auto [dx, dy] : {std::pair{1, 1}, {-1, 1}, {1, -1}, {-1, -1}}) {
    const int qx = x + dx, qy = y + dy;
    if (qx < 0 || qy < 0 || qx >= n || qy >= n) edge = true;
    else if (pos.at(qx, qy) == opponent(c)) ++enemy;
  }
  return edge ? enemy == 0 : enemy <= 1;
}

TEST(GoPlayout, EyeRuleCases) {
  // Centre eye with one enemy diagonal: an eye; with two: false. Edge: no enemy diagonal allowed.
  Board centre = testing::board_from({".....", "..XO.", ".X.X.", "..X..", "....."});
  const Position& p = centre.position();
  EXPECT_TRUE(p.is_eye(B, p.point(2, 2)));
  EXPECT_FALSE(p.is_eye(W, p.point(2, 2)));
  Board false_eye = testing::board_from({".....", ".OXO.", ".X.X.", "..X..", "....."});
  EXPECT_FALSE(false_eye.position().is_eye(B, false_eye.position().point(2, 2)));
  Board edge_eye = testing::board_from({"X.X..", "XXX..", ".....", ".....", "....."});
  EXPECT_TRUE(edge_eye.position().is_eye(B, edge_eye.position().point(1, 0)));
  Board edge_false = testing::board_from({"X.X..", "XXO..", ".....", ".....", "....."});
  EXPECT_FALSE(edge_false.position().is_eye(B, edge_false.position().point(1, 0)));
  Board corner = testing::board_from({".X...", "XO...", ".....", ".....", "....."});
  EXPECT_FALSE(corner.position().is_eye(B, corner.position().point(0, 0)));
  Board corner_eye = testing::board_from({".X...", "XX...", ".....", ".....", "....."});
  EXPECT_TRUE(corner_eye.position().is_eye(B, corner_eye.position().point(0, 0)));
}

TEST(GoPlayout, EveryPlayoutMoveIsLegalAndNeverFillsAnOwnEye) {
  Rng rng(11);
  int eyes_skipped = 0;
  for (int n : {5, 9, 13}) {
    for (int game = 0; game < 30; ++game) {
      Position pos(n);
      Color c = B;
      for (int ply = 0, passes = 0; passes < 2 && ply < 3 * n * n; ++ply, c = opponent(c)) {
        // Independent checks of every point against the eye rule and legality.
        bool any_playable = false;
        for (int y = 0; y < n; ++y)
          for (int x = 0; x < n; ++x) {
            const int p = pos.point(x, y);
            if (pos.is_empty(p)) {
              ASSERT_EQ(pos.is_eye(c, p), eye_by_coordinates(pos, c, x, y)) << x << "," << y;
            }
            eyes_skipped += eye_by_coordinates(pos, c, x, y);
            any_playable |= pos.is_legal(c, p) && !pos.is_eye(c, p);
          }
        const int p = random_playout_move(pos, c, rng);
        if (p == Position::kNoPoint) {
          ASSERT_FALSE(any_playable);
          pos.pass();
          ++passes;
          continue;
        }
        passes = 0;
        ASSERT_TRUE(pos.is_legal(c, p));
        ASSERT_FALSE(eye_by_coordinates(pos, c, pos.x_of(p), pos.y_of(p)));
        pos.play(c, p);
      }
    }
  }
  EXPECT_GT(eyes_skipped, 1000);  // the rule was exercised
}

TEST(GoPlayout, EndsWithOnlyEyesAndScoresByArea) {
  Rng rng(5);
  for (int n : {2, 3, 9, 19}) {
    for (int k = 0; k < 50; ++k) {
      Position pos(n);
      const PlayoutResult r = run_playout(pos, B, rng);
      ASSERT_GT(r.moves, 0);
      EXPECT_EQ(r.area_difference, area_score(pos, 0).black - area_score(pos, 0).white);
      if (!r.ended_by_passes) continue;
      // No playable point is left for either side.
      for (int i = 0; i < pos.num_empty(); ++i)
        for (Color c : {B, W}) {
          const int p = pos.empty_point(i);
          EXPECT_TRUE(pos.is_eye(c, p) || !pos.is_legal(c, p));
        }
    }
  }
}

TEST(GoPlayout, DeterministicPerSeedAndTwoTrueEyesSurvive) {
  Position a(9), b(9);
  Rng ra(42), rb(42);
  const PlayoutResult x = run_playout(a, B, ra), y = run_playout(b, B, rb);
  EXPECT_EQ(x.moves, y.moves);
  EXPECT_EQ(x.area_difference, y.area_difference);
  EXPECT_EQ(a.hash(), b.hash());
  Rng other(43);
  Position c(9);
  int differ = 0;
  for (int i = 0; i < 5; ++i) {
    Position d(9);
    differ += run_playout(d, B, other).area_difference != x.area_difference || d.hash() != a.hash();
  }
  EXPECT_GT(differ, 0);

  // Black's corner group with two true eyes survives every playout (the opponent cannot
  // fill both and Black never fills its own).
  Board board = testing::board_from({".X.X.....", "XXXX.....", ".........", ".........", ".........",
                                     ".........", ".........", ".........", "........."});
  Rng rng(9);
  for (int k = 0; k < 200; ++k) {
    Position pos = board.position();
    run_playout(pos, W, rng);
    EXPECT_EQ(pos.at(1, 0), B);
    EXPECT_EQ(pos.at(0, 0), Color::kEmpty);
    EXPECT_EQ(pos.at(2, 0), Color::kEmpty);
  }
}

}  // namespace
}  // namespace traceplay::go
