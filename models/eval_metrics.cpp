#include "models/eval_metrics.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace traceplay::models {

namespace {

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json interval_json(const Interval& i) { return nlohmann::json::array({i.lo, i.hi}); }

nlohmann::json optional_interval(const std::optional<Interval>& i) {
  return i ? interval_json(*i) : nlohmann::json(nullptr);
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
  j["solved_ci95"] = interval_json(solved_ci95);
  j["optimal"] = optimal;
  j["optimal_ci95"] = interval_json(optimal_ci95);
  j["solved_per_sample"] = solved_per_sample;
  j["solved_per_sample_ci95"] = interval_json(solved_per_sample_ci95);
  j["optimal_per_sample"] = optimal_per_sample;
  j["optimal_per_sample_ci95"] = interval_json(optimal_per_sample_ci95);
  j["swc"] = swc;
  j["swc_ci95"] = optional_interval(swc_ci95);
  j["ilr_solved"] = optional_number(ilr_solved);
  j["ilr_solved_ci95"] = optional_interval(ilr_solved_ci95);
  j["ilr_optimal"] = optional_number(ilr_optimal);
  j["ilr_optimal_ci95"] = optional_interval(ilr_optimal_ci95);
  j["mean_trace_tokens"] = mean_trace_tokens;
  j["mean_astar_trace_tokens"] = optional_number(mean_astar_trace_tokens);
  return j;
}

TaskScores score_task(const TaskOutcome& task, size_t index) {
  if (task.samples.empty()) throw std::invalid_argument("task " + std::to_string(index) + " has no samples");
  if (task.reference_plan_positions <= 0)
    throw std::invalid_argument("task " + std::to_string(index) + " has no reference plan");
  TaskScores scores;
  int shortest = 0;  // l_i: the shortest correct plan
  for (const SampleOutcome& s : task.samples) {
    if (s.optimal && !s.correct)
      throw std::invalid_argument("task " + std::to_string(index) + ": optimal but not correct");
    if (s.correct) {
      shortest = scores.solved ? std::min(shortest, s.plan_positions) : s.plan_positions;
      scores.solved = true;
    }
    scores.optimal = scores.optimal || s.optimal;
  }
  if (scores.solved) {
    const double reference = task.reference_plan_positions;
    scores.swc = reference / std::max<double>(shortest, reference);
  }
  if (task.astar_trace_tokens) {
    scores.ilr_solved = length_ratio(task, [](const SampleOutcome& s) { return s.correct; });
    scores.ilr_optimal = length_ratio(task, [](const SampleOutcome& s) { return s.optimal; });
  }
  return scores;
}

EvalMetrics compute_metrics(const std::vector<TaskOutcome>& tasks, bool with_ilr) {
  EvalMetrics m;
  m.tasks = static_cast<int64_t>(tasks.size());
  if (tasks.empty()) return m;

  bool have_astar = true;
  int64_t total_samples = 0, correct_samples = 0, optimal_samples = 0, solved = 0, optimal = 0;
  double trace_sum = 0, astar_sum = 0;
  std::vector<double> swc, ilr_solved, ilr_optimal;  // per task, for the means and their intervals
  for (size_t i = 0; i < tasks.size(); ++i) {
    const TaskOutcome& task = tasks[i];
    const TaskScores scores = score_task(task, i);
    m.samples = std::max(m.samples, static_cast<int64_t>(task.samples.size()));
    total_samples += static_cast<int64_t>(task.samples.size());
    for (const SampleOutcome& s : task.samples) {
      trace_sum += s.trace_tokens;
      correct_samples += s.correct;
      optimal_samples += s.optimal;
    }
    solved += scores.solved;
    optimal += scores.optimal;
    swc.push_back(scores.swc);
    if (task.astar_trace_tokens) {
      astar_sum += *task.astar_trace_tokens;
      ilr_solved.push_back(*scores.ilr_solved);
      ilr_optimal.push_back(*scores.ilr_optimal);
    } else {
      have_astar = false;
    }
  }

  auto mean = [](const std::vector<double>& values) {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / static_cast<double>(values.size());
  };
  const double n = static_cast<double>(tasks.size());
  m.solved = static_cast<double>(solved) / n;
  m.optimal = static_cast<double>(optimal) / n;
  m.solved_per_sample = static_cast<double>(correct_samples) / static_cast<double>(total_samples);
  m.optimal_per_sample = static_cast<double>(optimal_samples) / static_cast<double>(total_samples);
  m.swc = mean(swc);
  m.mean_trace_tokens = trace_sum / static_cast<double>(total_samples);
  m.solved_ci95 = wilson_interval(solved, m.tasks);
  m.optimal_ci95 = wilson_interval(optimal, m.tasks);
  m.solved_per_sample_ci95 = wilson_interval(correct_samples, total_samples);
  m.optimal_per_sample_ci95 = wilson_interval(optimal_samples, total_samples);
  m.swc_ci95 = bootstrap_mean_interval(swc);
  if (have_astar) {
    m.mean_astar_trace_tokens = astar_sum / n;
    if (with_ilr) {
      m.ilr_solved = mean(ilr_solved);
      m.ilr_optimal = mean(ilr_optimal);
      m.ilr_solved_ci95 = bootstrap_mean_interval(ilr_solved);
      m.ilr_optimal_ci95 = bootstrap_mean_interval(ilr_optimal);
    }
  }
  return m;
}

}  // namespace traceplay::models
