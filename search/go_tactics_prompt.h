// The go-tactics tokens (DESIGN.md, "Trace format", pinned): the vocabulary of a
// board size, a task's prompt, its plan, and the prompt read back into a position.
//
//   prompt: black x y ... white x y ... [ko x y] to_move black|white capture|save x y
//     stones row by row (ascending x + size*y), Black's first; `ko x y` when the side to
//     move may not play there (simple ko); the goal is `capture` when the target is the
//     opponent's, `save` when it is the side to move's own; x y is the target chain's
//     first stone row by row.
//   plan: plan x y | plan pass (the move MCTS chose: the teacher's; DESIGN.md "Go tactics").
//   trace: the MCTS run's simulations (search/go_tactics_trace.h).
//   vocabulary (size N): bos eos, then 0..N-1 black capture ko pass plan save sim
//     to_move v0..v8 white, sorted as strings (core/vocabulary.h).
// Coordinates as games/go: x the column from the left, y the row from the top.
#pragma once

#include <string>
#include <vector>

#include "core/vocabulary.h"
#include "games/go/position.h"
#include "games/go/types.h"

namespace traceplay::search {

// go-tactics datasets are made on boards of this size range (the solver needs more
// effort per task the larger the board; the tasks are for 5x5..9x9 as issue [9] asks).
constexpr int kMinTacticsBoardSize = 5;
constexpr int kMaxTacticsBoardSize = 9;

Vocabulary go_tactics_vocabulary(int size);

// The prompt of a task; `target` must be a stone. The ko point is written when the
// position's ko forbids `to_move` a point.
std::vector<std::string> go_tactics_prompt(const go::Position& position, go::Color to_move, go::Move target);
// The layout tokens of a prompt: its `black x y` and `white x y` triples (the stones),
// whose XXH64 decides the split, so one position's tasks share a split.
std::vector<std::string> go_tactics_layout_tokens(const std::vector<std::string>& prompt);
std::vector<std::string> go_tactics_plan(go::Move move);

// A point as dataset meta writes it: x + size * y, size * size for a pass (as the
// self-play records).
inline int go_point_index(go::Move m, int size) { return m.is_pass() ? size * size : m.x + size * m.y; }

struct GoTacticsTask {
  go::Position position;
  go::Color to_move = go::Color::kBlack;
  go::Move target;
};

// Reads a prompt back; throws UserError naming what is wrong (a token out of place, a
// coordinate off the board, a point given twice, a chain without liberties, a ko point
// that is not empty, no target, a target that is no stone or whose colour contradicts
// the goal).
GoTacticsTask parse_go_tactics_prompt(const std::vector<std::string>& tokens, int size);

}  // namespace traceplay::search
