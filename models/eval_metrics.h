// The paper's evaluation metrics (DESIGN.md, "Metrics", pinned), as the Searchformer
// reference computes them in its PerfTable notebook. Torch-free: the inputs are what
// replaying the samples in the simulator found (models/response_check.h).
//
// Over n tasks with K samples each:
//   solved / optimal      share of tasks where at least one sample is a correct /
//                         optimal plan; *_per_sample: share of all samples.
//   SWC                   mean over tasks of c_i x l*_i / max(l_i, l*_i): c_i = 1 when
//                         some sample is correct, l_i the plan positions of the shortest
//                         correct sample, l*_i those of the dataset's (optimal) plan.
//   ILR-on-solved         mean over tasks of c_i x t*_i / t_i: t_i the mean trace length
//   (-on-optimal)         of the correct (optimal) samples, t*_i the mean trace length of
//                         the task's non-deterministic A* runs, c_i = 0 when no sample
//                         qualifies. null for solution-only models (and when t* was not
//                         measured). One convention of ours: a qualifying t_i of 0 (a
//                         search-augmented model that wrote no trace) counts as 1 token,
//                         so that the ratio stays finite.
//   mean_trace_tokens     mean trace length over all samples (malformed ones included);
//   mean_astar_trace_tokens  mean of t*_i over tasks (each the mean of the same number
//                         of runs, so also the mean over all runs); null when not measured.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace traceplay::models {

// What replaying one sample found.
struct SampleOutcome {
  bool correct = false;       // the plan replays to the goal
  bool optimal = false;       // correct and no longer than the dataset's plan
  int32_t trace_tokens = 0;   // tokens before the first `plan`, bos excluded
  int32_t plan_positions = 0; // positions of the parsed plan (0 when it did not parse)
};

struct TaskOutcome {
  int32_t reference_plan_positions = 0;      // l*: the dataset's plan
  std::optional<double> astar_trace_tokens;  // t*: mean over the A* runs (if measured)
  std::vector<SampleOutcome> samples;        // K
};

struct EvalMetrics {
  int64_t tasks = 0, samples = 0;  // n, K (samples: the largest K of any task)
  double solved = 0, optimal = 0, solved_per_sample = 0, optimal_per_sample = 0, swc = 0;
  std::optional<double> ilr_solved, ilr_optimal;
  double mean_trace_tokens = 0;
  std::optional<double> mean_astar_trace_tokens;

  // The pinned object, keys in order: {"tasks","samples","solved","optimal",
  // "solved_per_sample","optimal_per_sample","swc","ilr_solved","ilr_optimal",
  // "mean_trace_tokens","mean_astar_trace_tokens"}; rates as fractions in [0, 1].
  nlohmann::ordered_json to_json() const;
};

// `with_ilr`: false for solution-only models (ILRs null). ILRs are also null when some
// task lacks t*. Every task needs at least one sample; n = 0 gives all zeros.
// Throws std::invalid_argument for a task without samples or a non-positive l*.
EvalMetrics compute_metrics(const std::vector<TaskOutcome>& tasks, bool with_ilr);

}  // namespace traceplay::models
