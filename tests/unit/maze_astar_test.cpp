// A* on mazes against an independent breadth-first search, on thousands of random
// instances (square and not), in both tie-breaking modes; every plan replays.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "core/rng.h"
#include "search/astar.h"
#include "search/maze_domain.h"
#include "search/maze_trace.h"

namespace traceplay::search {
namespace {

using maze::MazeTask;

// Shortest path length in moves by BFS, -1 when the goal is unreachable.
int bfs_distance(const MazeTask& task) {
  std::vector<int> dist(static_cast<size_t>(task.num_cells()), -1);
  std::deque<Pos> queue{task.start()};
  dist[static_cast<size_t>(task.index(task.start()))] = 0;
  while (!queue.empty()) {
    const Pos p = queue.front();
    queue.pop_front();
    if (p == task.goal()) return dist[static_cast<size_t>(task.index(p))];
    for (Pos q : {Pos{p.x + 1, p.y}, Pos{p.x - 1, p.y}, Pos{p.x, p.y + 1}, Pos{p.x, p.y - 1}}) {
      if (!task.in_bounds(q) || task.is_wall(q) || dist[static_cast<size_t>(task.index(q))] >= 0) continue;
      dist[static_cast<size_t>(task.index(q))] = dist[static_cast<size_t>(task.index(p))] + 1;
      queue.push_back(q);
    }
  }
  return -1;
}

MazeTask random_task(Rng& rng) {
  const int w = static_cast<int>(rng.uniform_int(1, 14)), h = static_cast<int>(rng.uniform_int(1, 14));
  const double density = rng.uniform01() * 0.6;
  std::vector<Pos> walls;
  const Pos start{static_cast<int>(rng.below(w)), static_cast<int>(rng.below(h))};
  const Pos goal{static_cast<int>(rng.below(w)), static_cast<int>(rng.below(h))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (Pos{x, y} != start && Pos{x, y} != goal && rng.uniform01() < density) walls.push_back({x, y});
  return MazeTask(w, h, start, goal, walls);
}

std::vector<Pos> to_positions(const MazeTask& task, const std::vector<int32_t>& cells) {
  std::vector<Pos> out;
  for (int32_t c : cells) out.push_back(task.pos(c));
  return out;
}

TEST(MazeAStar, OptimalCostEqualsBfsOnRandomMazes) {
  Rng rng(2024);
  AStar<MazeDomain> astar;
  int solvable = 0, unsolvable = 0;
  for (int i = 0; i < 5000; ++i) {
    const MazeTask task = random_task(rng);
    const int want = bfs_distance(task);
    for (bool deterministic : {true, false}) {
      AStarOptions options;
      options.deterministic = deterministic;
      options.seed = static_cast<uint64_t>(i);
      const auto result = astar.run(MazeDomain(task), options);
      if (want < 0) {
        ASSERT_EQ(result.status, SearchStatus::kUnsolvable) << task.to_json().dump();
        continue;
      }
      ASSERT_TRUE(result.solved()) << task.to_json().dump();
      ASSERT_EQ(result.cost, want) << task.to_json().dump();
      const PlanCheck check = task.check_plan(to_positions(task, result.plan));
      ASSERT_TRUE(check.valid) << check.reason << " " << task.to_json().dump();
      ASSERT_EQ(check.moves, want);
    }
    (want < 0 ? unsolvable : solvable)++;
  }
  // The generator of instances must exercise both outcomes.
  EXPECT_GT(solvable, 2000);
  EXPECT_GT(unsolvable, 200);
}

TEST(MazeAStar, TraceIsWellFormed) {
  Rng rng(7);
  for (int i = 0; i < 500; ++i) {
    const MazeTask task = random_task(rng);
    const MazeTrace t = trace_maze(task);
    ASSERT_EQ(t.trace.size() % 5, 0u);
    if (t.trace.empty()) continue;
    // Starts with the start's create and close; every close names a created state.
    EXPECT_EQ(t.trace[0], "create");
    EXPECT_EQ(t.trace[1], std::to_string(task.start().x));
    EXPECT_EQ(t.trace[2], std::to_string(task.start().y));
    std::set<std::pair<std::string, std::string>> created;
    for (size_t s = 0; s < t.trace.size(); s += 5) {
      if (t.trace[s] == "create") created.insert({t.trace[s + 1], t.trace[s + 2]});
      else ASSERT_TRUE(created.count({t.trace[s + 1], t.trace[s + 2]})) << "close before create";
    }
    if (t.result.solved()) {
      // The goal's close is the last step (DESIGN.md: the goal's close is logged).
      const size_t last = t.trace.size() - 5;
      EXPECT_EQ(t.trace[last], "close");
      EXPECT_EQ(t.trace[last + 1], std::to_string(task.goal().x));
      EXPECT_EQ(t.trace[last + 2], std::to_string(task.goal().y));
      EXPECT_EQ(t.plan.size(), 3u * (t.result.cost + 1));
    }
  }
}

TEST(MazeAStar, NonDeterministicModeIsSeeded) {
  const MazeTask task(8, 8, {0, 0}, {7, 7}, {});  // open grid: many ties
  AStarOptions a;
  a.deterministic = false;
  a.seed = 1;
  AStarOptions b = a;
  b.seed = 2;
  EXPECT_EQ(trace_maze(task, a).trace, trace_maze(task, a).trace);
  EXPECT_NE(trace_maze(task, a).trace, trace_maze(task, b).trace);
  EXPECT_NE(trace_maze(task, a).trace, trace_maze(task).trace);
  EXPECT_EQ(trace_maze(task, a).result.cost, 14);
}

TEST(MazeAStar, LimitsStopTheSearch) {
  const MazeTask task(30, 30, {0, 0}, {29, 29}, {});
  AStarOptions options;
  options.max_expansions = 10;
  AStar<MazeDomain> astar;
  const auto result = astar.run(MazeDomain(task), options);
  EXPECT_EQ(result.status, SearchStatus::kLimit);
  EXPECT_EQ(result.expansions, 10u);
  std::atomic<bool> stop{true};
  AStarOptions stopped;
  stopped.stop = &stop;
  EXPECT_EQ(astar.run(MazeDomain(task), stopped).status, SearchStatus::kLimit);
}

TEST(MazeTask, RejectsBadTasksWithAReason) {
  EXPECT_THROW(MazeTask(0, 3, {0, 0}, {0, 0}, {}), UserError);
  EXPECT_THROW(MazeTask(3, 3, {3, 0}, {0, 0}, {}), UserError);
  EXPECT_THROW(MazeTask(3, 3, {0, 0}, {0, 0}, {{0, 0}}), UserError);
  EXPECT_THROW(MazeTask(3, 3, {0, 0}, {1, 1}, {{2, 2}, {2, 2}}), UserError);
  EXPECT_THROW(MazeTask::from_json(nlohmann::json::parse(R"({"width": 3})")), UserError);
  EXPECT_THROW(MazeTask::from_json(
                   nlohmann::json::parse(R"({"width": 3, "height": 3, "start": [0], "goal": [1, 1]})")),
               UserError);
  EXPECT_THROW(MazeTask::from_json(
                   nlohmann::json::parse(R"({"width": "3", "height": 3, "start": [0, 0], "goal": [1, 1]})")),
               UserError);
}

// A task file with a number beyond double: nlohmann throws out_of_range there, which
// escaped as anything but a UserError (the parse_error class the fuzzers found elsewhere).
TEST(MazeTask, LoadNamesAFileWithANumberBeyondDouble) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "traceplay-maze-task-1e999.json").string();
  std::ofstream(path) << R"({"width": 1e999})";
  try {
    MazeTask::load(path);
    ADD_FAILURE() << "loaded";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(MazeTask, PlanCheckNamesTheFault) {
  const MazeTask task(3, 3, {0, 0}, {0, 2}, {{0, 1}});
  EXPECT_TRUE(task.check_plan({{0, 0}, {1, 0}, {1, 1}, {1, 2}, {0, 2}}).valid);
  EXPECT_FALSE(task.check_plan({}).valid);
  EXPECT_NE(task.check_plan({{1, 0}, {1, 1}}).reason.find("start"), std::string::npos);
  EXPECT_NE(task.check_plan({{0, 0}, {0, 1}, {0, 2}}).reason.find("wall"), std::string::npos);
  EXPECT_NE(task.check_plan({{0, 0}, {1, 1}}).reason.find("adjacent"), std::string::npos);
  EXPECT_NE(task.check_plan({{0, 0}, {1, 0}}).reason.find("goal"), std::string::npos);
  EXPECT_NE(task.check_plan({{0, 0}, {-1, 0}}).reason.find("outside"), std::string::npos);
}

}  // namespace
}  // namespace traceplay::search
