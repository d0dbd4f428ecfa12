// Input planes for a policy-value network, written into a caller-provided float buffer
// (planes x size x size, row-major: plane k, row y, column x at [k*n*n + y*n + x]).
//
// Plane order, with h = FeatureOptions::history:
//   2t, 2t+1 (t = 0..h-1)  stones of the side to move / of the opponent, t states ago
//                          (t = 0 is now; before the game's start, the first state)
//   2h       1 everywhere if Black is to move, else 0
//   2h + 1   legal moves of the side to move (superko included)
//   2h + 2   stones (either colour) whose chain has exactly 1 liberty
//   2h + 3   ... exactly 2 liberties
//   2h + 4   ... 3 or more liberties
//   2h + 5   komi from the side to move's view (+komi for White, -komi for Black) / 15
//   2h + 6   1 everywhere (marks the board under zero padding)
#pragma once

#include <cstddef>
#include <vector>

#include "games/go/board.h"
#include "games/go/position.h"
#include "games/go/rules.h"

namespace traceplay::go {

struct FeatureOptions {
  int history = 8;  // positions of stones, now included
};

int feature_planes(const FeatureOptions& options);

// Writes feature_planes(options) * size^2 floats to out.
void extract_features(const Board& board, const FeatureOptions& options, float* out);

// The same planes from what a search query carries (search::EvalQuery): the position,
// the positions before it (newest first, history[0] = one move ago; where there are
// fewer than options.history - 1, the oldest given repeats, as Board's stones_ago does
// before the game's start), the side to move and the rules (komi, suicide, superko).
// Legal moves: empty, not the simple-ko point, not suicide unless allowed, and under
// superko not repeating the position or one of `history` -- older positions are not
// known here, so a move repeating only an older position is marked legal where the
// Board version (which knows the whole game) would not. Otherwise equal to the Board
// version for the same state.
void extract_features(const Position& position, const std::vector<const Position*>& history, Color to_move,
                      const Rules& rules, const FeatureOptions& options, float* out);

inline std::vector<float> extract_features(const Board& board, const FeatureOptions& options = {}) {
  std::vector<float> out(static_cast<size_t>(feature_planes(options) * board.size() * board.size()));
  extract_features(board, options, out.data());
  return out;
}

}  // namespace traceplay::go
