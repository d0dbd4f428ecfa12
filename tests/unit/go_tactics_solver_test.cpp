// The tactics solver (games/go/tactics_solver.h) against an independent brute force:
// plain grids, flood-fill chains, ko as "no move recreates the grid before the
// opponent's last move", every legal move and pass at every node, no transposition
// table, no move order, no cut-offs of any kind. On many small random positions the sets
// of winning first moves must be equal. Then textbook cases by name on 9x9 and 5x5: a
// working ladder, the same ladder broken by ladder breakers, a net, a snapback; the node
// limit; refused targets; and one table shared by all first moves giving the values of
// fresh searches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "core/rng.h"
#include "games/go/playout.h"
#include "games/go/tactics_solver.h"
#include "tests/unit/go_test_util.h"

namespace traceplay::go {
namespace {

constexpr Color B = Color::kBlack, W = Color::kWhite;

// ---- The brute force: the tactics game's rules written out directly. ----

struct Brute {
  int n;
  int target;    // index x + n*y
  int defender;  // 1 black, 2 white
  TacticsGoal goal;
  uint64_t nodes = 0;

  using Grid = std::vector<int>;

  std::vector<int> neighbours(int i) const {
    std::vector<int> out;
    const int x = i % n, y = i / n;
    if (x > 0) out.push_back(i - 1);
    if (x + 1 < n) out.push_back(i + 1);
    if (y > 0) out.push_back(i - n);
    if (y + 1 < n) out.push_back(i + n);
    return out;
  }
  // The chain through i and its number of distinct liberties.
  std::pair<std::vector<int>, int> chain(const Grid& g, int i) const {
    std::vector<int> stones{i};
    std::set<int> seen{i}, libs;
    for (size_t k = 0; k < stones.size(); ++k)
      for (int j : neighbours(stones[k])) {
        if (g[j] == 0) libs.insert(j);
        else if (g[j] == g[i] && seen.insert(j).second) stones.push_back(j);
      }
    return {stones, static_cast<int>(libs.size())};
  }
  // c plays on empty point i: false when the move is suicide.
  bool play(Grid& g, int c, int i) const {
    g[i] = c;
    for (int j : neighbours(i))
      if (g[j] == 3 - c) {
        auto [stones, libs] = chain(g, j);
        if (libs == 0)
          for (int s : stones) g[s] = 0;
      }
    return chain(g, i).second > 0;
  }
  // 1: the attacker wins, 0: the defender wins. `before_last`: the grid before the
  // opponent's last move (empty: none); `root_forbidden`: the prompt's ko point at the root.
  int value(const Grid& g, const Grid& before_last, int root_forbidden, int c, bool after_pass, int plies) {
    ++nodes;
    if (g[target] != defender) return 1;
    if (chain(g, target).second >= goal.safe_liberties || plies == 0) return 0;
    const bool attacker = c != defender;
    bool any_win = false;
    for (int i = 0; i < n * n && !any_win; ++i) {
      if (g[i] != 0 || i == root_forbidden) continue;
      Grid next = g;
      if (!play(next, c, i) || next == before_last) continue;
      const int v = value(next, g, -1, 3 - c, false, plies - 1);
      any_win = attacker ? v == 1 : v == 0;
    }
    if (!any_win) {
      const int v = after_pass ? 0 : value(g, g, -1, 3 - c, true, plies - 1);
      any_win = attacker ? v == 1 : v == 0;
    }
    return attacker ? (any_win ? 1 : 0) : (any_win ? 0 : 1);
  }
  // The winning first moves, row by row then pass (Move::pass()).
  std::vector<Move> winning(const Grid& g, int root_forbidden, int c) {
    std::vector<Move> out;
    const bool attacker = c != defender;
    for (int i = 0; i < n * n; ++i) {
      if (g[i] != 0 || i == root_forbidden) continue;
      Grid next = g;
      if (!play(next, c, i)) continue;
      const int v = value(next, g, -1, 3 - c, false, goal.horizon - 1);
      if (attacker ? v == 1 : v == 0) out.push_back(Move::at(i % n, i / n));
    }
    const int v = value(g, g, -1, 3 - c, true, goal.horizon - 1);
    if (attacker ? v == 1 : v == 0) out.push_back(Move::pass());
    return out;
  }
};

std::string diagram_text(const Position& pos) {
  std::string s;
  for (int y = 0; y < pos.size(); ++y) {
    for (int x = 0; x < pos.size(); ++x) {
      const Color c = pos.at(x, y);
      s += c == B ? 'X' : c == W ? 'O' : '.';
    }
    s += '\n';
  }
  return s;
}

std::string moves_text(const std::vector<Move>& moves) {
  std::string s;
  for (Move m : moves) s += m.is_pass() ? " pass" : " " + std::to_string(m.x) + "," + std::to_string(m.y);
  return s.empty() ? " (none)" : s;
}

// A random position: random playout moves on an n x n board until at most `empties`
// points are empty (or nobody can move), or earlier when a move makes a ko point with at
// most 8 empty points left (so that root ko points are sampled too).
Position random_position(int n, int empties, Rng& rng, Color& to_move) {
  Position pos(n);
  to_move = B;
  for (int i = 0; i < 4 * n * n && pos.num_empty() > empties; ++i) {
    const int p = random_playout_move(pos, to_move, rng);
    if (p == Position::kNoPoint) pos.pass();
    else pos.play(to_move, p);
    to_move = opponent(to_move);
    if (pos.ko_point() != Position::kNoPoint && pos.num_empty() <= 8) break;
  }
  return pos;
}

TEST(GoTacticsSolver, WinningSetsEqualBruteForceOnRandomSmallPositions) {
  Rng rng(20261206);
  int compared = 0, with_ko = 0, capture = 0, save = 0, nonempty = 0;
  for (int attempt = 0; attempt < 2000 && compared < 400; ++attempt) {
    const int n = static_cast<int>(rng.uniform_int(4, 5));
    Color to_move;
    const Position pos = random_position(n, static_cast<int>(rng.uniform_int(3, 8)), rng, to_move);
    if (pos.num_empty() > 8) continue;
    TacticsGoal goal;
    goal.safe_liberties = static_cast<int>(rng.uniform_int(2, 3));
    goal.horizon = static_cast<int>(rng.uniform_int(3, 7));
    // Every stone with fewer than safe liberties is a candidate target.
    std::vector<Move> targets;
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        if (pos.at(x, y) != Color::kEmpty && pos.liberties(pos.point(x, y)) < goal.safe_liberties)
          targets.push_back(Move::at(x, y));
    if (targets.empty()) continue;
    const Move target = targets[rng.below(targets.size())];
    const TacticsResult solved = solve_tactics(pos, to_move, target, goal, 10'000'000);
    ASSERT_TRUE(solved.proven);

    Brute brute{n, target.x + n * target.y, static_cast<int>(pos.at(target.x, target.y)), goal};
    Brute::Grid grid(static_cast<size_t>(n * n));
    for (int i = 0; i < n * n; ++i) grid[i] = static_cast<int>(pos.at(i % n, i / n));
    int forbidden = -1;
    if (pos.ko_point() != Position::kNoPoint && pos.ko_color() == to_move) {
      const Move ko = pos.move_of(pos.ko_point());
      forbidden = ko.x + n * ko.y;
      ++with_ko;
    }
    const std::vector<Move> expected = brute.winning(grid, forbidden, static_cast<int>(to_move));
    EXPECT_EQ(moves_text(solved.winning), moves_text(expected))
        << "n=" << n << " target " << int(target.x) << "," << int(target.y) << " to move "
        << (to_move == B ? "black" : "white") << " safe " << goal.safe_liberties << " horizon "
        << goal.horizon << "\n"
        << diagram_text(pos);
    ++compared;
    (tactics_kind(pos, to_move, target, goal) == TacticsKind::kCapture ? capture : save) += 1;
    nonempty += !expected.empty();
  }
  EXPECT_EQ(compared, 400);
  // The sample covers both goals, positions with a ko point, and both outcomes.
  EXPECT_GT(capture, 20);
  EXPECT_GT(save, 20);
  EXPECT_GT(nonempty, 20);
  EXPECT_LT(nonempty, compared);
  EXPECT_GT(with_ko, 3);
  std::printf("compared %d: capture %d, save %d, non-empty %d, with ko %d\n", compared, capture, save,
              nonempty, with_ko);
}

}  // namespace
}  // namespace traceplay::go

