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
//
// 95% intervals (core/intervals.h; DESIGN.md, "Summaries"), each key right after its
// metric's: "<rate>_ci95": [lo, hi] is the Wilson interval of solved and optimal with the
// tasks as n, and of solved_per_sample and optimal_per_sample with all samples as n (it
// treats a task's K samples as independent, so for K > 1 it is too narrow: the per-task
// rates are the ones to compare arms by). swc_ci95, ilr_solved_ci95 and ilr_optimal_ci95
// are percentile bootstrap intervals over tasks (B = 2,000, a fixed seed: the same
// outcomes give the same interval everywhere), null when their metric is null (and for
// n = 0, where the Wilson intervals are [0, 1]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/intervals.h"

namespace traceplay::models {

// What replaying one sample found.
struct SampleOutcome {
  bool correct = false;        // the plan replays to the goal
  bool optimal = false;        // correct and no longer than the dataset's plan
  int32_t trace_tokens = 0;    // tokens before the first `plan`, bos excluded
  int32_t plan_positions = 0;  // positions of the parsed plan (0 when it did not parse)
};

struct TaskOutcome {
  int32_t reference_plan_positions = 0;      // l*: the dataset's plan
  std::optional<double> astar_trace_tokens;  // t*: mean over the A* runs (if measured)
  std::vector<SampleOutcome> samples;        // K
};

// One task's share of each metric: the summary's solved, optimal, SWC and ILRs are the
// means of these over tasks (and a paired comparison of two arms differences them task
// by task). ILRs are nullopt without t*.
struct TaskScores {
  bool solved = false, optimal = false;
  double swc = 0;
  std::optional<double> ilr_solved, ilr_optimal;
};

// Throws std::invalid_argument (naming task `index`) for a task without samples, a
// non-positive l*, or a sample optimal but not correct.
TaskScores score_task(const TaskOutcome& task, size_t index = 0);

struct EvalMetrics {
  int64_t tasks = 0, samples = 0;  // n, K (samples: the largest K of any task)
  double solved = 0, optimal = 0, solved_per_sample = 0, optimal_per_sample = 0, swc = 0;
  std::optional<double> ilr_solved, ilr_optimal;
  double mean_trace_tokens = 0;
  std::optional<double> mean_astar_trace_tokens;
  // 95% intervals (see the top of this file).
  Interval solved_ci95{0, 1}, optimal_ci95{0, 1}, solved_per_sample_ci95{0, 1}, optimal_per_sample_ci95{0, 1};
  std::optional<Interval> swc_ci95, ilr_solved_ci95, ilr_optimal_ci95;

  // The pinned object, keys in order: {"tasks","samples","solved","solved_ci95",
  // "optimal","optimal_ci95","solved_per_sample","solved_per_sample_ci95",
  // "optimal_per_sample","optimal_per_sample_ci95","swc","swc_ci95","ilr_solved",
  // "ilr_solved_ci95","ilr_optimal","ilr_optimal_ci95","mean_trace_tokens",
  // "mean_astar_trace_tokens"}; rates as fractions in [0, 1], intervals as [lo, hi].
  nlohmann::ordered_json to_json() const;
};

// `with_ilr`: false for solution-only models (ILRs null). ILRs are also null when some
// task lacks t*. Every task needs at least one sample; n = 0 gives all zeros.
// Throws std::invalid_argument for a task without samples or a non-positive l*.
EvalMetrics compute_metrics(const std::vector<TaskOutcome>& tasks, bool with_ilr);

}  // namespace traceplay::models
