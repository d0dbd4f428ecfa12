// The light random playout: both sides play uniformly random legal moves that do not
// fill their own true eyes (Position::is_eye), until two passes in a row or a move cap,
// and the final position is scored by area. Simple ko only (no superko: long cycles end
// at the cap). This is the baseline bot's evaluation and `traceplay bench go`'s workload.
//
// Random pick without building a move list: start at a random index of the position's
// empty-point list and scan forward (wrapping) to the first playable point, as libEGO
// does. Deterministic for a given Rng state.
#pragma once

#include <cstddef>  // before core/rng.h, which uses size_t

#include "core/rng.h"
#include "games/go/position.h"

namespace traceplay::go {

struct PlayoutResult {
  int area_difference = 0;  // Black's area minus White's (Tromp-Taylor), no komi
  int moves = 0;            // moves played, passes included
  bool ended_by_passes = false;
  double score(double komi) const { return area_difference - komi; }  // > 0: Black wins
};

// A random playable point for c (not a true own eye, legal under simple ko, no suicide),
// or Position::kNoPoint (pass) when there is none.
int random_playout_move(const Position& position, Color c, Rng& rng);

// Plays out `position` in place with c to move first. max_moves <= 0 means 3 * size^2.
PlayoutResult run_playout(Position& position, Color c, Rng& rng, int max_moves = 0);

}  // namespace traceplay::go
