#include "models/astar_reference.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/rng.h"
#include "search/astar.h"
#include "search/maze_domain.h"
#include "search/sokoban_trace.h"

namespace traceplay::models {

namespace {

// A maze step is `create|close x y c<g> c<h>`: five tokens each.
struct MazeCountSink {
  int64_t tokens = 0;
  void on_create(int32_t, int, int) { tokens += 5; }
  void on_close(int32_t, int, int) { tokens += 5; }
  void on_plan(int32_t, int, int) {}
};

search::AStarOptions run_options(const EvalTask& task, int run, const std::atomic<bool>* stop) {
  search::AStarOptions options;
  options.deterministic = false;
  options.seed = Rng::stream(task.id, static_cast<uint64_t>(run)).next();
  options.stop = stop;
  return options;
}

[[noreturn]] void unsolved(const EvalTask& task, int run) {
  throw std::runtime_error("non-deterministic A* run " + std::to_string(run) + " did not solve task " +
                           hex16(task.id));
}

}  // namespace

std::optional<double> astar_mean_trace_tokens(const EvalTask& task, int runs, const std::atomic<bool>* stop) {
  if (runs <= 0) return std::nullopt;
  double sum = 0;
  if (task.maze) {
    search::AStar<search::MazeDomain> astar;
    const search::MazeDomain domain(*task.maze);
    for (int r = 0; r < runs; ++r) {
      MazeCountSink sink;
      const auto result = astar.run(domain, run_options(task, r, stop), sink);
      if (stop && stop->load()) return std::nullopt;
      if (!result.solved()) unsolved(task, r);
      sum += static_cast<double>(sink.tokens);
    }
  } else {
    search::SokobanTracer tracer;
    std::vector<std::string> trace, plan;
    for (int r = 0; r < runs; ++r) {
      trace.clear();
      plan.clear();
      const auto result = tracer.run(*task.sokoban, run_options(task, r, stop), trace, plan);
      if (stop && stop->load()) return std::nullopt;
      if (!result.solved()) unsolved(task, r);
      sum += static_cast<double>(trace.size());
    }
  }
  return sum / runs;
}

}  // namespace traceplay::models
