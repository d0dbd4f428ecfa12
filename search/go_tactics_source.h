// Dataset records for Go tactics (DESIGN.md, "Go tactics"): positions from random
// playouts, a target chain with few liberties, kept when the exact solver
// (games/go/tactics_solver.h) proves a non-empty set of winning first moves within its
// node limit and the task is contested (the side to move must act: for `save`, passing
// loses; for `capture`, the defender to move could save the chain). Or the curated
// problems of an SGF collection (search/go_tactics_problems.h), problem k as layout k,
// kept when proven with a non-empty set (no contest test: a curated problem is asked).
// Each kept task is then searched by the MCTS teacher (search/go_tactics_mcts.h): its
// simulations are the record's trace, its chosen move the plan (what a model imitates),
// and meta says whether that move is proven winning. The MCTS seed is the record's id
// (deterministic: the trace is a function of the task and the MCTS settings) or drawn from
// the layout's stream (non-deterministic: another dataset seed, other traces).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/trace_source.h"
#include "search/go_tactics_mcts.h"

namespace traceplay::search {

struct GoTacticsSourceParams {
  int size = 7;                 // kMinTacticsBoardSize..kMaxTacticsBoardSize
  int safe_liberties = 3;       // the goal: the target escapes with this many liberties (2..4)
  int horizon = 16;             // the goal: plies within which the capture must happen (1..64)
  uint64_t max_nodes = 200000;  // solver positions per task; tasks over it are dropped
  std::string problems_file;    // an SGF collection instead of playouts (then `size` is the file's)
  GoTacticsMctsParams mcts;     // the teacher (simulations 1..kMaxTacticsSimulations, ...)
  bool deterministic = true;    // the MCTS seed: the record's id, or the layout's stream
};

constexpr int kMaxTacticsSimulations = 100000;
constexpr int kMaxTacticsRollouts = 64;
constexpr double kMaxTacticsCPuct = 100;

// Throws UserError on parameters out of range (naming the range).
std::unique_ptr<TraceSource> make_go_tactics_source(const GoTacticsSourceParams& params);

}  // namespace traceplay::search
