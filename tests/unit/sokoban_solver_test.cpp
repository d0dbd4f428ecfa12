// Solver mode returns move-optimal plans: its costs equal an independent brute-force
// BFS over (worker, boxes) and the trace-mode A* (admissible reference heuristic, with
// re-opening) on thousands of small random levels; every plan replays.
#include <gtest/gtest.h>

#include <map>
#include <queue>

#include "core/rng.h"
#include "games/sokoban/collection.h"
#include "games/sokoban/simulator.h"
#include "search/assignment.h"
#include "search/sokoban_solver.h"
#include "search/sokoban_trace.h"
#include "test_data.h"

namespace traceplay::search {
namespace {

using sokoban::Level;

// Breadth-first search over full states with the simulator: the fewest moves, or -1.
int brute_force_moves(const Level& level) {
  using Key = std::vector<int>;  // worker, then sorted boxes
  auto key_of = [](const sokoban::Board& b) {
    Key k{b.worker()};
    const auto boxes = b.boxes();
    k.insert(k.end(), boxes.begin(), boxes.end());
    return k;
  };
  std::map<Key, int> seen;
  std::queue<std::pair<sokoban::Board, int>> queue;
  sokoban::Board start(level);
  if (start.solved()) return 0;
  seen[key_of(start)] = 0;
  queue.push({start, 0});
  while (!queue.empty()) {
    auto [board, d] = queue.front();
    queue.pop();
    for (auto dir : sokoban::kDirs) {
      sokoban::Board next = board;
      if (next.move(dir) == sokoban::MoveResult::kIllegal) continue;
      if (!seen.emplace(key_of(next), d + 1).second) continue;
      if (next.solved()) return d + 1;
      queue.push({next, d + 1});
    }
  }
  return -1;
}

// A closed random level: border walls, random interior walls, boxes/docks/worker on
// random free cells (anywhere, unlike the paper's generator, to cover more shapes).
std::optional<Level> random_level(Rng& rng) {
  const int w = static_cast<int>(rng.uniform_int(5, 7)), h = static_cast<int>(rng.uniform_int(5, 7));
  const int boxes = static_cast<int>(rng.uniform_int(1, 2));
  std::vector<int> cells;
  std::vector<Pos> walls;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (x == 0 || y == 0 || x == w - 1 || y == h - 1) walls.push_back({x, y});
      else cells.push_back(x + w * y);
    }
  rng.shuffle(cells);
  const int interior_walls = static_cast<int>(rng.uniform_int(0, static_cast<int64_t>(cells.size()) / 3));
  size_t next = 0;
  auto pos = [&](int c) { return Pos{c % w, c / w}; };
  for (int i = 0; i < interior_walls; ++i) walls.push_back(pos(cells[next++]));
  std::vector<Pos> box_pos, dock_pos;
  for (int i = 0; i < boxes; ++i) box_pos.push_back(pos(cells[next++]));
  const Pos worker = pos(cells[next++]);
  // Docks may share a cell with a box (a box starting on its dock).
  std::vector<int> dock_cells(cells.begin() + interior_walls, cells.end());
  rng.shuffle(dock_cells);
  for (int c : dock_cells) {
    if (static_cast<int>(dock_pos.size()) == boxes) break;
    if (pos(c) != worker) dock_pos.push_back(pos(c));
  }
  return Level(w, h, worker, box_pos, dock_pos, walls);
}

TEST(SokobanSolver, MatchesBruteForceAndTraceModeOnRandomLevels) {
  Rng rng(20240611);
  SokobanSolver solver;
  SokobanTracer tracer;
  int solvable = 0, unsolvable = 0, with_walk_between_pushes = 0, two_boxes = 0;
  for (int i = 0; i < 10000; ++i) {
    const auto level = random_level(rng);
    ASSERT_TRUE(level);
    SCOPED_TRACE(level->to_string());
    const int want = brute_force_moves(*level);
    const SolverResult got = solver.solve(*level);
    const SokobanTraceResult traced = tracer.run(*level, {});
    if (want < 0) {
      ++unsolvable;
      EXPECT_EQ(got.status, SearchStatus::kUnsolvable);
      EXPECT_EQ(traced.status, SearchStatus::kUnsolvable);
      continue;
    }
    ++solvable;
    ASSERT_TRUE(got.solved());
    EXPECT_EQ(got.cost, want);
    ASSERT_TRUE(traced.solved());
    EXPECT_EQ(traced.cost, want);
    const PlanCheck check = sokoban::check_plan(*level, got.plan);
    EXPECT_TRUE(check.valid) << check.reason;
    EXPECT_EQ(check.moves, want);
    with_walk_between_pushes += got.cost > got.pushes;
    two_boxes += level->num_boxes() == 2;
  }
  // The sample must exercise both outcomes and real walking, or it proves little.
  EXPECT_GT(solvable, 1500);
  EXPECT_GT(unsolvable, 1500);
  EXPECT_GT(two_boxes, 300);
  EXPECT_GT(with_walk_between_pushes, 1000);
}

// Solves the first `levels` levels of a collection; where trace mode (plain A* with the
// reference heuristic, optimal but slower) finishes within `max_expansions`, both
// costs must agree. Returns how many levels were compared.
int compare_with_trace_mode(const std::string& file, size_t levels_to_check, uint64_t max_expansions) {
  const auto levels = sokoban::load_collection(testing::shared_data(file));
  SokobanSolver solver;
  SokobanTracer tracer;
  AStarOptions limited;
  limited.max_expansions = max_expansions;
  int compared = 0;
  for (size_t i = 0; i < levels_to_check; ++i) {
    SCOPED_TRACE(file + " level " + std::to_string(i + 1));
    const SolverResult got = solver.solve(levels[i].level);
    EXPECT_TRUE(got.solved());
    if (!got.solved()) continue;
    EXPECT_TRUE(sokoban::check_plan(levels[i].level, got.plan).valid);
    const SokobanTraceResult traced = tracer.run(levels[i].level, limited);
    if (!traced.solved()) continue;
    EXPECT_EQ(got.cost, traced.cost);
    ++compared;
  }
  return compared;
}

TEST(SokobanSolver, MatchesTraceModeOnMicroban) {
  // The first Microban levels have 2-4 boxes: beyond brute force, within trace mode.
  EXPECT_GE(compare_with_trace_mode("sokoban/microban.xsb", 12, 2'000'000), 8);
}

TEST(SokobanSolver, MatchesTraceModeOnBoxoban) {
  // 10x10 with 4 boxes: trace mode (optimal, slower) finishes the easier levels.
  EXPECT_GE(compare_with_trace_mode("sokoban/boxoban_medium_valid_000.txt", 20, 20'000), 6);
}

TEST(SokobanSolver, ReportsUnsolvableAndLimits) {
  SokobanSolver solver;
  // The box is in a corner: dead from the start.
  const Level cornered = Level::from_rows({"#####", "#$ @#", "#  .#", "#####"});
  EXPECT_EQ(solver.solve(cornered).status, SearchStatus::kUnsolvable);
  // Two boxes that can only be pushed along the bottom row, to the same end.
  const Level freeze = Level::from_rows({"######", "#.  .#", "#@$$ #", "######"});
  EXPECT_EQ(solver.solve(freeze).status, SearchStatus::kUnsolvable);
  // Nothing to do.
  const Level done = Level::from_rows({"#####", "#@* #", "#####"});
  const SolverResult zero = solver.solve(done);
  ASSERT_TRUE(zero.solved());
  EXPECT_EQ(zero.cost, 0);
  EXPECT_EQ(zero.plan.size(), 1u);
  // A level that needs many expansions, stopped early.
  const auto boxoban = sokoban::load_collection(testing::shared_data("sokoban/boxoban_medium_valid_000.txt"));
  SolverOptions options;
  options.max_expansions = 3;
  EXPECT_EQ(solver.solve(boxoban[0].level, options).status, SearchStatus::kLimit);
  std::atomic<bool> stop{true};
  SolverOptions stopped;
  stopped.stop = &stop;
  EXPECT_EQ(solver.solve(boxoban[0].level, stopped).status, SearchStatus::kLimit);
}

TEST(SokobanSolver, AssignmentIsTheCheapestMatching) {
  Assignment assignment;
  const int32_t three[] = {4, 1, 3, 2, 0, 5, 3, 2, 2};
  EXPECT_EQ(assignment.solve(three, 3), 5);  // 1 + 2 + 2
  const int32_t forbidden[] = {1, kNoAssignment, 2, kNoAssignment};
  EXPECT_EQ(assignment.solve(forbidden, 2), kNoAssignment);  // both rows need column 0
  const int32_t forced[] = {kNoAssignment, 7, 1, 100};
  EXPECT_EQ(assignment.solve(forced, 2), 8);
  EXPECT_EQ(assignment.solve(nullptr, 0), 0);
}

}  // namespace
}  // namespace traceplay::search
