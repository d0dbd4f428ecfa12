// The Sokoban simulator, plan replay and LURD notation.
#include <gtest/gtest.h>

#include "games/sokoban/simulator.h"

namespace traceplay::sokoban {
namespace {

const Level& corridor() {
  static const Level level = Level::from_rows({"#######", "#@ $ .#", "#######"});
  return level;
}

TEST(SokobanSimulator, MovesAndPushes) {
  Board board(corridor());
  EXPECT_EQ(board.move(Dir::kUp), MoveResult::kIllegal);    // wall
  EXPECT_EQ(board.move(Dir::kLeft), MoveResult::kIllegal);  // wall
  EXPECT_EQ(board.move(Dir::kRight), MoveResult::kMoved);
  EXPECT_FALSE(board.solved());
  EXPECT_EQ(board.move(Dir::kRight), MoveResult::kPushed);
  EXPECT_EQ(board.move(Dir::kRight), MoveResult::kPushed);
  EXPECT_TRUE(board.solved());
  EXPECT_EQ(board.move(Dir::kRight), MoveResult::kIllegal);  // box into the wall
  EXPECT_EQ(board.worker(), corridor().index({4, 1}));
}

TEST(SokobanSimulator, NeverPushesTwoBoxes) {
  const Level level = Level::from_rows({"########", "#@$$ ..#", "########"});
  Board board(level);
  EXPECT_EQ(board.move(Dir::kRight), MoveResult::kIllegal);
  EXPECT_EQ(board.boxes(), (std::vector<int>{level.index({2, 1}), level.index({3, 1})}));
}

TEST(SokobanSimulator, ChecksPlans) {
  const Level& level = corridor();
  EXPECT_TRUE(check_plan(level, {{1, 1}, {2, 1}, {3, 1}, {4, 1}}).valid);
  EXPECT_EQ(check_plan(level, {{1, 1}, {2, 1}, {3, 1}, {4, 1}}).moves, 3);
  EXPECT_FALSE(check_plan(level, {}).valid);
  EXPECT_NE(check_plan(level, {{2, 1}, {3, 1}}).reason.find("begin"), std::string::npos);
  EXPECT_NE(check_plan(level, {{1, 1}, {3, 1}}).reason.find("adjacent"), std::string::npos);
  EXPECT_NE(check_plan(level, {{1, 1}, {1, 0}}).reason.find("illegal"), std::string::npos);
  EXPECT_NE(check_plan(level, {{1, 1}, {2, 1}, {3, 1}}).reason.find("dock"), std::string::npos);
  EXPECT_NE(check_plan(level, {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}}).reason.find("illegal"),
            std::string::npos);
  EXPECT_FALSE(check_plan(level, {{1, 1}, {2, 1}, {2, 2}, {3, 2}}).valid);
}

TEST(SokobanSimulator, LurdRoundTrip) {
  // Push the box left, walk over it, push it down onto the dock.
  const Level level = Level::from_rows({"######", "#    #", "# $@ #", "#.   #", "######"});
  const std::vector<Pos> plan = lurd_to_plan(level, "LulD");
  EXPECT_EQ(plan, (std::vector<Pos>{{3, 2}, {2, 2}, {2, 1}, {1, 1}, {1, 2}}));
  const PlanCheck check = check_plan(level, plan);
  EXPECT_TRUE(check.valid) << check.reason;
  EXPECT_EQ(check.moves, 4);
  EXPECT_EQ(plan_to_lurd(level, plan), "LulD");
  // The simulator, not the letter case, decides what is a push.
  EXPECT_EQ(plan_to_lurd(level, lurd_to_plan(level, "luld")), "LulD");
  EXPECT_THROW(lurd_to_plan(level, "x"), std::invalid_argument);
  EXPECT_THROW(lurd_to_plan(level, "rr"), std::invalid_argument);  // into the wall
  EXPECT_THROW(plan_to_lurd(level, {{3, 2}, {3, 4}}), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::sokoban
