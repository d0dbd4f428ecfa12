// Hand-made Go rule cases: ko, superko (positional vs situational), suicide on/off,
// snapback, multi-chain capture, edge and corner, 2x2 and 25x25, setup, undo round trips,
// and perft counts checked against the slow reference board.
#include <gtest/gtest.h>

#include "core/rng.h"
#include "games/go/board.h"
#include "tests/unit/go_reference_board.h"
#include "tests/unit/go_test_util.h"

namespace traceplay::go {
namespace {

using testing::board_from;
using testing::diagram;
constexpr Color B = Color::kBlack, W = Color::kWhite;

TEST(GoBoard, SimpleKoForbidsTheImmediateRetake) {
  Board board = board_from({".XO..", "XO.O.", ".XO..", ".....", "....."});
  ASSERT_EQ(board.play(B, Move::at(2, 1)), MoveLegality::kLegal);
  EXPECT_EQ(board.captures(B), 1);
  EXPECT_EQ(board.at(1, 1), Color::kEmpty);
  EXPECT_EQ(board.ko_point(), Move::at(1, 1));
  EXPECT_EQ(board.check(W, Move::at(1, 1)), MoveLegality::kKo);
  EXPECT_EQ(board.play(W, Move::at(1, 1)), MoveLegality::kKo);
  EXPECT_EQ(board.to_move(), W);  // an illegal move changes nothing
  // A ko threat and its answer, then the retake is legal (one stone back, a new position).
  ASSERT_EQ(board.play(W, Move::at(4, 4)), MoveLegality::kLegal);
  EXPECT_EQ(board.ko_point(), Move::pass());
  ASSERT_EQ(board.play(B, Move::at(4, 3)), MoveLegality::kLegal);
  EXPECT_EQ(board.play(W, Move::at(1, 1)), MoveLegality::kLegal);
  EXPECT_EQ(board.at(2, 1), Color::kEmpty);
  EXPECT_EQ(board.ko_point(), Move::at(2, 1));
  EXPECT_EQ(board.check(B, Move::at(2, 1)), MoveLegality::kKo);
  // The ko ban binds the other side only, and a pass lifts it.
  EXPECT_EQ(board.play(B, Move::pass()), MoveLegality::kLegal);
  EXPECT_EQ(board.ko_point(), Move::pass());
}

TEST(GoBoard, SuicideIsIllegalByDefaultAndRemovesTheChainWhenAllowed) {
  const std::vector<std::string> rows = {"X.O..", "XOO..", "OO...", ".....", "....."};
  Board strict = board_from(rows);
  EXPECT_EQ(strict.check(B, Move::at(1, 0)), MoveLegality::kSuicide);
  EXPECT_EQ(strict.play(B, Move::at(1, 0)), MoveLegality::kSuicide);
  EXPECT_EQ(strict.at(1, 0), Color::kEmpty);

  Rules rules;
  rules.allow_suicide = true;
  rules.superko = Superko::kNone;
  Board loose = board_from(rows, rules);
  ASSERT_EQ(loose.play(B, Move::at(1, 0)), MoveLegality::kLegal);
  // Black's three stones left the board; White captured nothing by its own move.
  EXPECT_EQ(diagram(loose), (std::vector<std::string>{"..O..", ".OO..", "OO...", ".....", "....."}));
  EXPECT_EQ(loose.captures(W), 0);
  EXPECT_EQ(loose.to_move(), W);
  ASSERT_TRUE(loose.undo());
  EXPECT_EQ(diagram(loose), rows);
}

TEST(GoBoard, PositionalAndSituationalSuperkoDifferOnARepeatedPositionWithTheOtherSideToMove) {
  // With suicide allowed, Black's one-stone suicide at the corner leaves the stones as
  // they are, with White to move.
  const std::vector<std::string> rows = {".O...", "O....", ".....", ".....", "....."};
  Rules positional;
  positional.allow_suicide = true;
  Board p = board_from(rows, positional);
  EXPECT_EQ(p.check(B, Move::at(0, 0)), MoveLegality::kSuperko);  // the same board was seen

  Rules situational = positional;
  situational.superko = Superko::kSituational;
  Board s = board_from(rows, situational);
  const uint64_t before = s.hash();
  ASSERT_EQ(s.play(B, Move::at(0, 0)), MoveLegality::kLegal);  // never seen with White to move
  EXPECT_EQ(s.hash(), before);
  EXPECT_EQ(s.to_move(), W);
  // After White's pass the same suicide would bring back "this board, White to move".
  ASSERT_EQ(s.play(W, Move::pass()), MoveLegality::kLegal);
  EXPECT_EQ(s.check(B, Move::at(0, 0)), MoveLegality::kSuperko);

  Rules none = positional;
  none.superko = Superko::kNone;
  Board k = board_from(rows, none);
  EXPECT_EQ(k.check(B, Move::at(0, 0)), MoveLegality::kLegal);

  // Changing the rules re-keys the record from the history.
  s.set_rules(positional);
  EXPECT_EQ(s.check(B, Move::at(0, 0)), MoveLegality::kSuperko);
  s.set_rules(none);
  EXPECT_EQ(s.check(B, Move::at(0, 0)), MoveLegality::kLegal);
}

TEST(GoBoard, SituationalSuperkoForbidsRepeatingWithTheSameSideToMove) {
  Rules situational;
  situational.allow_suicide = true;
  situational.superko = Superko::kSituational;
  Board s = board_from({".O...", "O....", ".....", ".....", "....X"}, situational, W);
  // White to move: Black's suicide at the corner brings back this board with White to move
  // only if Black is the one moving; White passes first, then Black's suicide repeats
  // "board, White to move" (the start) and is forbidden.
  ASSERT_EQ(s.play(W, Move::pass()), MoveLegality::kLegal);
  EXPECT_EQ(s.check(B, Move::at(0, 0)), MoveLegality::kSuperko);
}

TEST(GoBoard, SnapbackCapturesThreeStonesRightAfterTheThrowIn) {
  Board board = board_from({".OX..", ".OX..", "XX...", ".....", "....."});
  ASSERT_EQ(board.play(B, Move::at(0, 0)), MoveLegality::kLegal);  // throw-in
  ASSERT_EQ(board.play(W, Move::at(0, 1)), MoveLegality::kLegal);  // takes it
  EXPECT_EQ(board.captures(W), 1);
  EXPECT_EQ(board.ko_point(), Move::pass());                       // the taking chain is three stones: no ko
  ASSERT_EQ(board.play(B, Move::at(0, 0)), MoveLegality::kLegal);  // snapback
  EXPECT_EQ(board.captures(B), 3);
  EXPECT_EQ(diagram(board), (std::vector<std::string>{"X.X..", "..X..", "XX...", ".....", "....."}));
}

TEST(GoBoard, OneMoveCapturesTwoChains) {
  Board board = board_from({"XO.OX", ".X.X.", ".....", ".....", "....."});
  ASSERT_EQ(board.play(B, Move::at(2, 0)), MoveLegality::kLegal);
  EXPECT_EQ(board.captures(B), 2);
  EXPECT_EQ(board.at(1, 0), Color::kEmpty);
  EXPECT_EQ(board.at(3, 0), Color::kEmpty);
  EXPECT_EQ(board.ko_point(), Move::pass());
}

TEST(GoBoard, EdgesAndCornersHaveFewerLiberties) {
  Board board(9);
  ASSERT_EQ(board.play(B, Move::at(0, 0)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(W, Move::at(4, 0)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(B, Move::at(4, 4)), MoveLegality::kLegal);
  const Position& pos = board.position();
  EXPECT_EQ(pos.liberties(pos.point(0, 0)), 2);
  EXPECT_EQ(pos.liberties(pos.point(4, 0)), 3);
  EXPECT_EQ(pos.liberties(pos.point(4, 4)), 4);
  EXPECT_EQ(board.check(W, Move::at(9, 0)), MoveLegality::kOffBoard);
  EXPECT_EQ(board.check(W, Move::at(0, 0)), MoveLegality::kOccupied);
}

TEST(GoBoard, TwoByTwoBoard) {
  Board board(2);
  ASSERT_EQ(board.play(B, Move::at(0, 0)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(W, Move::at(1, 1)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(B, Move::at(1, 0)), MoveLegality::kLegal);
  // White's stone at (0,1) would have no liberty but captures Black's two stones first.
  ASSERT_EQ(board.play(W, Move::at(0, 1)), MoveLegality::kLegal);
  EXPECT_EQ(board.captures(W), 2);
  EXPECT_EQ(diagram(board), (std::vector<std::string>{"..", "OO"}));
  EXPECT_EQ(board.check(B, Move::at(0, 0)), MoveLegality::kLegal);  // one liberty left: (1,0)
  ASSERT_EQ(board.play(B, Move::at(0, 0)), MoveLegality::kLegal);
  EXPECT_EQ(board.check(W, Move::at(1, 0)), MoveLegality::kLegal);  // captures (0,0)
  EXPECT_EQ(board.legal_moves(W), std::vector<Move>{Move::at(1, 0)});
}

TEST(GoBoard, TwentyFiveByTwentyFive) {
  Board board(25);
  ASSERT_EQ(board.play(B, Move::at(24, 24)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(W, Move::at(23, 24)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(B, Move::at(0, 0)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(W, Move::at(24, 23)), MoveLegality::kLegal);
  EXPECT_EQ(board.at(24, 24), Color::kEmpty);
  EXPECT_EQ(board.captures(W), 1);
  EXPECT_EQ(board.legal_moves(B).size(), 625u - 3u - 1u);  // (24,24) is suicide now
  EXPECT_THROW(Board(26), std::invalid_argument);
  EXPECT_THROW(Board(1), std::invalid_argument);
}

TEST(GoBoard, SetupStonesAndSideToMove) {
  Board board(9);
  EXPECT_TRUE(board.setup({{Move::at(2, 2), B}, {Move::at(6, 6), B}, {Move::at(3, 3), W}}));
  board.set_to_move(W);
  EXPECT_EQ(board.at(2, 2), B);
  EXPECT_EQ(board.to_move(), W);
  EXPECT_FALSE(board.undo());                                   // setup stays (as GNU Go's handicap)
  EXPECT_TRUE(board.setup({{Move::at(3, 3), Color::kEmpty}}));  // SGF AE
  EXPECT_EQ(board.at(3, 3), Color::kEmpty);
  // A chain without liberties or an off-board point is refused and changes nothing.
  Board corner(3);
  EXPECT_FALSE(corner.setup({{Move::at(0, 0), B}, {Move::at(1, 0), W}, {Move::at(0, 1), W}}));
  EXPECT_EQ(corner.at(1, 0), Color::kEmpty);
  EXPECT_FALSE(corner.setup({{Move::at(3, 0), B}}));
  EXPECT_FALSE(corner.setup({{Move::pass(), B}}));
  // Play, undo the move, the setup remains.
  ASSERT_EQ(board.play(W, Move::at(4, 4)), MoveLegality::kLegal);
  EXPECT_TRUE(board.undo());
  EXPECT_EQ(board.at(4, 4), Color::kEmpty);
  EXPECT_EQ(board.at(6, 6), B);
  EXPECT_EQ(board.to_move(), W);
}

TEST(GoBoard, TwoPassesEndTheGameAndUndoReopensIt) {
  Board board(5);
  ASSERT_EQ(board.play(Move::at(2, 2)), MoveLegality::kLegal);
  ASSERT_EQ(board.play(Move::pass()), MoveLegality::kLegal);
  EXPECT_FALSE(board.game_over());
  ASSERT_EQ(board.play(Move::pass()), MoveLegality::kLegal);
  EXPECT_TRUE(board.game_over());
  EXPECT_EQ(board.moves().size(), 3u);
  EXPECT_EQ(board.moves().back(), (ColoredMove{B, Move::pass()}));
  ASSERT_TRUE(board.undo());
  EXPECT_FALSE(board.game_over());
  EXPECT_EQ(board.consecutive_passes(), 1);
}

TEST(GoBoard, UndoRestoresEveryEarlierStateExactly) {
  struct State {
    std::vector<std::string> stones;
    uint64_t hash, situation;
    Move ko;
    int cap_b, cap_w, passes;
    Color to_move;
    std::vector<Move> legal;
  };
  auto state = [](const Board& b) {
    return State{diagram(b),
                 b.hash(),
                 b.situation_hash(),
                 b.ko_point(),
                 b.captures(B),
                 b.captures(W),
                 b.consecutive_passes(),
                 b.to_move(),
                 b.legal_moves(b.to_move())};
  };
  for (int n : {5, 9, 19}) {
    Board board(n);
    Rng rng(static_cast<uint64_t>(n));
    std::vector<State> states{state(board)};
    for (int i = 0; i < 4 * n * n; ++i) {
      const auto legal = board.legal_moves(board.to_move());
      const Move m = legal.empty() || rng.below(30) == 0 ? Move::pass() : legal[rng.below(legal.size())];
      ASSERT_EQ(board.play(m), MoveLegality::kLegal);
      states.push_back(state(board));
    }
    for (size_t i = states.size() - 1; i-- > 0;) {
      ASSERT_TRUE(board.undo());
      const State s = state(board);
      ASSERT_EQ(s.stones, states[i].stones) << i;
      ASSERT_EQ(s.hash, states[i].hash);
      ASSERT_EQ(s.situation, states[i].situation);
      ASSERT_EQ(s.ko, states[i].ko);
      ASSERT_EQ(s.cap_b, states[i].cap_b);
      ASSERT_EQ(s.cap_w, states[i].cap_w);
      ASSERT_EQ(s.passes, states[i].passes);
      ASSERT_EQ(s.to_move, states[i].to_move);
      ASSERT_EQ(s.legal, states[i].legal);
    }
    EXPECT_FALSE(board.undo());
    EXPECT_EQ(board.hash(), 0u);
  }
}

// Perft: the number of move sequences of a given depth (board moves only, the side to
// move alternating), counted with the fast board and with the reference board.
uint64_t perft(Board& board, int depth) {
  if (depth == 0) return 1;
  uint64_t count = 0;
  for (const Move& m : board.legal_moves(board.to_move())) {
    board.play(m);
    count += perft(board, depth - 1);
    board.undo();
  }
  return count;
}

uint64_t perft(testing::ReferenceBoard& ref, int n, int depth) {
  if (depth == 0) return 1;
  uint64_t count = 0;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      if (ref.check(ref.to_move(), x, y) != MoveLegality::kLegal) continue;
      ref.play(ref.to_move(), x, y);
      count += perft(ref, n, depth - 1);
      ref.undo();
    }
  return count;
}

TEST(GoBoard, PerftMatchesTheReferenceBoard) {
  for (auto [n, depth] : {std::pair{2, 8}, std::pair{3, 5}, std::pair{4, 4}}) {
    Board board(n);
    testing::ReferenceBoard ref(n, Rules{});
    const uint64_t fast = perft(board, depth);
    EXPECT_EQ(fast, perft(ref, n, depth)) << n << "x" << n << " depth " << depth;
    EXPECT_GT(fast, 0u);
  }
  // Small values anyone can check by hand: 4 first moves on 2x2, then 3 replies each.
  Board two(2);
  EXPECT_EQ(perft(two, 1), 4u);
  EXPECT_EQ(perft(two, 2), 12u);
}

}  // namespace
}  // namespace traceplay::go
