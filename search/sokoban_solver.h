// Solver mode: provably move-optimal Sokoban plans, much faster than trace mode.
//
// A* over *push states*: the sorted box cells and the worker's exact cell. An edge is
// "walk to the cell behind a box (worker BFS, boxes are obstacles) and push it once",
// costing walk + 1 moves, so the cheapest path in this graph is the cheapest move
// sequence (walks between pushes are shortest paths; nothing else changes the boxes).
// h = the minimum-cost matching of boxes to docks on single-box push distances
// (search/sokoban_push_distances.h): every push moves one box one cell and costs at
// least one move, so h is admissible and consistent, and the first goal popped is
// move-optimal. Pruned, because they can never be solved: pushes onto dead squares and
// pushes that freeze a box off a dock (freeze deadlocks).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "games/grid.h"
#include "games/sokoban/level.h"
#include "search/astar.h"

namespace traceplay::search {

struct SolverOptions {
  uint64_t max_expansions = 0;              // 0: no limit
  double time_limit_s = 0;                  // 0: no limit
  const std::atomic<bool>* stop = nullptr;  // polled; set it to abandon the search
};

struct SolverResult {
  SearchStatus status = SearchStatus::kUnsolvable;
  int cost = 0;             // moves (solved only)
  int pushes = 0;           // pushes in the plan (solved only)
  uint64_t expansions = 0;  // push states expanded
  uint64_t generated = 0;   // children made (after pruning)
  std::vector<Pos> plan;    // worker positions, start first (solved only)
  bool solved() const { return status == SearchStatus::kSolved; }
};

// Keeps the search buffers between levels (the benchmark solves a thousand).
class SokobanSolver {
 public:
  SokobanSolver();
  ~SokobanSolver();
  SokobanSolver(const SokobanSolver&) = delete;
  SokobanSolver& operator=(const SokobanSolver&) = delete;

  // The plan of a solved level is replayed (sokoban::check_plan) before it is returned.
  SolverResult solve(const sokoban::Level& level, const SolverOptions& options = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace traceplay::search
