// Benson's pass-alive chains and the dead-stone estimator on settled positions, dead
// invaders, seki and two-eyed groups. (tests/integration/test_go_gnugo.py compares the
// estimator with GNU Go on whole games.)
#include <gtest/gtest.h>

#include "games/go/dead_stones.h"
#include "games/go/pass_alive.h"
#include "games/go/scoring.h"
#include "tests/unit/go_test_util.h"

namespace traceplay::go {
namespace {

using testing::board_from;
constexpr Color B = Color::kBlack, W = Color::kWhite;

TEST(GoPassAlive, TwoEyesAliveOneEyeNot) {
  Board two = board_from({".X.X.", "XXXX.", ".....", ".....", "....."});
  const auto alive = pass_alive_stones(two.position(), B);
  EXPECT_TRUE(alive[1]);
  EXPECT_TRUE(alive[5]);
  EXPECT_FALSE(alive[0]);  // an eye is not a stone
  Board one = board_from({"..X..", "XXX..", ".....", ".....", "....."});
  for (bool a : pass_alive_stones(one.position(), B)) EXPECT_FALSE(a);
  // A region with an empty point not adjacent to the chain is not vital (a big eye).
  Board big = board_from({"...X.", "XXXX.", ".....", ".....", "....."});
  const auto big_alive = pass_alive_stones(big.position(), B);
  EXPECT_FALSE(big_alive[3]);
  // An enemy stone in an eye does not make it non-vital.
  Board filled = board_from({"O..X.", "XXXXX", ".....", ".....", "....."});
  EXPECT_TRUE(pass_alive_stones(filled.position(), B)[3]);
  EXPECT_TRUE(pass_alive_stones(filled.position(), B)[5]);
  Board empty(5);
  for (bool a : pass_alive_stones(empty.position(), W)) EXPECT_FALSE(a);
}

TEST(GoDeadStones, SettledPositionHasNone) {
  Board board = board_from({"....XO...", "....XO...", "....XO...", "....XO...", "....XO...", "....XO...",
                            "....XO...", "....XO...", "....XO..."});
  EXPECT_TRUE(estimate_dead_stones(board).dead.empty());
}

TEST(GoDeadStones, InvadersInsideTheOpponentsAreaAreDead) {
  Board board = board_from({"....XO...", ".O..XO...", "....XO...", "....XO...", "....XO.X.", "....XO...",
                            "....XO...", "....XO...", "....XO..."});
  const DeadStoneEstimate e = estimate_dead_stones(board);
  EXPECT_EQ(e.dead, (std::vector<Move>{Move::at(1, 1), Move::at(7, 4)}));
  EXPECT_GT(e.ownership[1 + 9 * 1], 0.0f);  // Black's area more often than not
  // GNU Go's count of this position (komi 0): B+9.
  Board zero = board;
  zero.set_komi(0);
  EXPECT_EQ(format_result(area_score(zero, e.dead).score()), "B+9");
  // Deterministic for a seed.
  EXPECT_EQ(estimate_dead_stones(board).ownership, e.ownership);
}

TEST(GoDeadStones, SekiIsNotDead) {
  // Black's four stones (top left) and White's five share the liberty (2,0); each has
  // one eye. Whoever fills (2,0) is captured, so neither does: seki.
  Board board = board_from({".X.O.OX..", "XXXOOOX..", "OOOXXXX..", "O.OX.....", "OOOX.....", "O.OX.....",
                            "OOOX.....", "OOOX.....", "OOOX....."});
  const DeadStoneEstimate e = estimate_dead_stones(board);
  EXPECT_TRUE(e.dead.empty());
  // Both chains of the seki, and nothing else, are reported as seki.
  EXPECT_EQ(e.seki,
            (std::vector<Move>{Move::at(1, 0), Move::at(3, 0), Move::at(5, 0), Move::at(0, 1), Move::at(1, 1),
                               Move::at(2, 1), Move::at(3, 1), Move::at(4, 1), Move::at(5, 1)}));
  Board zero = board;
  zero.set_komi(0);
  EXPECT_EQ(format_result(area_score(zero).score()), "B+26");  // (2,0) is dame
}

TEST(GoDeadStones, TwoEyedGroupInsideTheOpponentsAreaLives) {
  Board board = board_from({"..XO.....", "..XO.....", "..XO.....", "..XO.....", "..XO.....", "..XO.....",
                            "..XO..XXX", "..XO..X.X", "..XO..XX."});
  EXPECT_TRUE(pass_alive_stones(board.position(), B)[6 + 9 * 6]);
  const DeadStoneEstimate e = estimate_dead_stones(board);
  EXPECT_TRUE(e.dead.empty());
  EXPECT_GT(e.survival[6 + 9 * 6], 0.99f);
}

}  // namespace
}  // namespace traceplay::go
