#include "search/maze_trace.h"

#include <algorithm>

#include "core/error.h"
#include "search/prompt_reader.h"

namespace traceplay::search {

Vocabulary maze_vocabulary(int width, int height) {
  std::vector<std::string> tokens;
  for (int i = 0; i < std::max(width, height); ++i) tokens.push_back(std::to_string(i));
  for (int i = 0; i < width * height; ++i) tokens.push_back("c" + std::to_string(i));
  for (const char* k : {"start", "goal", "wall", "create", "close", "plan"}) tokens.emplace_back(k);
  return Vocabulary::from_tokens(std::move(tokens));
}

std::vector<std::string> maze_layout_tokens(const maze::MazeTask& task) {
  std::vector<std::string> out;
  for (Pos w : task.walls()) {
    out.emplace_back("wall");
    out.push_back(std::to_string(w.x));
    out.push_back(std::to_string(w.y));
  }
  return out;
}

std::vector<std::string> maze_prompt(const maze::MazeTask& task) {
  std::vector<std::string> out{"start", std::to_string(task.start().x), std::to_string(task.start().y),
                               "goal",  std::to_string(task.goal().x),  std::to_string(task.goal().y)};
  const auto layout = maze_layout_tokens(task);
  out.insert(out.end(), layout.begin(), layout.end());
  return out;
}

maze::MazeTask maze_task_from_prompt(const std::vector<std::string>& prompt, int width, int height) {
  const PromptReader reader(prompt, width, height, "maze prompt");
  reader.expect(0, "start");
  const Pos start = reader.position(1);
  reader.expect(3, "goal");
  const Pos goal = reader.position(4);
  std::vector<Pos> walls;
  for (size_t i = 6; i < prompt.size(); i += 3) {
    reader.expect(i, "wall");
    walls.push_back(reader.position(i + 1));
  }
  return maze::MazeTask(width, height, start, goal,
                        std::move(walls));  // its own UserError for an invalid task
}

MazeTokenIds::MazeTokenIds(const Vocabulary& v, int width, int height)
    : start(v.id("start")),
      goal(v.id("goal")),
      wall(v.id("wall")),
      create(v.id("create")),
      close(v.id("close")),
      plan(v.id("plan")) {
  for (int i = 0; i < std::max(width, height); ++i) coordinate.push_back(v.id(std::to_string(i)));
  for (int i = 0; i < width * height; ++i) cost.push_back(v.id("c" + std::to_string(i)));
}

namespace {
// String form of the steps, for tools (the generator writes ids through MazeTokenSink).
struct StringSink {
  int width;
  std::vector<std::string>& trace;
  std::vector<std::string>& plan;
  void step(const char* action, int32_t cell, int g, int h) {
    trace.emplace_back(action);
    trace.push_back(std::to_string(cell % width));
    trace.push_back(std::to_string(cell / width));
    trace.push_back("c" + std::to_string(g));
    trace.push_back("c" + std::to_string(h));
  }
  void on_create(int32_t cell, int g, int h) { step("create", cell, g, h); }
  void on_close(int32_t cell, int g, int h) { step("close", cell, g, h); }
  void on_plan(int32_t cell, int, int) {
    plan.emplace_back("plan");
    plan.push_back(std::to_string(cell % width));
    plan.push_back(std::to_string(cell / width));
  }
};
}  // namespace

MazeTrace trace_maze(const maze::MazeTask& task, const AStarOptions& options) {
  MazeTrace out;
  out.prompt = maze_prompt(task);
  MazeDomain domain(task);
  StringSink sink{task.width(), out.trace, out.plan};
  AStar<MazeDomain> astar;
  out.result = astar.run(domain, options, sink);
  return out;
}

}  // namespace traceplay::search
