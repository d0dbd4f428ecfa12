// The paper's metrics (DESIGN.md, "Metrics") on hand-made outcomes, each value worked
// out by hand in the comments.
#include <gtest/gtest.h>

#include "models/eval_metrics.h"

namespace traceplay::models {
namespace {

SampleOutcome wrong(int trace) { return {false, false, trace, 0}; }                // malformed or wrong plan
SampleOutcome correct(int trace, int plan) { return {true, false, trace, plan}; }  // replays, longer than l*
SampleOutcome optimal(int trace, int plan) { return {true, true, trace, plan}; }

TaskOutcome task(int reference, std::optional<double> astar, std::vector<SampleOutcome> samples) {
  return {reference, astar, std::move(samples)};
}

// Three tasks, K = 4:
//   A (l* = 5, t* = 40): optimal (t 20, l 5), non-optimal (t 60, l 7), malformed (t 3), wrong (t 10)
//   B (l* = 9, t* = 90): only non-optimal correct samples (l 11 and 13; t 30 and 90), two wrong (t 0, t 100)
//   C (l* = 4, t* = 10): nothing correct (t 7, 7, 7, 7)
std::vector<TaskOutcome> three_tasks() {
  return {task(5, 40.0, {optimal(20, 5), correct(60, 7), wrong(3), wrong(10)}),
          task(9, 90.0, {correct(30, 11), correct(90, 13), wrong(0), wrong(100)}),
          task(4, 10.0, {wrong(7), wrong(7), wrong(7), wrong(7)})};
}

TEST(EvalMetrics, FormulasOnHandMadeTasks) {
  const EvalMetrics m = compute_metrics(three_tasks(), /*with_ilr=*/true);
  EXPECT_EQ(m.tasks, 3);
  EXPECT_EQ(m.samples, 4);
  EXPECT_DOUBLE_EQ(m.solved, 2.0 / 3);              // A, B
  EXPECT_DOUBLE_EQ(m.optimal, 1.0 / 3);             // A
  EXPECT_DOUBLE_EQ(m.solved_per_sample, 4.0 / 12);  // 2 in A, 2 in B
  EXPECT_DOUBLE_EQ(m.optimal_per_sample, 1.0 / 12);
  // SWC: A shortest correct 5 -> 5/5; B shortest correct 11 -> 9/11; C 0.
  EXPECT_DOUBLE_EQ(m.swc, (1.0 + 9.0 / 11) / 3);
  // ILR-on-solved: A mean correct trace (20+60)/2 = 40 -> 40/40; B (30+90)/2 = 60 -> 90/60.
  ASSERT_TRUE(m.ilr_solved);
  EXPECT_DOUBLE_EQ(*m.ilr_solved, (1.0 + 1.5) / 3);
  // ILR-on-optimal: A only optimal trace 20 -> 40/20 = 2; B, C none.
  ASSERT_TRUE(m.ilr_optimal);
  EXPECT_DOUBLE_EQ(*m.ilr_optimal, 2.0 / 3);
  // Mean trace over all 12 samples: (20+60+3+10) + (30+90+0+100) + 28 = 341.
  EXPECT_DOUBLE_EQ(m.mean_trace_tokens, 341.0 / 12);
  ASSERT_TRUE(m.mean_astar_trace_tokens);
  EXPECT_DOUBLE_EQ(*m.mean_astar_trace_tokens, (40.0 + 90 + 10) / 3);
}

TEST(EvalMetrics, SolutionOnlyHasNullIlr) {
  const EvalMetrics m = compute_metrics(three_tasks(), /*with_ilr=*/false);
  EXPECT_FALSE(m.ilr_solved);
  EXPECT_FALSE(m.ilr_optimal);
  EXPECT_DOUBLE_EQ(m.solved, 2.0 / 3);  // everything else as before
  const auto j = m.to_json();
  EXPECT_TRUE(j["ilr_solved"].is_null());
  EXPECT_TRUE(j["ilr_optimal"].is_null());
  EXPECT_TRUE(j["ilr_solved_ci95"].is_null());
  EXPECT_TRUE(j["ilr_optimal_ci95"].is_null());
  EXPECT_TRUE(j["swc_ci95"].is_array());
  EXPECT_FALSE(j["mean_astar_trace_tokens"].is_null());
}

TEST(EvalMetrics, UnmeasuredAstarMakesIlrAndItsMeanNull) {
  auto tasks = three_tasks();
  tasks[1].astar_trace_tokens.reset();
  const EvalMetrics m = compute_metrics(tasks, true);
  EXPECT_FALSE(m.ilr_solved);
  EXPECT_FALSE(m.ilr_solved_ci95);
  EXPECT_FALSE(m.mean_astar_trace_tokens);
  EXPECT_TRUE(m.to_json()["mean_astar_trace_tokens"].is_null());
  EXPECT_TRUE(m.to_json()["ilr_optimal_ci95"].is_null());
}

TEST(EvalMetrics, NoCorrectSampleAnywhereGivesZeros) {
  const EvalMetrics m =
      compute_metrics({task(4, 10.0, {wrong(1), wrong(2)}), task(6, 20.0, {wrong(3), wrong(4)})}, true);
  EXPECT_EQ(m.solved, 0);
  EXPECT_EQ(m.optimal, 0);
  EXPECT_EQ(m.swc, 0);
  EXPECT_EQ(*m.ilr_solved, 0);
  EXPECT_EQ(*m.ilr_optimal, 0);
  EXPECT_DOUBLE_EQ(m.mean_trace_tokens, 2.5);
}

TEST(EvalMetrics, EverySampleOptimalWithShorterTracesThanAstar) {
  // All K optimal; t = 10 against t* = 30: ILR 3 on both (the model searches 3x shorter).
  const EvalMetrics m = compute_metrics({task(4, 30.0, {optimal(10, 4), optimal(10, 4)})}, true);
  EXPECT_EQ(m.solved, 1);
  EXPECT_EQ(m.optimal_per_sample, 1);
  EXPECT_EQ(m.swc, 1);
  EXPECT_DOUBLE_EQ(*m.ilr_solved, 3);
  EXPECT_DOUBLE_EQ(*m.ilr_optimal, 3);
}

TEST(EvalMetrics, EmptyTraceOfACorrectSampleCountsAsOneToken) {
  const EvalMetrics m = compute_metrics({task(4, 30.0, {optimal(0, 4)})}, true);
  EXPECT_DOUBLE_EQ(*m.ilr_solved, 30);
}

TEST(EvalMetrics, JsonKeysInThePinnedOrder) {
  const auto j = compute_metrics(three_tasks(), true).to_json();
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "tasks", "samples", "solved", "solved_ci95", "optimal", "optimal_ci95",
                      "solved_per_sample", "solved_per_sample_ci95", "optimal_per_sample",
                      "optimal_per_sample_ci95", "swc", "swc_ci95", "ilr_solved", "ilr_solved_ci95",
                      "ilr_optimal", "ilr_optimal_ci95", "mean_trace_tokens", "mean_astar_trace_tokens"}));
  EXPECT_EQ(j["tasks"], 3);
  EXPECT_EQ(j["samples"], 4);
  // Every interval is [lo, hi] around its metric.
  for (const char* key :
       {"solved", "optimal", "solved_per_sample", "optimal_per_sample", "swc", "ilr_solved", "ilr_optimal"}) {
    const auto& ci = j[std::string(key) + "_ci95"];
    ASSERT_TRUE(ci.is_array() && ci.size() == 2) << key;
    EXPECT_LE(ci[0].get<double>(), j[key].get<double>()) << key;
    EXPECT_GE(ci[1].get<double>(), j[key].get<double>()) << key;
  }
}

