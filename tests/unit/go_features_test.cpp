// Feature planes (documented order) and the 8 board symmetries: group properties checked
// by brute force, and features commuting with symmetries of whole games.
#include <gtest/gtest.h>

#include <set>

#include "core/rng.h"
#include "games/go/features.h"
#include "games/go/symmetry.h"
#include "tests/unit/go_reference_board.h"

namespace traceplay::go {
namespace {

constexpr Color B = Color::kBlack, W = Color::kWhite;

TEST(GoSymmetry, GroupProperties) {
  for (int n : {2, 3, 5, 9, 19}) {
    std::set<std::vector<int>> distinct;
    for (int s = 0; s < kNumSymmetries; ++s) {
      const std::vector<int> map = symmetry_map(s, n);
      // A bijection of the points that keeps neighbours neighbours.
      EXPECT_EQ(std::set<int>(map.begin(), map.end()).size(), static_cast<size_t>(n * n));
      for (int y = 0; y < n; ++y)
        for (int x = 0; x + 1 < n; ++x) {
          const int a = map[static_cast<size_t>(x + n * y)], b = map[static_cast<size_t>(x + 1 + n * y)];
          EXPECT_EQ(std::abs(a % n - b % n) + std::abs(a / n - b / n), 1);
        }
      distinct.insert(map);
      // Inverse and composition, checked point by point.
      const std::vector<int> inv = symmetry_map(inverse_symmetry(s), n);
      for (int p = 0; p < n * n; ++p) EXPECT_EQ(inv[static_cast<size_t>(map[static_cast<size_t>(p)])], p);
      for (int t = 0; t < kNumSymmetries; ++t) {
        const std::vector<int> second = symmetry_map(t, n), both = symmetry_map(compose_symmetries(s, t), n);
        for (int p = 0; p < n * n; ++p)
          EXPECT_EQ(both[static_cast<size_t>(p)], second[static_cast<size_t>(map[static_cast<size_t>(p)])]);
      }
    }
    EXPECT_EQ(distinct.size(), 8u) << n;  // eight different maps
    EXPECT_EQ(symmetry_map(0, n), symmetry_map(compose_symmetries(3, 3), n));
  }
  EXPECT_EQ(apply_symmetry(1, Move::at(0, 2), 9), Move::at(8, 2));
  EXPECT_EQ(apply_symmetry(4, Move::at(0, 2), 9), Move::at(2, 0));
  EXPECT_EQ(apply_symmetry(5, Move::pass(), 9), Move::pass());
  EXPECT_THROW(symmetry_map(8, 9), std::invalid_argument);
}

TEST(GoFeatures, PlanesOfASmallPosition) {
  Rules rules;
  rules.komi = 7.5;
  Board board(5, rules);
  board.play(B, Move::at(0, 0));
  board.play(W, Move::at(1, 0));
  board.play(B, Move::at(2, 2));
  // White to move. Black's (0,0) has 1 liberty, White's (1,0) 2, Black's (2,2) 4.
  const FeatureOptions options{3};
  ASSERT_EQ(feature_planes(options), 13);
  const std::vector<float> f = extract_features(board, options);
  ASSERT_EQ(f.size(), 13u * 25u);
  auto at = [&](int plane, int x, int y) { return f[static_cast<size_t>(plane * 25 + x + 5 * y)]; };
  EXPECT_EQ(at(0, 1, 0), 1.0f);  // own (White) now
  EXPECT_EQ(at(1, 0, 0), 1.0f);  // opponent (Black) now
  EXPECT_EQ(at(1, 2, 2), 1.0f);
  EXPECT_EQ(at(3, 2, 2), 0.0f);  // one state ago Black had not played (2,2)
  EXPECT_EQ(at(3, 0, 0), 1.0f);
  EXPECT_EQ(at(2, 1, 0), 1.0f);
  EXPECT_EQ(at(4, 1, 0), 0.0f);  // two states ago White had not played
  EXPECT_EQ(at(6, 3, 3), 0.0f);  // White to move
  EXPECT_EQ(at(7, 0, 0), 0.0f);  // occupied: not legal
  EXPECT_EQ(at(7, 0, 1), 1.0f);
  EXPECT_EQ(at(8, 0, 0), 1.0f);   // 1 liberty
  EXPECT_EQ(at(9, 1, 0), 1.0f);   // 2 liberties
  EXPECT_EQ(at(10, 2, 2), 1.0f);  // 3+
  EXPECT_EQ(at(10, 0, 0), 0.0f);
  EXPECT_FLOAT_EQ(at(11, 4, 4), 0.5f);  // +7.5 / 15 for White
  EXPECT_EQ(at(12, 4, 4), 1.0f);
  float total_legal = 0;
  for (int i = 0; i < 25; ++i) total_legal += f[static_cast<size_t>(7 * 25 + i)];
  EXPECT_EQ(total_legal, static_cast<float>(board.legal_moves(W).size()));
}

TEST(GoFeatures, LibertyPlanesMatchTheReferenceAndFeaturesCommuteWithSymmetries) {
  Rng rng(8);
  const FeatureOptions options{4};
  const int planes = feature_planes(options);
  for (int game = 0; game < 6; ++game) {
    const int n = game % 2 == 0 ? 9 : 7;
    Board board(n);
    std::vector<ColoredMove> played;
    testing::ReferenceBoard ref(n, Rules{});
    for (int ply = 0; ply < 40 + game * 10; ++ply) {
      const auto legal = board.legal_moves(board.to_move());
      const Move m = legal.empty() ? Move::pass() : legal[rng.below(legal.size())];
      played.push_back({board.to_move(), m});
      ref.play(static_cast<int>(board.to_move()), m.x, m.y);
      board.play(m);
    }
    const std::vector<float> f = extract_features(board, options);
    const size_t area = static_cast<size_t>(n * n);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        const int libs = ref.at(x, y) ? ref.liberties(x, y) : 0;
        for (int k = 1; k <= 3; ++k)
          EXPECT_EQ(
              f[static_cast<size_t>(2 * options.history + 1 + k) * area + static_cast<size_t>(x + n * y)],
              libs != 0 && std::min(libs, 3) == k ? 1.0f : 0.0f);
      }
    // The same game played in a symmetric orientation gives the symmetric planes.
    for (int s = 0; s < kNumSymmetries; ++s) {
      Board turned(n);
      for (const ColoredMove& cm : played)
        ASSERT_EQ(turned.play(cm.color, apply_symmetry(s, cm.move, n)), MoveLegality::kLegal);
      std::vector<float> expected(f.size());
      apply_symmetry_planes(s, n, planes, f.data(), expected.data());
      EXPECT_EQ(extract_features(turned, options), expected) << "symmetry " << s;
    }
  }
}

// The query version (a position, the positions before it, side to move, rules) gives the
// Board version's planes in every state of seeded random games with captures and passes:
// with the whole game as history exactly (superko included), and with only the last
// history - 1 positions every plane but the superko part of the legal plane.
TEST(GoFeatures, QueryVersionEqualsTheBoardVersion) {
  FeatureOptions options;
  options.history = 4;
  const int planes = feature_planes(options);
  int states = 0, captures = 0;
  for (uint64_t game = 0; game < 12; ++game) {
    Rules rules;
    rules.komi = game % 2 ? 6.5 : -3.0;
    Board board(game % 3 ? 7 : 5, rules);
    Rng rng(game + 100);
    std::vector<Position> before;  // every position before the current one, oldest first
    for (int move = 0; move < 80 && !board.game_over(); ++move) {
      std::vector<const Position*> all, recent;
      for (auto it = before.rbegin(); it != before.rend(); ++it) all.push_back(&*it);
      recent.assign(all.begin(), all.begin() + std::min<size_t>(all.size(), options.history - 1));
      const auto expected = extract_features(board, options);
      std::vector<float> full(expected.size()), short_history(expected.size());
      extract_features(board.position(), all, board.to_move(), board.rules(), options, full.data());
      extract_features(board.position(), recent, board.to_move(), board.rules(), options,
                       short_history.data());
      ASSERT_EQ(full, expected) << "game " << game << " move " << move;
      const size_t area = static_cast<size_t>(board.size() * board.size());
      for (int k = 0; k < planes; ++k) {
        if (k == 2 * options.history + 1) continue;
        for (size_t i = 0; i < area; ++i) {
          ASSERT_EQ(short_history[k * area + i], expected[k * area + i]) << "plane " << k;
        }
      }
      ++states;
      auto legal = board.legal_moves(board.to_move());
      const int stones = board.position().stone_count(B) + board.position().stone_count(W);
      before.push_back(board.position());
      const Move m = legal.empty() || rng.below(12) == 0 ? Move::pass() : legal[rng.below(legal.size())];
      board.play(m);
      if (board.position().stone_count(B) + board.position().stone_count(W) < stones + 1 && !m.is_pass())
        ++captures;
    }
  }
  EXPECT_GT(states, 300);
  EXPECT_GT(captures, 5);  // the games exercised captures (and so liberties and ko)
}

}  // namespace
}  // namespace traceplay::go
