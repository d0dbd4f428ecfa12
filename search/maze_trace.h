// Maze traces as Searchformer tokens (DESIGN.md, pinned): prompt `start x y goal x y
// wall x y ...` (walls in ascending x + W*y), steps `create|close x y c<g> c<h>`, plan
// `plan x y ...`; vocabulary `0..max(W,H)-1`, `c0..c(W*H-1)`, keywords.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/vocabulary.h"
#include "games/maze/maze_task.h"
#include "search/astar.h"
#include "search/maze_domain.h"

namespace traceplay::search {

Vocabulary maze_vocabulary(int width, int height);

std::vector<std::string> maze_prompt(const maze::MazeTask& task);
// The task a prompt describes, on a width x height grid: the way back from maze_prompt,
// for replaying plans that a model wrote. Throws UserError naming the token for anything
// that is not a well-formed prompt (and MazeTask's own reason for an invalid task).
maze::MazeTask maze_task_from_prompt(const std::vector<std::string>& prompt, int width, int height);
// The layout tokens (the `wall x y` triples), whose hash is a record's "layout".
std::vector<std::string> maze_layout_tokens(const maze::MazeTask& task);

// Token ids of one maze vocabulary, looked up once so that tracing writes ids directly.
struct MazeTokenIds {
  explicit MazeTokenIds(const Vocabulary& vocabulary, int width, int height);
  int32_t start, goal, wall, create, close, plan;
  std::vector<int32_t> coordinate;  // by value
  std::vector<int32_t> cost;        // c<value>
};

// Trace sink writing token ids of the trace and the plan.
class MazeTokenSink {
 public:
  MazeTokenSink(const MazeTokenIds& ids, int width, std::vector<int32_t>& trace, std::vector<int32_t>& plan)
      : ids_(ids), width_(width), trace_(trace), plan_(plan) {}

  void on_create(int32_t cell, int g, int h) { step(ids_.create, cell, g, h); }
  void on_close(int32_t cell, int g, int h) { step(ids_.close, cell, g, h); }
  void on_plan(int32_t cell, int, int) {
    plan_.push_back(ids_.plan);
    plan_.push_back(ids_.coordinate[static_cast<size_t>(cell % width_)]);
    plan_.push_back(ids_.coordinate[static_cast<size_t>(cell / width_)]);
  }

 private:
  void step(int32_t action, int32_t cell, int g, int h) {
    trace_.push_back(action);
    trace_.push_back(ids_.coordinate[static_cast<size_t>(cell % width_)]);
    trace_.push_back(ids_.coordinate[static_cast<size_t>(cell / width_)]);
    trace_.push_back(ids_.cost.at(static_cast<size_t>(g)));
    trace_.push_back(ids_.cost.at(static_cast<size_t>(h)));
  }

  const MazeTokenIds& ids_;
  int width_;
  std::vector<int32_t>& trace_;
  std::vector<int32_t>& plan_;
};

// One traced search as token strings: for `solve --trace`, tests and tools.
struct MazeTrace {
  AStarResult<int32_t> result;
  std::vector<std::string> prompt, trace, plan;
};
MazeTrace trace_maze(const maze::MazeTask& task, const AStarOptions& options = {});

}  // namespace traceplay::search
