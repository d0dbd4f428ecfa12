// `traceplay bench astar`: trace generation rate (records/s, the generator of `gen`
// without disk I/O) for mazes 10x10, 20x20, 30x30 and Sokoban 7x7, on one thread and on
// all threads; and plain grid A* expansions/s (no sink attached).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "core/rng.h"
#include "search/astar.h"
#include "search/maze_domain.h"
#include "search/maze_source.h"
#include "search/sokoban_source.h"

namespace traceplay::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Records per second of `source` with `threads` workers, each taking layouts k, k+T, ...
double trace_rate(const TraceSource& source, int threads, double seconds) {
  std::atomic<uint64_t> records{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto worker = source.make_worker();
      for (uint64_t k = static_cast<uint64_t>(t); !stop.load(std::memory_order_relaxed);
           k += static_cast<uint64_t>(threads))
        records += worker->generate(12345, k).size();
    });
  }
  while (seconds_since(start) < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  for (auto& th : pool) th.join();
  return static_cast<double>(records.load()) / seconds_since(start);
}

void print(const nlohmann::json& line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

// Untraced A* on random 30%-50% wall mazes (the generator's layouts), one thread.
void grid_expansions(int size, double seconds) {
  Rng rng(7);
  uint64_t expansions = 0, searches = 0;
  search::AStar<search::MazeDomain> astar;
  double busy = 0;
  while (busy < seconds) {
    const int n = size * size;
    std::vector<int> cells(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) cells[static_cast<size_t>(i)] = i;
    rng.shuffle(cells);
    const int walls = static_cast<int>(rng.uniform_int(n / 10 * 3, n / 10 * 5));
    std::vector<Pos> wall_pos;
    for (int i = 0; i < walls; ++i)
      wall_pos.push_back({cells[static_cast<size_t>(i)] % size, cells[static_cast<size_t>(i)] / size});
    const Pos a{cells[static_cast<size_t>(walls)] % size, cells[static_cast<size_t>(walls)] / size};
    const Pos b{cells[static_cast<size_t>(walls + 1)] % size, cells[static_cast<size_t>(walls + 1)] / size};
    const maze::MazeTask task(size, size, a, b, wall_pos);
    const auto t0 = Clock::now();
    for (int rep = 0; rep < 20; ++rep) expansions += astar.run(search::MazeDomain(task)).expansions;
    busy += seconds_since(t0);
    searches += 20;
  }
  print({{"bench", "astar"},
         {"case", "grid-" + std::to_string(size) + "x" + std::to_string(size) + "-untraced"},
         {"threads", 1},
         {"value", static_cast<double>(expansions) / busy},
         {"unit", "expansions/s"},
         {"searches", searches}});
}

}  // namespace

int run_astar_bench(const BenchOptions& options) {
  const int all = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const double seconds = options.quick ? 0.3 : options.seconds;
  std::vector<int> thread_counts{1};
  if (all > 1) thread_counts.push_back(all);

  // The reference Python generator, measured on this machine (one thread), traces/s.
  const std::pair<int, double> reference[] = {{10, 88.0}, {20, 10.3}, {30, 2.95}};
  for (const auto& [size, peer] : reference) {
    search::MazeSourceParams params;
    params.width = params.height = size;
    const auto source = search::make_maze_source(params);
    for (int threads : thread_counts) {
      const double rate = trace_rate(*source, threads, seconds);
      print({{"bench", "astar"},
             {"case", "maze-" + std::to_string(size) + "x" + std::to_string(size)},
             {"threads", threads},
             {"value", rate},
             {"unit", "traces/s"},
             {"peer", "searchformer-python anchor (1 thread, measured on this machine, not in this run)"},
             {"peer_value", peer},
             {"ratio", rate / peer},
             {"ratio_per_thread", rate / threads / peer}});
    }
  }
  {
    search::SokobanSourceParams params;  // the paper's 7x7, 2 walls, 2 boxes, non-deterministic
    const auto source = search::make_sokoban_source(params);
    for (int threads : thread_counts) {
      const double rate = trace_rate(*source, threads, seconds);
      print({{"bench", "astar"},
             {"case", "sokoban-7x7"},
             {"threads", threads},
             {"value", rate},
             {"unit", "traces/s"}});
    }
  }
  for (int size : {10, 30}) grid_expansions(size, seconds);
  return 0;
}

}  // namespace traceplay::bench
