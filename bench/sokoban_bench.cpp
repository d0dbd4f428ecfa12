// `traceplay bench sokoban`: the solver mode (move-optimal) on every level of
// boxoban_medium_valid_000.txt, one thread. Prints solved levels, total seconds (with
// the anchor: a plain move-optimal A* with Manhattan sum + dead squares took 58 s on
// the development machine), p90 seconds per level and expansions/s. Every plan is
// replayed by the solver before it counts; the sum of optimal costs is printed too, so
// that a change that loses optimality shows in the numbers.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "games/sokoban/collection.h"
#include "search/sokoban_solver.h"

namespace traceplay::bench {

namespace {
constexpr double kAnchorSeconds = 58.0;  // plain move-optimal A*, all 1,000 levels, one thread
void print(const nlohmann::json& line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}
}  // namespace

int run_sokoban_bench(const BenchOptions& options) {
  using Clock = std::chrono::steady_clock;
  const std::string path = options.data_dir + "/sokoban/boxoban_medium_valid_000.txt";
  const auto levels = sokoban::load_collection(path);
  const size_t count = options.quick ? std::min<size_t>(20, levels.size()) : levels.size();

  search::SokobanSolver solver;
  std::vector<double> seconds;
  uint64_t expansions = 0, solved = 0, total_moves = 0;
  const auto started = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    const auto t0 = Clock::now();
    const auto result = solver.solve(levels[i].level);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    expansions += result.expansions;
    if (result.solved()) {
      ++solved;
      total_moves += static_cast<uint64_t>(result.cost);
    }
  }
  const double total = std::chrono::duration<double>(Clock::now() - started).count();
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const double p90 = sorted.empty() ? 0 : sorted[std::min(sorted.size() - 1, sorted.size() * 9 / 10)];

  const nlohmann::json base = {{"bench", "sokoban"}, {"case", "boxoban-medium-valid-000"}, {"threads", 1}};
  auto line = [&](const nlohmann::json& extra) {
    nlohmann::json j = base;
    j.update(extra);
    print(j);
  };
  line({{"value", solved}, {"unit", "levels solved"}, {"levels", count}, {"total_moves", total_moves}});
  nlohmann::json total_line = {{"value", total}, {"unit", "s"}};
  if (count == levels.size())  // the anchor is for the whole file
    total_line.update({{"peer", "plain move-optimal A* (anchor)"},
                       {"peer_value", kAnchorSeconds},
                       {"ratio", total / kAnchorSeconds},
                       {"speedup", kAnchorSeconds / total}});
  line(total_line);
  line({{"value", p90}, {"unit", "s/level (p90)"}});
  line({{"value", static_cast<double>(expansions) / total},
        {"unit", "expansions/s"},
        {"expansions", expansions}});
  return solved == count ? 0 : 1;
}

}  // namespace traceplay::bench
