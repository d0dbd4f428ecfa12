// The fast Board against the slow ReferenceBoard over thousands of random moves on many
// sizes and rule sets, undo sequences included: at every step the legality (and reason)
// of every point for both colours, the stones, captures, side to move, liberties of every
// chain and the Zobrist hash recomputed from scratch must agree.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>

#include "core/rng.h"
#include "games/go/board.h"
#include "tests/unit/go_reference_board.h"

namespace traceplay::go {
namespace {

using testing::ReferenceBoard;

uint64_t hash_from_scratch(const Board& board) {
  uint64_t h = 0;
  for (int y = 0; y < board.size(); ++y)
    for (int x = 0; x < board.size(); ++x)
      if (board.at(x, y) != Color::kEmpty) h ^= zobrist_stone(board.at(x, y), board.position().point(x, y));
  return h;
}

// How often the reference said each reason: the random games must really reach ko,
// superko and suicide positions, or the comparison would prove little.
int g_seen[6] = {0, 0, 0, 0, 0, 0};

void expect_same(const Board& board, const ReferenceBoard& ref, const std::string& where) {
  const int n = board.size();
  ASSERT_EQ(static_cast<int>(board.to_move()), ref.to_move()) << where;
  ASSERT_EQ(board.captures(Color::kBlack), ref.captures(1)) << where;
  ASSERT_EQ(board.captures(Color::kWhite), ref.captures(2)) << where;
  ASSERT_EQ(board.hash(), hash_from_scratch(board)) << where;
  ASSERT_EQ(board.position().area_difference(), ref.area_difference()) << where;
  int black = 0, white = 0;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      ASSERT_EQ(static_cast<int>(board.at(x, y)), ref.at(x, y)) << where << " at " << x << "," << y;
      black += ref.at(x, y) == 1;
      white += ref.at(x, y) == 2;
      const int p = board.position().point(x, y);
      if (ref.at(x, y) != 0) {
        const int libs = ref.liberties(x, y);
        ASSERT_EQ(board.position().liberties(p), libs) << where << " at " << x << "," << y;
        ASSERT_EQ(board.position().chain_in_atari(p), libs == 1) << where << " at " << x << "," << y;
      }
      for (int c = 1; c <= 2; ++c) {
        const MoveLegality expected = ref.check(c, x, y);
        ++g_seen[static_cast<int>(expected)];
        ASSERT_EQ(board.check(static_cast<Color>(c), Move::at(x, y)), expected)
            << where << " colour " << c << " at " << x << "," << y;
      }
    }
  ASSERT_EQ(board.position().stone_count(Color::kBlack), black) << where;
  ASSERT_EQ(board.position().stone_count(Color::kWhite), white) << where;
  ASSERT_EQ(board.position().num_empty(), n * n - black - white) << where;
  std::vector<Move> expected;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (ref.check(ref.to_move(), x, y) == MoveLegality::kLegal) expected.push_back(Move::at(x, y));
  ASSERT_EQ(board.legal_moves(board.to_move()), expected) << where;
}

// Plays `steps` random legal moves (sometimes a pass, sometimes the same colour twice,
// sometimes an undo of 1..6 moves) on both boards and compares them after each.
void random_game(int n, Rules rules, uint64_t seed, int steps) {
  Rng rng(seed);
  Board board(n, rules);
  ReferenceBoard ref(n, rules);
  const std::string name = "size " + std::to_string(n) + " seed " + std::to_string(seed);
  expect_same(board, ref, name + " start");
  int played = 0;
  for (int step = 0; step < steps; ++step) {
    const std::string where = name + " step " + std::to_string(step);
    if (played > 0 && rng.below(12) == 0) {
      const int back = 1 + static_cast<int>(rng.below(6));
      for (int i = 0; i < back && played > 0; ++i, --played) {
        ASSERT_TRUE(board.undo()) << where;
        ref.undo();
      }
      expect_same(board, ref, where + " after undo");
      continue;
    }
    int c = ref.to_move();
    if (rng.below(20) == 0) c = 3 - c;  // GTP lets a side move twice
    std::vector<Move> legal = board.legal_moves(static_cast<Color>(c));
    Move m = Move::pass();
    if (!legal.empty() && rng.below(25) != 0) m = legal[rng.below(legal.size())];
    ASSERT_EQ(board.play(static_cast<Color>(c), m), MoveLegality::kLegal) << where;
    ref.play(c, m.x, m.y);
    ++played;
    ASSERT_EQ(board.game_over(), board.consecutive_passes() >= 2) << where;
    if (!m.is_pass()) {
      ASSERT_EQ(board.consecutive_passes(), 0) << where;
    }
    expect_same(board, ref, where);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

int seen(MoveLegality m) { return g_seen[static_cast<int>(m)]; }
void reset_seen() { std::fill(std::begin(g_seen), std::end(g_seen), 0); }

TEST(GoBoardReference, PositionalSuperkoSmallBoards) {
  reset_seen();
  for (int n : {2, 3, 4, 5})
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      random_game(n, Rules{}, seed * 31 + static_cast<uint64_t>(n), 300);
      if (HasFatalFailure()) return;
    }
  EXPECT_GT(seen(MoveLegality::kKo), 20);
  EXPECT_GT(seen(MoveLegality::kSuperko), 20);
  EXPECT_GT(seen(MoveLegality::kSuicide), 100);
  EXPECT_GT(seen(MoveLegality::kOccupied), 1000);
}

TEST(GoBoardReference, SituationalSuperkoAndSuicide) {
  Rules situational;
  situational.superko = Superko::kSituational;
  Rules suicide;
  suicide.allow_suicide = true;
  Rules both = situational;
  both.allow_suicide = true;
  for (const Rules& rules : {situational, suicide, both}) {
    reset_seen();
    for (int n : {2, 3, 4, 6})
      for (uint64_t seed = 1; seed <= 6; ++seed) {
        random_game(n, rules, seed * 97 + static_cast<uint64_t>(n), 300);
        if (HasFatalFailure()) return;
      }
    EXPECT_GT(seen(MoveLegality::kKo), 10);
    EXPECT_GT(seen(MoveLegality::kSuperko), 10);
    EXPECT_EQ(seen(MoveLegality::kSuicide) > 0, !rules.allow_suicide);
  }
}

TEST(GoBoardReference, SimpleKoOnly) {
  Rules rules;
  rules.superko = Superko::kNone;
  reset_seen();
  for (int n : {3, 4, 5, 7})
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      random_game(n, rules, seed * 13 + static_cast<uint64_t>(n), 400);
      if (HasFatalFailure()) return;
    }
  EXPECT_GT(seen(MoveLegality::kKo), 10);
  EXPECT_EQ(seen(MoveLegality::kSuperko), 0);
}

TEST(GoBoardReference, MediumAndLargeBoards) {
  random_game(9, Rules{}, 5, 700);
  if (HasFatalFailure()) return;
  Rules suicide;
  suicide.allow_suicide = true;
  random_game(9, suicide, 6, 500);
  if (HasFatalFailure()) return;
  random_game(13, Rules{}, 7, 400);
  if (HasFatalFailure()) return;
  random_game(19, Rules{}, 8, 200);
  if (HasFatalFailure()) return;
  random_game(25, Rules{}, 9, 80);
}

}  // namespace
}  // namespace traceplay::go
