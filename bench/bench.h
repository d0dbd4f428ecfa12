// The benchmarks behind `traceplay bench NAME`. Each prints one JSON object a line
// (DESIGN.md): {"bench", "case", "threads", "value", "unit", ...} and, where a peer
// or baseline runs in the same process, "peer", "peer_value", "ratio".
#pragma once

#include <string>

namespace traceplay::bench {

struct BenchOptions {
  int threads = 0;       // 0: all hardware threads (the single-thread case always runs)
  double seconds = 3.0;  // minimum measuring time per case
  std::string data_dir;  // reference data (../shared/data) for collection benchmarks
  bool quick = false;    // a short run for tests
};

int run_astar_bench(const BenchOptions& options);
int run_sokoban_bench(const BenchOptions& options);
int run_go_bench(const BenchOptions& options);
int run_mcts_bench(const BenchOptions& options);
int run_batching_bench(const BenchOptions& options);

}  // namespace traceplay::bench
