// Area scoring by Tromp-Taylor with komi, dead-stone removal and the result string.
#include <gtest/gtest.h>

#include "core/rng.h"
#include "games/go/scoring.h"
#include "tests/unit/go_reference_board.h"
#include "tests/unit/go_test_util.h"

namespace traceplay::go {
namespace {

using testing::board_from;

Rules komi(double k) {
  Rules r;
  r.komi = k;
  return r;
}

TEST(GoScoring, EmptyBoardAndOneStone) {
  Board empty(5, komi(7.5));
  EXPECT_EQ(area_score(empty).black, 0);  // an empty region reaching no colour is no one's
  EXPECT_EQ(area_score(empty).white, 0);
  EXPECT_EQ(format_result(area_score(empty).score()), "W+7.5");
  Board one(5, komi(7.5));
  one.play(Move::at(2, 2));
  EXPECT_EQ(area_score(one).black, 25);
  EXPECT_EQ(format_result(area_score(one).score()), "B+17.5");
}

TEST(GoScoring, SplitBoardWithKomi) {
  const std::vector<std::string> rows = {"..XO.", "..XO.", "..XO.", "..XO.", "..XO."};
  // Black: 10 empty + 5 stones; White: 5 stones + 5 empty.
  EXPECT_EQ(area_score(board_from(rows, komi(0.5))).black, 15);
  EXPECT_EQ(area_score(board_from(rows, komi(0.5))).white, 10);
  EXPECT_EQ(format_result(area_score(board_from(rows, komi(0.5))).score()), "B+4.5");
  EXPECT_EQ(format_result(area_score(board_from(rows, komi(5))).score()), "0");
  EXPECT_EQ(format_result(area_score(board_from(rows, komi(5.5))).score()), "W+0.5");
}

TEST(GoScoring, DameAndDeadStones) {
  // A white stone in Black's area makes that region touch both colours: no one's.
  Board board = board_from({"O.XO.", "..XO.", "..XO.", "..XO.", "..XO."}, komi(0));
  EXPECT_EQ(area_score(board).black, 5);
  EXPECT_EQ(area_score(board).white, 11);
  // Taken off as dead, its region is Black's again.
  EXPECT_EQ(area_score(board, {Move::at(0, 0)}).black, 15);
  EXPECT_EQ(area_score(board, {Move::at(0, 0)}).white, 10);
  EXPECT_THROW(area_score(board, {Move::at(5, 0)}), std::invalid_argument);
  // Dame between the walls.
  Board dame = board_from({".X.O.", ".X.O.", ".X.O.", ".X.O.", ".X.O."}, komi(0));
  EXPECT_EQ(area_score(dame).black, 10);
  EXPECT_EQ(area_score(dame).white, 10);
  EXPECT_EQ(area_owners(dame.position())[2], Color::kEmpty);
}

TEST(GoScoring, ResultStrings) {
  EXPECT_EQ(format_result(3.5), "B+3.5");
  EXPECT_EQ(format_result(-0.5), "W+0.5");
  EXPECT_EQ(format_result(0.0), "0");
  EXPECT_EQ(format_result(2.0), "B+2");
  EXPECT_EQ(format_result(-7.25), "W+7.25");
  EXPECT_EQ(format_result(-81.0), "W+81");
}

TEST(GoScoring, AgreesWithTheReferenceOnRandomPositions) {
  Rng rng(3);
  for (int n : {3, 5, 9, 13}) {
    for (int game = 0; game < 10; ++game) {
      Board board(n);
      testing::ReferenceBoard ref(n, Rules{});
      const int moves = static_cast<int>(rng.below(static_cast<uint64_t>(2 * n * n)));
      for (int i = 0; i < moves; ++i) {
        const auto legal = board.legal_moves(board.to_move());
        if (legal.empty()) break;
        const Move m = legal[rng.below(legal.size())];
        ref.play(static_cast<int>(board.to_move()), m.x, m.y);
        board.play(m);
      }
      const AreaScore s = area_score(board.position(), 0);
      EXPECT_EQ(s.black - s.white, ref.area_difference());
      EXPECT_EQ(board.position().area_difference(), ref.area_difference());
    }
  }
}

}  // namespace
}  // namespace traceplay::go
