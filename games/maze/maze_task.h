// A maze navigation task as the Searchformer reference defines it: a W x H grid, x to
// the right and y *up* ("up" is y+1), walls, a start and a goal; 4-neighbourhood, unit
// step costs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "games/grid.h"

namespace traceplay::maze {

class MazeTask {
 public:
  MazeTask() = default;
  // Validates everything (sizes, positions in bounds, start/goal not walls, distinct
  // walls); throws UserError with the reason.
  MazeTask(int width, int height, Pos start, Pos goal, std::vector<Pos> walls);

  int width() const { return width_; }
  int height() const { return height_; }
  Pos start() const { return start_; }
  Pos goal() const { return goal_; }
  int num_cells() const { return width_ * height_; }
  int index(Pos p) const { return p.x + width_ * p.y; }
  Pos pos(int index) const { return {index % width_, index / width_}; }
  bool in_bounds(Pos p) const { return p.x >= 0 && p.y >= 0 && p.x < width_ && p.y < height_; }
  bool is_wall(Pos p) const { return blocked_[static_cast<size_t>(index(p))] != 0; }
  bool is_wall_index(int index) const { return blocked_[static_cast<size_t>(index)] != 0; }
  // Walls in ascending index x + W*y (the reference's prompt order).
  std::vector<Pos> walls() const;
  int num_walls() const;

  // The task file of the CLI (pinned): {"width","height","start":[x,y],"goal":[x,y],
  // "walls":[[x,y],...]}. Throws UserError naming the field.
  static MazeTask from_json(const nlohmann::json& j);
  static MazeTask load(const std::string& path);
  nlohmann::json to_json() const;

  // Replays a plan (positions, start first): starts at the start, ends at the goal,
  // stays in bounds and off walls, moves one cell a step.
  PlanCheck check_plan(const std::vector<Pos>& plan) const;

 private:
  int width_ = 0, height_ = 0;
  Pos start_, goal_;
  std::vector<uint8_t> blocked_;
};

}  // namespace traceplay::maze
