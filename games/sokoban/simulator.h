// Playing a Sokoban level: worker steps up/down/left/right (unit cost, pushes
// included). A step into a box pushes it one cell when the cell behind it is free
// (not a wall, not another box, inside the grid); anything else is illegal and
// changes nothing. Plans are the worker's positions; LURD strings write the same
// steps as letters (lowercase = move, uppercase = push).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "games/grid.h"
#include "games/sokoban/level.h"

namespace traceplay::sokoban {

// In the reference's neighbour order. y grows down: up is y-1.
enum class Dir : uint8_t { kUp, kDown, kLeft, kRight };
inline constexpr Dir kDirs[4] = {Dir::kUp, Dir::kDown, Dir::kLeft, Dir::kRight};
inline Pos step(Pos p, Dir d) {
  switch (d) {
    case Dir::kUp:
      return {p.x, p.y - 1};
    case Dir::kDown:
      return {p.x, p.y + 1};
    case Dir::kLeft:
      return {p.x - 1, p.y};
    default:
      return {p.x + 1, p.y};
  }
}
char lurd_letter(Dir d, bool push);

enum class MoveResult : uint8_t { kIllegal, kMoved, kPushed };

// A level being played: the worker's cell and which cells hold boxes.
class Board {
 public:
  explicit Board(const Level& level);
  MoveResult move(Dir d);
  int worker() const { return worker_; }
  bool has_box(int cell) const { return box_[static_cast<size_t>(cell)] != 0; }
  // Every box on a dock.
  bool solved() const { return loose_ == 0; }
  std::vector<int> boxes() const;  // ascending cell indices

 private:
  const Level& level_;
  int worker_;
  std::vector<uint8_t> box_;
  int loose_ = 0;  // boxes not on a dock
};

// Replays a plan (worker positions, start first): it must begin at the worker, move
// one cell a step, make only legal moves, and end with every box on a dock. The one
// check every evaluation of a Sokoban plan goes through.
PlanCheck check_plan(const Level& level, const std::vector<Pos>& plan);

// LURD string of a legal plan; throws std::invalid_argument when a step is illegal.
std::string plan_to_lurd(const Level& level, const std::vector<Pos>& plan);
// The worker positions of a LURD string (case is not trusted: the simulator decides
// what pushes); throws std::invalid_argument on an unknown letter or an illegal move.
std::vector<Pos> lurd_to_plan(const Level& level, std::string_view lurd);

}  // namespace traceplay::sokoban