TEST(EvalMetrics, IntervalsOnHandMadeTasks) {
  const EvalMetrics m = compute_metrics(three_tasks(), true);
  // Wilson with the tasks as n (solved 2 of 3, optimal 1 of 3), with the samples as n
  // (4 and 1 of 12). 1 of 3: [0.0615, 0.7923] (tabulated).
  EXPECT_EQ(m.solved_ci95.lo, wilson_interval(2, 3).lo);
  EXPECT_EQ(m.solved_ci95.hi, wilson_interval(2, 3).hi);
  EXPECT_NEAR(m.optimal_ci95.lo, 0.0615, 1e-4);
  EXPECT_NEAR(m.optimal_ci95.hi, 0.7923, 1e-4);
  EXPECT_EQ(m.solved_per_sample_ci95.lo, wilson_interval(4, 12).lo);
  EXPECT_EQ(m.optimal_per_sample_ci95.hi, wilson_interval(1, 12).hi);
  // SWC per task: 1, 9/11, 0. A resample of all-C (mean 0) or all-A (mean 1) each has
  // probability 1/27 = 3.7% > 2.5%, so the percentile interval is [0, 1].
  ASSERT_TRUE(m.swc_ci95);
  EXPECT_EQ(m.swc_ci95->lo, 0.0);
  EXPECT_EQ(m.swc_ci95->hi, 1.0);
  // ILR-on-optimal per task: 2, 0, 0: the bootstrap of exactly these values.
  ASSERT_TRUE(m.ilr_optimal_ci95);
  const Interval ilr = bootstrap_mean_interval({2.0, 0.0, 0.0});
  EXPECT_EQ(m.ilr_optimal_ci95->lo, ilr.lo);
  EXPECT_EQ(m.ilr_optimal_ci95->hi, ilr.hi);
  EXPECT_EQ(ilr.lo, 0.0);
  EXPECT_EQ(ilr.hi, 2.0);
  const Interval ilr_solved = bootstrap_mean_interval({1.0, 1.5, 0.0});
  EXPECT_EQ(m.ilr_solved_ci95->lo, ilr_solved.lo);
  EXPECT_EQ(m.ilr_solved_ci95->hi, ilr_solved.hi);
}

