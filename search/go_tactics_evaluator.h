// The goal-aware leaf evaluator of MCTS on a go-tactics task (DESIGN.md, "Go tactics"
// and "Trace format"): leaves are judged by the task's goal (search/go_tactics_goal.h),
// never by Go scoring. Used with the same GoTacticsGoal as the search's LeafJudge, which
// takes the leaves where the goal is already decided; this evaluator values the others.
//
// value: the mean over `playouts` rollouts, each +1 / -1 for the leaf's side to move as
//   the goal decides it. A rollout plays from the leaf with the plies left of the horizon
//   (horizon - EvalQuery::depth), stopping at the first decision (the horizon ends every
//   one); each move is, with probability 1/2, a uniformly drawn legal liberty of the
//   target chain (where tactics are fought: the attacker fills, the defender extends),
//   and otherwise a light playout move (games/go/playout.h: never an own true eye), pass
//   when there is none. Rollout k draws from Rng::stream(query seed, k).
// prior (GoTacticsPrior::kSolverOrder): the solver's move order (games/go/tactics_solver.h)
//   made soft: weight 4 on the target chain's liberties, 2 on the liberties of the
//   attacker's chains that touch the target and have fewer than safe_liberties liberties
//   (capturing them saves, guarding them keeps the net), 1 on every other point and on
//   pass; normalised. kUniform: the same weight everywhere, so that the search alone finds
//   the move (on generated 7x7 tasks the solver-order prior is right at its first choice
//   about 4 times in 5: a teacher whose trace shows little search).
// Thread-safe (const, no state): randomness comes from the query's seed.
#pragma once

#include <string>
#include <vector>

#include "core/rng.h"
#include "search/evaluator.h"
#include "search/go_tactics_goal.h"

namespace traceplay::search {

enum class GoTacticsPrior { kSolverOrder, kUniform };

class GoTacticsEvaluator final : public Evaluator {
 public:
  // Throws std::invalid_argument unless playouts >= 1.
  GoTacticsEvaluator(const GoTacticsGoal& goal, int playouts,
                     GoTacticsPrior prior_kind = GoTacticsPrior::kSolverOrder);

  void evaluate(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) const override;
  std::string name() const override { return "go-tactics"; }

  // One rollout's outcome for `to_move` of `position` with `plies_left` and `passes`.
  double rollout(const go::Position& position, go::Color to_move, int plies_left, int passes, Rng& rng) const;
  // The prior above, size * size + 1 entries (x + size * y, pass last).
  std::vector<float> prior(const go::Position& position) const;

 private:
  GoTacticsGoal goal_;
  int playouts_;
  GoTacticsPrior prior_kind_;
};

}  // namespace traceplay::search
