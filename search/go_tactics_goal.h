// The goal of a go-tactics task (games/go/tactics_solver.h, DESIGN.md "Go tactics") as a
// LeafJudge for MCTS (search/leaf_judge.h): a leaf is decided exactly where the solver's
// search stops without looking at moves, with the solver's value:
//   - the target's stone (the given point) no longer holds the defender's colour: the
//     attacker has won;
//   - the target has at least safe_liberties liberties, the horizon's plies are used up,
//     or two passes came in a row: the defender has won;
//   - the attacker has fewer moves left within the horizon than the target has liberties
//     (a move fills at most one liberty): the defender wins by passing, a proven result.
// Value +1 / -1 for the side to move. The search's root is the task, so a leaf `depth`
// plies down has horizon - depth plies left.
#pragma once

#include <optional>

#include "games/go/position.h"
#include "games/go/tactics_solver.h"
#include "games/go/types.h"
#include "search/leaf_judge.h"

namespace traceplay::search {

class GoTacticsGoal final : public LeafJudge {
 public:
  // `target` must hold a stone of `position` (its colour is the defender's).
  GoTacticsGoal(const go::Position& position, go::Move target, const go::TacticsGoal& goal);

  std::optional<double> decided(const go::Position& position, go::Color to_move, int depth,
                                int passes) const override;
  // The same with the plies left counted directly (rollouts count down).
  std::optional<double> decided_with(const go::Position& position, go::Color to_move, int plies_left,
                                     int passes) const;

  int target_point() const { return target_; }  // the Position's padded index
  go::Color defender() const { return defender_; }
  const go::TacticsGoal& goal() const { return goal_; }

 private:
  int target_;
  go::Color defender_;
  go::TacticsGoal goal_;
};

}  // namespace traceplay::search
