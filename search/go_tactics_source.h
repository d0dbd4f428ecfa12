// Dataset records for Go tactics (DESIGN.md, "Go tactics"): positions from random
// playouts, a target chain with few liberties, kept when the exact solver
// (games/go/tactics_solver.h) proves a non-empty set of winning first moves within its
// node limit and the task is contested (the side to move must act: for `save`, passing
// loses; for `capture`, the defender to move could save the chain). Or the curated
// problems of an SGF collection (search/go_tactics_problems.h), problem k as layout k,
// kept when proven with a non-empty set (no contest test: a curated problem is asked).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/trace_source.h"

namespace traceplay::search {

struct GoTacticsSourceParams {
  int size = 7;                 // kMinTacticsBoardSize..kMaxTacticsBoardSize
  int safe_liberties = 3;       // the goal: the target escapes with this many liberties (2..4)
  int horizon = 16;             // the goal: plies within which the capture must happen (1..64)
  uint64_t max_nodes = 200000;  // solver positions per task; tasks over it are dropped
  std::string problems_file;    // an SGF collection instead of playouts (then `size` is the file's)
};

// Throws UserError on parameters out of range (naming the range).
std::unique_ptr<TraceSource> make_go_tactics_source(const GoTacticsSourceParams& params);

}  // namespace traceplay::search
