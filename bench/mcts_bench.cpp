// `traceplay bench mcts`: simulations/s of the light-playout MCTS bot (search/mcts.h with
// the rollout evaluator, one playout per leaf) on 9x9 from the empty board, for 1, 2, ...
// threads up to the hardware's (or --threads). Each case searches one fresh tree for the
// measuring time; the 1-thread figure is the baseline peer of the others (ratio = speed-up).
// `cpu_value` (simulations per CPU second of the process) beside the wall-clock `value`
// tells the search's own cost from a shared machine's scheduling.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "games/go/board.h"
#include "search/evaluator.h"
#include "search/mcts.h"
#include "search/mcts_settings.h"

namespace traceplay::bench {

namespace {

struct MctsRate {
  double simulations_per_s = 0;
  int64_t simulations = 0;
  double seconds = 0;
  double cpu_seconds = 0;
};

MctsRate mcts_rate(int threads, double seconds) {
  search::RolloutEvaluator evaluator(1);
  search::MctsSettings settings;  // the bot's (its tree cap included)
  settings.threads = threads;
  settings.seed = 2024;
  search::Mcts mcts(settings, evaluator);
  search::ThinkLimits limits;
  limits.max_seconds = seconds;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  mcts.search(go::Board(9), limits, {});
  MctsRate r;
  r.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.simulations = mcts.last_simulations();
  r.simulations_per_s = static_cast<double>(r.simulations) / r.seconds;
  return r;
}

}  // namespace

int run_mcts_bench(const BenchOptions& options) {
  const int all = options.threads > 0 ? options.threads
                                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const double seconds = options.quick ? 0.2 : options.seconds;
  double baseline = 0;
  for (int threads = 1; threads <= all; ++threads) {
    const MctsRate r = mcts_rate(threads, seconds);
    nlohmann::json line = {
        {"bench", "mcts"},
        {"case", "9x9-light"},
        {"threads", threads},
        {"value", r.simulations_per_s},
        {"unit", "simulations/s"},
        {"simulations", r.simulations},
        {"seconds", r.seconds},
        {"cpu_value", r.cpu_seconds > 0 ? static_cast<double>(r.simulations) / r.cpu_seconds : 0.0}};
    if (threads == 1) {
      baseline = r.simulations_per_s;
    } else {
      line["peer"] = "mcts 1 thread";
      line["peer_value"] = baseline;
      line["ratio"] = baseline > 0 ? r.simulations_per_s / baseline : 0.0;
    }
    std::printf("%s\n", line.dump().c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace traceplay::bench
