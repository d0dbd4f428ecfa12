// The single-box relaxation of a Sokoban level, the solver's lower bounds: how many
// pushes a box needs from each cell to each dock if it were the only box (the worker
// only has to stand behind it: a push from c in direction d needs c-d and c+d off the
// walls). Cells from which no dock can be reached are *dead squares*: a box pushed
// there can never be solved, so the solver never pushes one there (the classic
// "simple deadlock" test).
#pragma once

#include <cstdint>
#include <vector>

#include "games/sokoban/level.h"

namespace traceplay::search {

inline constexpr int32_t kUnreachable = 1 << 24;

struct PushDistances {
  int num_docks = 0;
  // to_dock[c * num_docks + j]: pushes from cell c to dock j, kUnreachable if none.
  std::vector<int32_t> to_dock;
  std::vector<uint8_t> dead;     // per cell: no dock reachable
  std::vector<uint8_t> blocked;  // per cell: a wall, or floor the worker can never reach

  int32_t at(int cell, int dock) const { return to_dock[static_cast<size_t>(cell) * num_docks + dock]; }
};

// Cells the worker can never reach (walled-off floor) count as walls: no box gets there.
PushDistances compute_push_distances(const sokoban::Level& level);

}  // namespace traceplay::search
