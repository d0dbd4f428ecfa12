// Which stones are dead in a finished (or nearly finished) game that was not played out:
// the scorer behind GTP's final_score and final_status_list.
//
// Light playouts from the position give each point's ownership (how often it ends as
// Black's or White's area). A chain is dead when its points end up the opponent's in
// most playouts (both sides start half of them), except that (1) a pass-alive chain
// (Benson) is never dead; (2) a chain in seki is not dead: one of its liberties, shared
// with the opponent, is a self-atari for both sides (random playouts fill such points and
// kill whoever fills first); (3) dead stones must lie in the opponent's area once they
// are removed (otherwise they are not surrounded).
// Rule (1) and (2) keep it from inventing dead stones in settled positions, where every
// dead stone was already captured (two true eyes survive every playout by the eye rule).
#pragma once

#include <cstdint>
#include <vector>

#include "games/go/board.h"

namespace traceplay::go {

struct DeadStoneOptions {
  int playouts = 0;          // 0: 400 on boards up to 9x9, 200 beyond (about 20 ms here)
  uint64_t seed = 1;         // the estimate is deterministic for a seed
  double dead_below = 0.55;  // a chain is dead when it keeps its points in fewer playouts
};

struct DeadStoneEstimate {
  std::vector<Move> dead;        // dead stones, row by row
  std::vector<Move> seki;        // stones of chains kept alive only by the seki rule (2), row by row
  std::vector<float> ownership;  // per point (x + size * y): +1 always Black's .. -1 always White's
  std::vector<float> survival;   // per stone point: share of playouts its colour kept it; -1 if empty
};

DeadStoneEstimate estimate_dead_stones(const Board& board, const DeadStoneOptions& options = {});

}  // namespace traceplay::go