namespace traceplay::go {
namespace {

Position position_of(const std::vector<std::string>& rows) { return testing::board_from(rows).position(); }

// Each first move's value, searched afresh from the child (a new table), equals the
// value solve_tactics found with one table shared by all first moves.
void expect_values_equal_fresh_searches(const Position& pos, Color to_move, Move target,
                                        const TacticsGoal& goal) {
  const TacticsResult r = solve_tactics(pos, to_move, target, goal, 50'000'000);
  ASSERT_TRUE(r.proven);
  for (size_t i = 0; i < r.moves.size(); ++i) {
    Position child = pos;
    if (r.moves[i].is_pass()) child.pass();
    else child.play(to_move, child.point(r.moves[i]));
    if (child.at(target.x, target.y) == Color::kEmpty) {
      EXPECT_EQ(r.values[i], TacticsValue::kAttackerWins);
      continue;
    }
    if (child.liberties(child.point(target)) >= goal.safe_liberties) {
      EXPECT_EQ(r.values[i], TacticsValue::kDefenderWins);
      continue;
    }
    TacticsGoal shorter = goal;
    shorter.horizon = goal.horizon - 1;
    if (r.moves[i].is_pass())
      continue;  // a pass child is "after a pass", which evaluate_tactics does not start from
    EXPECT_EQ(evaluate_tactics(child, opponent(to_move), target, shorter, 50'000'000), r.values[i])
        << "first move " << int(r.moves[i].x) << "," << int(r.moves[i].y);
  }
}

std::vector<Move> winning_of(const std::vector<std::string>& rows, Color to_move, Move target, int horizon) {
  TacticsGoal goal;
  goal.horizon = horizon;
  const TacticsResult r = solve_tactics(position_of(rows), to_move, target, goal, 5'000'000);
  EXPECT_TRUE(r.proven);
  return r.winning;
}

// The one-stone ladder: White's (3,3) has two liberties; either atari starts a ladder,
// towards the left edge (Black 4,3) or the top edge (Black 3,4), and both work on an
// empty board.
const std::vector<std::string> kLadder = {".........", ".........", "...X.....", "..XO.....", "....X....",
                                          ".........", ".........", ".........", "........."};

std::vector<std::string> with(std::vector<std::string> rows,
                              std::initializer_list<std::pair<int, int>> white) {
  for (auto [x, y] : white) rows[static_cast<size_t>(y)][static_cast<size_t>(x)] = 'O';
  return rows;
}

TEST(GoTacticsSolver, TextbookLadderWorks) {
  EXPECT_EQ(moves_text(winning_of(kLadder, B, Move::at(3, 3), 16)),
            moves_text({Move::at(4, 3), Move::at(3, 4)}));
  // Too short a horizon for the ladder to reach the edge: nothing is proven to capture.
  EXPECT_EQ(moves_text(winning_of(kLadder, B, Move::at(3, 3), 8)), moves_text({}));
}

TEST(GoTacticsSolver, TextbookLadderBreakerTurnsALadderOff) {
  // A white stone on the leftward ladder's path breaks that ladder only.
  EXPECT_EQ(moves_text(winning_of(with(kLadder, {{1, 6}}), B, Move::at(3, 3), 16)),
            moves_text({Move::at(3, 4)}));
  // One on the upward path breaks the other.
  EXPECT_EQ(moves_text(winning_of(with(kLadder, {{6, 1}}), B, Move::at(3, 3), 16)),
            moves_text({Move::at(4, 3)}));
  // Both: the stone escapes.
  EXPECT_EQ(moves_text(winning_of(with(kLadder, {{1, 6}, {6, 1}}), B, Move::at(3, 3), 16)), moves_text({}));
}

TEST(GoTacticsSolver, TextbookNetCapturesWithALooseMove) {
  // Black's (5,3) and (3,5) make the diagonal (4,4) a net: it does not touch the white
  // stone, yet captures it whichever way White runs.
  const std::vector<std::string> net = {".........", ".........", "...X.....", "..XO.X...", ".........",
                                        "...X.....", ".........", ".........", "........."};
  const std::vector<Move> winning = winning_of(net, B, Move::at(3, 3), 16);
  EXPECT_NE(std::find(winning.begin(), winning.end(), Move::at(4, 4)), winning.end()) << moves_text(winning);
  // Without the two helpers nothing captures: the net needs them.
  const std::vector<std::string> bare = {".........", ".........", "...X.....", "..XO.....", ".........",
                                         ".........", ".........", ".........", "........."};
  EXPECT_EQ(moves_text(winning_of(bare, B, Move::at(3, 3), 16)), moves_text({}));
}

TEST(GoTacticsSolver, TextbookSnapback) {
  // White's corner chain has two liberties, (1,0) and (2,0). Black throws in at either:
  // the stone is in atari, White takes it, and Black takes back seven stones. Within a
  // 3-ply horizon only the throw-ins capture (the chain is dead anyway, so with a longer
  // horizon any Black move would).
  const std::vector<std::string> corner = {"O..OX", "OOOOX", "XXXXX", ".....", "....."};
  EXPECT_EQ(moves_text(winning_of(corner, B, Move::at(0, 0), 3)),
            moves_text({Move::at(1, 0), Move::at(2, 0)}));
  Position pos = position_of(corner);
  pos.play(B, pos.point(1, 0));
  ASSERT_EQ(pos.liberties(pos.point(1, 0)), 1);  // the throw-in is a self-atari
  ASSERT_EQ(pos.play(W, pos.point(2, 0)), 1);    // White takes it
  EXPECT_EQ(pos.captures_if_played(B, pos.point(1, 0)), 7);
  TacticsGoal goal;
  goal.horizon = 1;
  const TacticsResult retake = solve_tactics(pos, B, Move::at(0, 0), goal, 1'000'000);
  ASSERT_TRUE(retake.proven);
  EXPECT_EQ(moves_text(retake.winning), moves_text({Move::at(1, 0)}));
}

TEST(GoTacticsSolver, NodeLimitGivesUnprovenAndNoMoves) {
  TacticsGoal goal;
  goal.horizon = 16;
  const TacticsResult r = solve_tactics(position_of(kLadder), B, Move::at(3, 3), goal, 50);
  EXPECT_FALSE(r.proven);
  EXPECT_TRUE(r.winning.empty());
  EXPECT_NE(std::find(r.values.begin(), r.values.end(), TacticsValue::kUnknown), r.values.end());
}

TEST(GoTacticsSolver, BadTargetsAreRefused) {
  const Position pos = position_of(kLadder);
  TacticsGoal goal;
  EXPECT_THROW(tactics_kind(pos, B, Move::at(0, 0), goal), std::invalid_argument);  // empty point
  EXPECT_THROW(tactics_kind(pos, B, Move::pass(), goal), std::invalid_argument);
  EXPECT_THROW(tactics_kind(pos, B, Move::at(2, 3), goal),
               std::invalid_argument);  // 3 liberties: safe already
  EXPECT_EQ(tactics_kind(pos, B, Move::at(3, 3), goal), TacticsKind::kCapture);
  EXPECT_EQ(tactics_kind(pos, W, Move::at(3, 3), goal), TacticsKind::kSave);
  goal.safe_liberties = 1;
  EXPECT_THROW(tactics_kind(pos, B, Move::at(3, 3), goal), std::invalid_argument);
}

TEST(GoTacticsSolver, SharedTableGivesTheValuesOfFreshSearches) {
  const Position ladder = position_of({".........", ".........", "...X.....", "..XO.....", "....X....",
                                       ".........", ".O.......", ".........", "........."});
  TacticsGoal goal;
  goal.horizon = 16;
  expect_values_equal_fresh_searches(ladder, B, Move::at(3, 3), goal);
}

}  // namespace
}  // namespace traceplay::go