TEST(EvalMetrics, IntervalsOfUniformOutcomes) {
  // Every one of 20 tasks optimal: Wilson [0.8389, 1] (20 of 20), SWC exactly [1, 1],
  // ILR 3 on every task: [3, 3].
  std::vector<TaskOutcome> tasks(20, task(4, 30.0, {optimal(10, 4)}));
  const EvalMetrics m = compute_metrics(tasks, true);
  EXPECT_NEAR(m.optimal_ci95.lo, 0.8389, 1e-4);
  EXPECT_EQ(m.optimal_ci95.hi, 1.0);
  EXPECT_EQ(m.swc_ci95->lo, 1.0);
  EXPECT_EQ(m.swc_ci95->hi, 1.0);
  EXPECT_DOUBLE_EQ(m.ilr_optimal_ci95->lo, 3.0);
  EXPECT_DOUBLE_EQ(m.ilr_optimal_ci95->hi, 3.0);
}

TEST(EvalMetrics, ScoreTaskIsEachTasksShare) {
  const auto tasks = three_tasks();
  const TaskScores a = score_task(tasks[0]), b = score_task(tasks[1]), c = score_task(tasks[2]);
  EXPECT_TRUE(a.solved && a.optimal);
  EXPECT_TRUE(b.solved && !b.optimal);
  EXPECT_FALSE(c.solved || c.optimal);
  EXPECT_DOUBLE_EQ(a.swc, 1.0);
  EXPECT_DOUBLE_EQ(b.swc, 9.0 / 11);
  EXPECT_EQ(c.swc, 0.0);
  EXPECT_DOUBLE_EQ(*b.ilr_solved, 1.5);
  EXPECT_DOUBLE_EQ(*a.ilr_optimal, 2.0);
  TaskOutcome unmeasured = tasks[0];
  unmeasured.astar_trace_tokens.reset();
  EXPECT_FALSE(score_task(unmeasured).ilr_solved);
}

TEST(EvalMetrics, NoTasksAndBadInput) {
  const EvalMetrics none = compute_metrics({}, true);
  EXPECT_EQ(none.tasks, 0);
  EXPECT_EQ(none.solved, 0);
  EXPECT_EQ(none.optimal_ci95.lo, 0.0);  // nothing known
  EXPECT_EQ(none.optimal_ci95.hi, 1.0);
  EXPECT_TRUE(none.to_json()["swc_ci95"].is_null());
  EXPECT_THROW(compute_metrics({task(4, 1.0, {})}, true), std::invalid_argument);
  EXPECT_THROW(compute_metrics({task(0, 1.0, {wrong(1)})}, true), std::invalid_argument);
  EXPECT_THROW(compute_metrics({task(4, 1.0, {{false, true, 1, 4}})}, true), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::models
