// Dualformer's evaluation modes (models/eval_modes.h): mode names and directories, the
// ids each mode forces, and how a response's first token is classified and counted.
#include <gtest/gtest.h>

#include "core/error.h"
#include "models/eval_modes.h"

namespace traceplay::models {
namespace {

Vocabulary maze_vocabulary() {
  return Vocabulary::from_tokens(
      {"0", "1", "2", "c0", "c1", "create", "close", "plan", "start", "goal", "wall"});
}

TEST(EvalModes, NamesAndDirectories) {
  EXPECT_EQ(eval_mode_names(), (std::vector<std::string>{"fast", "slow", "auto"}));
  EXPECT_TRUE(is_eval_mode("slow"));
  EXPECT_FALSE(is_eval_mode(""));
  EXPECT_FALSE(is_eval_mode("Fast"));
  EXPECT_EQ(eval_dir_name("test", ""), "eval-test");
  EXPECT_EQ(eval_dir_name("test", "fast"), "eval-test-fast");
  EXPECT_EQ(eval_dir_name("train", "auto"), "eval-train-auto");
}

TEST(EvalModes, ForcedPrefixOfEachMode) {
  const Vocabulary v = maze_vocabulary();
  // Sorted as strings after bos, eos: 0 1 2 c0 c1 close create goal plan start wall.
  ASSERT_EQ(v.id("create"), 8);
  ASSERT_EQ(v.id("plan"), 10);
  EXPECT_EQ(forced_prefix("fast", v), (std::vector<int32_t>{10}));
  EXPECT_EQ(forced_prefix("slow", v), (std::vector<int32_t>{8}));
  EXPECT_TRUE(forced_prefix("auto", v).empty());
  EXPECT_TRUE(forced_prefix("", v).empty());
  EXPECT_THROW(forced_prefix("bogus", v), UserError);
  const Vocabulary no_plan = Vocabulary::from_tokens({"0", "create"});
  EXPECT_THROW(forced_prefix("fast", no_plan), UserError);
  EXPECT_NO_THROW(forced_prefix("slow", no_plan));
}

TEST(EvalModes, ResponseStartIsTheFirstTokenAfterBos) {
  using S = ResponseStart;
  EXPECT_EQ(response_start({"bos", "plan", "0", "0", "eos"}), S::kPlan);
  EXPECT_EQ(response_start({"plan", "0", "0", "eos"}), S::kPlan);  // bos missing: tolerated
  EXPECT_EQ(response_start({"bos", "create", "0", "0", "c0", "c1", "plan", "0", "0", "eos"}), S::kTrace);
  EXPECT_EQ(response_start({"bos", "close", "0", "0"}), S::kTrace);
  EXPECT_EQ(response_start({"bos", "eos"}), S::kOther);
  EXPECT_EQ(response_start({"bos", "0", "plan"}), S::kOther);  // only the first token counts
  EXPECT_EQ(response_start({"bos"}), S::kOther);
  EXPECT_EQ(response_start({}), S::kOther);
}

TEST(EvalModes, CounterSharesAndSummaryKeys) {
  ResponseStartCounter counter;
  EXPECT_EQ(counter.fast_share(), 0.0);  // nothing counted: no division by zero
  for (int i = 0; i < 3; ++i) counter.add({"bos", "plan", "1", "1", "eos"});
  counter.add({"bos", "create", "0", "0", "c0", "c1"});
  counter.add({"bos", "close", "0", "0", "c0", "c1"});
  counter.add({"bos", "wall"});
  counter.add({"bos", "eos"});
  counter.add({"bos", "create"});
  EXPECT_EQ(counter.responses(), 8);
  EXPECT_DOUBLE_EQ(counter.fast_share(), 3.0 / 8);
  EXPECT_DOUBLE_EQ(counter.slow_share(), 3.0 / 8);

  nlohmann::ordered_json summary;
  summary["tasks"] = 4;
  summary["mean_astar_trace_tokens"] = nullptr;
  counter.append_to(summary, "auto");
  std::vector<std::string> keys;
  for (const auto& [key, value] : summary.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"tasks", "mean_astar_trace_tokens", "mode", "fast_share",
                                            "slow_share"}));
  EXPECT_EQ(summary["mode"], "auto");
  EXPECT_DOUBLE_EQ(summary["fast_share"].get<double>(), 0.375);
}

}  // namespace
}  // namespace traceplay::models
