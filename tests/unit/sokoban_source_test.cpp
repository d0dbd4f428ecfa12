// Sokoban dataset records: reproducible per (seed, k), ids and layouts as DESIGN.md
// pins them, plans that replay, and the drop rules (cost tokens, limits).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <unistd.h>

#include "core/error.h"
#include "core/hash.h"
#include "games/sokoban/simulator.h"
#include "search/plan_tokens.h"
#include "search/sokoban_source.h"
#include "search/sokoban_trace.h"
#include "test_data.h"

namespace traceplay::search {
namespace {

std::string temp_levels(const std::string& text) {
  static int counter = 0;
  // ctest runs every test in its own process, in parallel: the pid keeps names apart.
  const std::string path = ::testing::TempDir() + "sokoban_source_test_" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++) + ".xsb";
  std::ofstream(path) << text;
  return path;
}

TEST(SokobanSource, GeneratedRecordsAreReproducibleAndReplay) {
  SokobanSourceParams params;  // the paper's 7x7, 2 walls, 2 boxes, non-deterministic
  const auto source = make_sokoban_source(params);
  EXPECT_EQ(source->domain(), "sokoban");
  EXPECT_EQ(source->num_layouts(), UINT64_MAX);
  EXPECT_EQ(source->params().at("cost_tokens"), 1000);
  const Vocabulary& v = source->vocabulary();
  EXPECT_EQ(v.size(), 2u + 7 + 1000 + 7);
  auto worker = source->make_worker();
  auto other = source->make_worker();
  int records = 0;
  for (uint64_t k = 0; k < 60; ++k) {
    const auto got = worker->generate(7, k);
    ASSERT_LE(got.size(), 1u);
    const auto again = other->generate(7, k);
    ASSERT_EQ(got.size(), again.size());
    if (got.empty()) continue;
    ++records;
    const DatasetRecord& r = got[0];
    EXPECT_EQ(r.trace, again[0].trace);
    EXPECT_EQ(r.prompt, again[0].prompt);
    const auto prompt = v.decode(r.prompt);
    EXPECT_EQ(r.id, hash_tokens(prompt));
    EXPECT_EQ(r.layout, hash_tokens(sokoban_layout_tokens(prompt)));
    EXPECT_EQ(r.meta.at("width"), 7);
    // The prompt describes the level: rebuild it and replay the plan in it.
    const sokoban::Level level = level_from_prompt(prompt, 7, 7);
    EXPECT_EQ(level.num_boxes(), 2);
    EXPECT_EQ(sokoban_prompt(level), prompt);
    const auto parsed = parse_plan_response(v.decode(r.plan), 7);
    ASSERT_TRUE(parsed.ok) << parsed.error;
    const PlanCheck check = sokoban::check_plan(level, parsed.plan);
    EXPECT_TRUE(check.valid) << check.reason;
    // Trace starts with the start node: create worker x y box x y box x y c0 c<h>.
    const auto trace = v.decode(r.trace);
    ASSERT_GE(trace.size(), 12u);
    EXPECT_EQ(trace[0], "create");
    EXPECT_EQ(trace[1], "worker");
    EXPECT_EQ(trace[10], "c0");
  }
  EXPECT_GT(records, 20);  // most 7x7 draws are solvable
  // Another seed gives other levels.
  int same = 0;
  for (uint64_t k = 0; k < 10; ++k) {
    const auto a = worker->generate(7, k), b = worker->generate(8, k);
    same += !a.empty() && !b.empty() && a[0].id == b[0].id;
  }
  EXPECT_LT(same, 3);
}

TEST(SokobanSource, CollectionRecordsFollowTheFile) {
  const std::string path = temp_levels(
      "; 1\n#####\n#@$.#\n#####\n\n; 2\n######\n#@ $.#\n######\n\n; 3 (unsolvable)\n#####\n#$@.#\n#####\n");
  SokobanSourceParams params;
  params.levels_file = path;
  params.deterministic = true;
  const auto source = make_sokoban_source(params);
  EXPECT_EQ(source->num_layouts(), 3u);
  EXPECT_EQ(source->params().at("levels"), 3);
  auto worker = source->make_worker();
  const auto first = worker->generate(1, 0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].meta.at("level"), 1);
  EXPECT_EQ(source->vocabulary().decode(first[0].trace),
            (std::vector<std::string>{"create", "worker", "1",      "1",      "box", "2",   "1",  "c0",
                                      "c1",     "close",  "worker", "1",      "1",   "box", "2",  "1",
                                      "c0",     "c1",     "create", "worker", "2",   "1",   "c1", "c0",
                                      "close",  "worker", "2",      "1",      "c1",  "c0"}));
  EXPECT_EQ(worker->generate(1, 1).size(), 1u);
  EXPECT_TRUE(worker->generate(1, 2).empty());  // unsolvable: no record
  EXPECT_TRUE(worker->generate(1, 3).empty());  // past the end
  std::remove(path.c_str());
}

TEST(SokobanSource, DropsTracesBeyondCostTokensAndLimits) {
  SokobanSourceParams params;
  params.cost_tokens = 4;  // every 7x7 plan of a few pushes needs more
  auto worker_few_costs = make_sokoban_source(params)->make_worker();
  SokobanSourceParams limited;
  limited.max_expansions = 3;
  auto worker_limited = make_sokoban_source(limited)->make_worker();
  SokobanSourceParams short_traces;
  short_traces.max_trace_tokens = 30;
  auto worker_short = make_sokoban_source(short_traces)->make_worker();
  size_t kept = 0;
  for (uint64_t k = 0; k < 30; ++k) {
    kept += worker_few_costs->generate(3, k).size() + worker_limited->generate(3, k).size();
    for (const auto& r : worker_short->generate(3, k)) EXPECT_LE(r.trace.size(), 30u);
  }
  EXPECT_EQ(kept, 0u);
}

TEST(SokobanSource, RefusesBadParameters) {
  SokobanSourceParams tiny;
  tiny.width = 4;
  EXPECT_THROW(make_sokoban_source(tiny), UserError);
  SokobanSourceParams crowded;
  crowded.boxes = 10;  // only 9 cells two away from the border of 7x7
  EXPECT_THROW(make_sokoban_source(crowded), UserError);
  SokobanSourceParams no_costs;
  no_costs.cost_tokens = 0;
  EXPECT_THROW(make_sokoban_source(no_costs), UserError);
  SokobanSourceParams missing;
  missing.levels_file = "/nonexistent/levels.xsb";
  EXPECT_THROW(make_sokoban_source(missing), UserError);
  const std::string bad = temp_levels("#####\n#@$$#\n#####\n");
  SokobanSourceParams malformed;
  malformed.levels_file = bad;
  try {
    make_sokoban_source(malformed);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("level 1 (line 1)"), std::string::npos) << e.what();
  }
  std::remove(bad.c_str());
}

TEST(SokobanSource, PromptRoundTripRefusesMalformedPrompts) {
  EXPECT_THROW(level_from_prompt({"worker", "1"}, 5, 3), UserError);
  EXPECT_THROW(level_from_prompt({"worker", "9", "1"}, 5, 3), UserError);
  EXPECT_THROW(level_from_prompt({"robot", "1", "1"}, 5, 3), UserError);
  EXPECT_THROW(level_from_prompt({"box", "1", "1"}, 5, 3), UserError);  // no worker
  const auto level =
      level_from_prompt(sokoban_prompt(sokoban::Level::from_rows({"#####", "#@$.#", "#####"})), 5, 3);
  EXPECT_EQ(level.to_string(), "#####-#@$.#-#####");
}

}  // namespace
}  // namespace traceplay::search
