// Paired comparison of arms (models/arm_comparison.h): differences worked out by hand,
// matching by task id, refusals; reading an evaluation directory back against a real
// (small) dataset.
#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/dataset_builder.h"
#include "core/hash.h"
#include "dataset_test_util.h"
#include "models/arm_comparison.h"
#include "models/response_check.h"
#include "models/samples_file.h"
#include "search/maze_source.h"

namespace traceplay::models {
namespace {

using testing::error_of;
using testing::ScratchDir;

SampleOutcome wrong() { return {false, false, 3, 0}; }
SampleOutcome correct(int plan) { return {true, false, 10, plan}; }
SampleOutcome optimal(int plan) { return {true, true, 10, plan}; }

// Four tasks (l* = 5 each). A: t1 optimal, t2 optimal, t3 wrong, t4 correct with 7
// positions. B, listed in the reverse order: t1 wrong, t2 optimal, t3 wrong, t4 wrong.
ArmTasks arm_a() {
  return {{1, 2, 3, 4},
          {{5, {}, {optimal(5)}}, {5, {}, {optimal(5)}}, {5, {}, {wrong()}}, {5, {}, {correct(7), wrong()}}}};
}
ArmTasks arm_b() {
  return {{4, 3, 2, 1}, {{5, {}, {wrong()}}, {5, {}, {wrong()}}, {5, {}, {optimal(5)}}, {5, {}, {wrong()}}}};
}

TEST(ArmComparison, DifferencesByHandMatchedById) {
  const auto d = compare_arms(arm_a(), arm_b(), "a", "b");
  ASSERT_EQ(d.size(), 3u);
  // optimal: A 2 of 4, B 1 of 4 -> +1/4; per task (A's order) 1-0, 1-1, 0-0, 0-0.
  EXPECT_EQ(d[0].metric, "optimal");
  EXPECT_DOUBLE_EQ(d[0].difference, 0.25);
  EXPECT_EQ(d[0].tasks, 4);
  const Interval optimal = bootstrap_mean_interval({1, 0, 0, 0});
  EXPECT_EQ(d[0].ci95.lo, optimal.lo);
  EXPECT_EQ(d[0].ci95.hi, optimal.hi);
  // Resamples of {1, 0, 0, 0}: mean 0 has probability (3/4)^4 = 32%, mean 1 only
  // (1/4)^4 = 0.4%, mean 3/4 4.7%: the interval is [0, 3/4].
  EXPECT_EQ(optimal.lo, 0.0);
  EXPECT_EQ(optimal.hi, 0.75);
  // solved: A 3 of 4, B 1 of 4 -> +1/2; per task 1, 0, 0, 1.
  EXPECT_EQ(d[1].metric, "solved");
  EXPECT_DOUBLE_EQ(d[1].difference, 0.5);
  EXPECT_EQ(d[1].ci95.lo, bootstrap_mean_interval({1, 0, 0, 1}).lo);
  // swc: A 1 + 1 + 0 + 5/7, B 0 + 1 + 0 + 0 -> (1 + 5/7) / 4.
  EXPECT_EQ(d[2].metric, "swc");
  EXPECT_DOUBLE_EQ(d[2].difference, (1 + 5.0 / 7) / 4);
  EXPECT_EQ(d[2].ci95.hi, bootstrap_mean_interval({1, 0, 0, 5.0 / 7}).hi);

  // B - A is the mirror image.
  const auto back = compare_arms(arm_b(), arm_a(), "b", "a");
  EXPECT_DOUBLE_EQ(back[0].difference, -0.25);
  EXPECT_LE(back[0].ci95.lo, -0.25);
  EXPECT_GE(back[0].ci95.hi, -0.25);

  const auto j = to_json(d[0]);
  EXPECT_EQ(j.dump(), "{\"metric\":\"optimal\",\"difference\":0.25,\"ci95\":[0.0,0.75],\"tasks\":4}");
}

TEST(ArmComparison, RefusesDifferentTaskSets) {
  ArmTasks other = arm_b();
  other.ids[0] = 9;
  std::string message = error_of([&] { compare_arms(arm_a(), other, "solution-only", "search-augmented"); });
  EXPECT_NE(message.find("cannot compare solution-only (4 tasks) with search-augmented (4 tasks)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("task 0000000000000004 is only in solution-only"), std::string::npos) << message;

  ArmTasks fewer = arm_b();
  fewer.ids.pop_back();
  fewer.tasks.pop_back();
  message = error_of([&] { compare_arms(arm_a(), fewer, "a", "b"); });
  EXPECT_NE(message.find("only in a"), std::string::npos) << message;
  message = error_of([&] { compare_arms(fewer, arm_a(), "b", "a"); });
  EXPECT_NE(message.find("task 0000000000000001 is only in a"), std::string::npos) << message;

  ArmTasks repeated = arm_b();
  repeated.ids[1] = 4;
  EXPECT_NE(error_of([&] { compare_arms(arm_a(), repeated, "a", "b"); }).find("appears twice"),
            std::string::npos);
  EXPECT_NE(error_of([] { compare_arms({}, {}, "a", "b"); }).find("no tasks"), std::string::npos);
}

// A small maze dataset (30 test records) and an evaluation directory written by hand.
struct EvalDir {
  ScratchDir scratch;
  std::string data, eval;
  std::vector<EvalTask> tasks;  // the first test tasks

  EvalDir() : data(scratch / "data"), eval(scratch / "eval") {
    search::MazeSourceParams params;
    params.width = params.height = 5;
    BuildOptions o;
    o.count = 60;
    o.seed = 5;
    o.test_fraction = 0.5;
    o.progress = false;
    build_dataset(*search::make_maze_source(params), o, data);
    std::filesystem::create_directories(eval);
    const DatasetReader reader(data);
    for (const auto& r : reader.read_all(Split::kTest))
      tasks.push_back(eval_task_from_record(r, reader.manifest(), reader.vocabulary(), "test"));
  }

  void write_params(int64_t count, int64_t K, const std::string& split = "test") {
    nlohmann::json params = {{"split", split}, {"tasks", count}, {"samples", K}};
    write_file_atomic(eval + "/eval.json", nlohmann::json({{"parameters", params}}).dump());
  }
  // K lines per task for the first `count` tasks: sample j of task i is optimal when
  // (i + j) % 3 == 0, else wrong.
  std::string lines(int64_t count, int64_t K) const {
    std::string text;
    for (int64_t i = 0; i < count; ++i)
      for (int64_t j = 0; j < K; ++j) {
        const bool good = (i + j) % 3 == 0;
        const int32_t l = tasks[static_cast<size_t>(i)].reference_plan_positions;
        append_sample_line(text, {tasks[static_cast<size_t>(i)].id,
                                  j,
                                  {"bos", "eos"},
                                  {good, good, static_cast<int32_t>(i), good ? l : 0},
                                  std::nullopt});
      }
    return text;
  }
};

TEST(ArmComparison, ReadsAnEvaluationDirectory) {
  EvalDir d;
  ASSERT_GE(d.tasks.size(), 10u);
  d.write_params(10, 2);
  testing::write_bytes(d.eval + "/samples.jsonl", d.lines(10, 2));
  const ArmTasks arm = read_arm_tasks(d.eval, d.data);
  ASSERT_EQ(arm.ids.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(arm.ids[i], d.tasks[i].id);
    EXPECT_EQ(arm.tasks[i].reference_plan_positions, d.tasks[i].reference_plan_positions);
    ASSERT_EQ(arm.tasks[i].samples.size(), 2u);
    EXPECT_EQ(arm.tasks[i].samples[0].optimal, i % 3 == 0);
    EXPECT_EQ(arm.tasks[i].samples[1].optimal, (i + 1) % 3 == 0);
    EXPECT_EQ(arm.tasks[i].samples[1].trace_tokens, static_cast<int32_t>(i));
  }
  // Against itself: every difference is exactly 0.
  for (const auto& diff : compare_arms(arm, arm, "x", "y")) {
    EXPECT_EQ(diff.difference, 0.0);
    EXPECT_EQ(diff.ci95.lo, 0.0);
    EXPECT_EQ(diff.ci95.hi, 0.0);
  }
}

TEST(ArmComparison, ReadingRefusesWhatDoesNotFit) {
  EvalDir d;
  EXPECT_NE(error_of([&] { read_arm_tasks(d.eval, d.data); }).find("eval.json"), std::string::npos);
  d.write_params(10, 2);
  // Missing, short, too long, another task's lines.
  EXPECT_NE(error_of([&] { read_arm_tasks(d.eval, d.data); }).find("holds 0 of 20 samples"),
            std::string::npos);
  testing::write_bytes(d.eval + "/samples.jsonl", d.lines(9, 2));
  EXPECT_NE(error_of([&] { read_arm_tasks(d.eval, d.data); }).find("holds 18 of 20"), std::string::npos);
  testing::write_bytes(d.eval + "/samples.jsonl", d.lines(11, 2));
  EXPECT_NE(error_of([&] { read_arm_tasks(d.eval, d.data); }).find("line 21: more lines than 20"),
            std::string::npos);
  testing::write_bytes(d.eval + "/samples.jsonl", d.lines(10, 1) + d.lines(10, 1));
  const std::string message = error_of([&] { read_arm_tasks(d.eval, d.data); });
  EXPECT_NE(message.find("line 2: expected task " + hex16(d.tasks[0].id)), std::string::npos) << message;
  // More tasks than the split has; a bad split.
  d.write_params(static_cast<int64_t>(d.tasks.size()) + 1, 1);
  EXPECT_NE(error_of([&] { read_arm_tasks(d.eval, d.data); }).find("has only"), std::string::npos);
  d.write_params(10, 1, "validation");
  EXPECT_NE(error_of([&] { read_arm_tasks(d.eval, d.data); }).find("validation"), std::string::npos);
}

}  // namespace
}  // namespace traceplay::models
