// The maze as an A* domain: a state is a cell index x + W*y. The reference breaks ties
// by the hash x + 100000*y, which orders cells exactly as the index does (x < W).
#pragma once

#include <cstddef>
#include <cstdint>

#include "games/maze/maze_task.h"

namespace traceplay::search {

class MazeDomain {
 public:
  using State = int32_t;
  static constexpr bool kDenseStates = true;
  static constexpr bool kTieKeyIsTotal = true;

  explicit MazeDomain(const maze::MazeTask& task) : MazeDomain(task, task.start(), task.goal()) {}
  // The task's walls with other endpoints (the generator tries many on one layout).
  MazeDomain(const maze::MazeTask& task, Pos start, Pos goal)
      : task_(task),
        width_(task.width()),
        height_(task.height()),
        start_(task.index(start)),
        goal_(task.index(goal)),
        goal_x_(goal.x),
        goal_y_(goal.y) {}

  State start() const { return start_; }
  bool is_goal(State s) const { return s == goal_; }
  int heuristic(State s) const {
    const int x = s % width_, y = s / width_;
    return (x > goal_x_ ? x - goal_x_ : goal_x_ - x) + (y > goal_y_ ? y - goal_y_ : goal_y_ - y);
  }
  // Neighbour order of the reference: up (y+1), down (y-1), left, right.
  template <class Emit>
  void expand(State s, Emit&& emit) const {
    const int x = s % width_, y = s / width_;
    if (y + 1 < height_ && !task_.is_wall_index(s + width_)) emit(s + width_, 1);
    if (y > 0 && !task_.is_wall_index(s - width_)) emit(s - width_, 1);
    if (x > 0 && !task_.is_wall_index(s - 1)) emit(s - 1, 1);
    if (x + 1 < width_ && !task_.is_wall_index(s + 1)) emit(s + 1, 1);
  }
  uint64_t tie_key(State s) const { return static_cast<uint64_t>(s); }
  bool tie_less(State a, State b) const { return a < b; }
  size_t num_states() const { return static_cast<size_t>(width_) * height_; }
  size_t state_index(State s) const { return static_cast<size_t>(s); }

  const maze::MazeTask& task() const { return task_; }

 private:
  const maze::MazeTask& task_;
  int width_, height_;
  State start_, goal_;
  int goal_x_, goal_y_;
};

}  // namespace traceplay::search
