#include "search/go_tactics_goal.h"

#include <stdexcept>

namespace traceplay::search {

GoTacticsGoal::GoTacticsGoal(const go::Position& position, go::Move target, const go::TacticsGoal& goal)
    : target_(position.point(target)), defender_(position.at(target.x, target.y)), goal_(goal) {
  if (target.is_pass() || defender_ == go::Color::kEmpty)
    throw std::invalid_argument("GoTacticsGoal: the target must be a stone");
}

std::optional<double> GoTacticsGoal::decided(const go::Position& position, go::Color to_move, int depth,
                                             int passes) const {
  return decided_with(position, to_move, goal_.horizon - depth, passes);
}

std::optional<double> GoTacticsGoal::decided_with(const go::Position& position, go::Color to_move,
                                                  int plies_left, int passes) const {
  const double defender_value = to_move == defender_ ? 1.0 : -1.0;
  if (position.at(target_) != defender_) return -defender_value;
  const int libs = position.liberties(target_);
  if (libs >= goal_.safe_liberties || plies_left <= 0 || passes >= 2) return defender_value;
  const int attacker_moves = to_move == defender_ ? plies_left / 2 : (plies_left + 1) / 2;
  if (attacker_moves < libs) return defender_value;
  return std::nullopt;
}

}  // namespace traceplay::search
