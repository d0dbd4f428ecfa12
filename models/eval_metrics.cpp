#include "models/eval_metrics.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace traceplay::models {

namespace {

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// c_i x t*_i / t_i over the samples that `qualifies`; 0 when none does.
template <class Pred>
double length_ratio(const TaskOutcome& task, Pred qualifies) {
  double sum = 0;
  int count = 0;
  for (const SampleOutcome& s : task.samples) {
    if (!qualifies(s)) continue;
    sum += s.trace_tokens;
    ++count;
  }
  if (count == 0) return 0;
  const double mean = std::max(sum / count, 1.0);  // see the header: an empty trace counts as 1 token
  return *task.astar_trace_tokens / mean;
}

}  // namespace

nlohmann::ordered_json EvalMetrics::to_json() const {
  nlohmann::ordered_json j;
  j["tasks"] = tasks;
  j["samples"] = samples;
  j["solved"] = solved;
  j["optimal"] = optimal;
  j["solved_per_sample"] = solved_per_sample;
  j["optimal_per_sample"] = optimal_per_sample;
  j["swc"] = swc;
  j["ilr_solved"] = optional_number(ilr_solved);
  j["ilr_optimal"] = optional_number(ilr_optimal);
  j["mean_trace_tokens"] = mean_trace_tokens;
  j["mean_astar_trace_tokens"] = optional_number(mean_astar_trace_tokens);
  return j;
}

EvalMetrics compute_metrics(const std::vector<TaskOutcome>& tasks, bool with_ilr) {
  EvalMetrics m;
  m.tasks = static_cast<int64_t>(tasks.size());
  if (tasks.empty()) return m;

  bool have_astar = true;
  int64_t total_samples = 0, correct_samples = 0, optimal_samples = 0;
  double solved = 0, optimal = 0, swc = 0, trace_sum = 0, astar_sum = 0;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const TaskOutcome& task = tasks[i];
    if (task.samples.empty()) throw std::invalid_argument("task " + std::to_string(i) + " has no samples");
    if (task.reference_plan_positions <= 0)
      throw std::invalid_argument("task " + std::to_string(i) + " has no reference plan");
    m.samples = std::max(m.samples, static_cast<int64_t>(task.samples.size()));
    total_samples += static_cast<int64_t>(task.samples.size());

    bool any_correct = false, any_optimal = false;
    int shortest = 0;  // l_i: the shortest correct plan
    for (const SampleOutcome& s : task.samples) {
      trace_sum += s.trace_tokens;
      if (s.optimal && !s.correct) throw std::invalid_argument("task " + std::to_string(i) + ": optimal but not correct");
      if (s.correct) {
        ++correct_samples;
        shortest = any_correct ? std::min(shortest, s.plan_positions) : s.plan_positions;
        any_correct = true;
      }
      if (s.optimal) {
        ++optimal_samples;
        any_optimal = true;
      }
    }
    solved += any_correct;
    optimal += any_optimal;
    if (any_correct) {
      const double reference = task.reference_plan_positions;
      swc += reference / std::max<double>(shortest, reference);
    }
    if (task.astar_trace_tokens) {
      astar_sum += *task.astar_trace_tokens;
    } else {
      have_astar = false;
    }
  }

  const double n = static_cast<double>(tasks.size());
  m.solved = solved / n;
  m.optimal = optimal / n;
  m.solved_per_sample = static_cast<double>(correct_samples) / static_cast<double>(total_samples);
  m.optimal_per_sample = static_cast<double>(optimal_samples) / static_cast<double>(total_samples);
  m.swc = swc / n;
  m.mean_trace_tokens = trace_sum / static_cast<double>(total_samples);
  if (have_astar) {
    m.mean_astar_trace_tokens = astar_sum / n;
    if (with_ilr) {
      double ilr_solved = 0, ilr_optimal = 0;
      for (const TaskOutcome& task : tasks) {
        ilr_solved += length_ratio(task, [](const SampleOutcome& s) { return s.correct; });
        ilr_optimal += length_ratio(task, [](const SampleOutcome& s) { return s.optimal; });
      }
      m.ilr_solved = ilr_solved / n;
      m.ilr_optimal = ilr_optimal / n;
    }
  }
  return m;
}

}  // namespace traceplay::models
