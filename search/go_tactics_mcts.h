// The MCTS teacher of go-tactics datasets (DESIGN.md, "Go tactics"): MCTS (search/mcts.h)
// on the task's position with the goal as its LeafJudge (search/go_tactics_goal.h) and the
// goal-aware evaluator (search/go_tactics_evaluator.h), one thread, a seed, a fixed number
// of simulations; every simulation recorded for the trace (search/go_tactics_trace.h)
// through ThinkRequest::on_simulation, and the most visited root move chosen.
//
// The board: the task's stones set up on an empty board, its side to move, its simple-ko
// point (when it binds the side to move), no superko (the tactics game has none), komi 0
// (never read: the goal decides every leaf that two passes reach).
// Same task, settings and seed: the same run, byte for byte.
#pragma once

#include <cstdint>
#include <vector>

#include "games/go/board.h"
#include "games/go/tactics_solver.h"
#include "search/go_tactics_prompt.h"
#include "search/go_tactics_trace.h"
#include "search/mcts_settings.h"

namespace traceplay::search {

struct GoTacticsMctsParams {
  int simulations = 64;        // the search's visit limit (the root's own evaluation is the first)
  double c_puct = 2.0;         // MctsSettings' default
  int rollouts = 4;            // rollouts per evaluated leaf
  bool uniform_prior = false;  // GoTacticsPrior::kUniform instead of the solver order
};

struct GoTacticsMctsRun {
  std::vector<TraceSimulation> simulations;
  go::Move move;  // the most visited root move (pass when the root has none)
};

// The Board of a task as above.
go::Board go_tactics_board(const GoTacticsTask& task);
// The MctsSettings of a run: one thread, the seed, c_puct; no noise, no tree reuse.
MctsSettings go_tactics_mcts_settings(const GoTacticsMctsParams& params, uint64_t seed);

GoTacticsMctsRun run_go_tactics_mcts(const GoTacticsTask& task, const go::TacticsGoal& goal,
                                     const GoTacticsMctsParams& params, uint64_t seed);

}  // namespace traceplay::search
