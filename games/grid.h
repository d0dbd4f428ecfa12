// Grid positions and the result of checking a plan, shared by the grid puzzles.
#pragma once

#include <string>

namespace traceplay {

struct Pos {
  int x = 0, y = 0;
  friend bool operator==(Pos a, Pos b) { return a.x == b.x && a.y == b.y; }
  friend bool operator!=(Pos a, Pos b) { return !(a == b); }
};

inline int manhattan(Pos a, Pos b) {
  return (a.x > b.x ? a.x - b.x : b.x - a.x) + (a.y > b.y ? a.y - b.y : b.y - a.y);
}

// Outcome of replaying a plan in a domain's simulator. Evaluation trusts nothing a
// model writes: every plan goes through one of these checks.
struct PlanCheck {
  bool valid = false;
  int moves = 0;       // plan positions - 1, when valid
  std::string reason;  // why it is not valid (empty when valid)

  static PlanCheck ok(int moves) { return {true, moves, {}}; }
  static PlanCheck fail(std::string why) { return {false, 0, std::move(why)}; }
};

}  // namespace traceplay
