// `traceplay eval`: sample K responses per test task with the KV-cache sampler, replay
// every plan in the simulator, and score them with the paper's metrics (DESIGN.md).
// A torch-free interface: apps include this header, not torch.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

struct EvalOptions {
  std::string checkpoint_dir, data_dir, out_dir;
  std::string split = "test";
  int64_t tasks = 0;            // first N tasks of the split (0 = all)
  int64_t samples = 64;         // K
  double temperature = 1.0;     // 0 = greedy
  int64_t top_k = 0;            // 0 = no truncation
  int64_t batch = 64;           // decoder rows decoded together
  int64_t max_len = 0;          // decoder tokens per response (0 = from the dataset's longest)
  int64_t astar_runs = 64;      // non-deterministic A* runs per task for ILR's t*
  uint64_t seed = 1;
  std::string device = "cpu";
  int threads = 0;
  const std::atomic<bool>* stop = nullptr;
  bool progress = true;
};

// The pinned summary: {"tasks","samples","solved","optimal","solved_per_sample",
// "optimal_per_sample","swc","ilr_solved","ilr_optimal","mean_trace_tokens",
// "mean_astar_trace_tokens"}; ILRs are null for solution-only models.
struct EvalSummary {
  nlohmann::ordered_json json;
  bool finished = false;        // false when stopped early (samples so far are kept)
};

EvalSummary evaluate(const EvalOptions& options);

}  // namespace traceplay::models
