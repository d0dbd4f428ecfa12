// Trace mode reproduces the reference's Sokoban search and tokens.
#include <gtest/gtest.h>

#include <map>

#include "core/rng.h"
#include "games/sokoban/collection.h"
#include "games/sokoban/generator.h"
#include "games/sokoban/simulator.h"
#include "search/sokoban_domain.h"
#include "search/sokoban_trace.h"
#include "test_data.h"

namespace traceplay::search {
namespace {

using sokoban::Level;
using testing::load_json;
using testing::shared_data;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// The reference's state strings (rows joined by '-') as tokens: worker, loose boxes
// in "x-y" string order, then the costs.
std::vector<std::string> step_tokens(const std::string& action, const std::string& state, int g, int h) {
  const Level level = Level::from_rows(split(state, '-'));
  const auto prompt = sokoban_prompt(level);
  std::vector<std::string> out{action};
  for (size_t i = 0; i < prompt.size(); i += 3)
    if (prompt[i] == "worker" || prompt[i] == "box")
      out.insert(out.end(), prompt.begin() + i, prompt.begin() + i + 3);
  out.push_back("c" + std::to_string(g));
  out.push_back("c" + std::to_string(h));
  return out;
}

TEST(SokobanTrace, ReproducesReferenceRepoTrace) {
  const auto steps = load_json(shared_data("searchformer/trace_sokoban.json"));
  std::vector<std::string> want_trace, want_plan;
  for (const auto& step : steps) {
    const std::string action = step.at("action");
    const std::string state = step.at("state");
    if (action == "plan") {
      const Level level = Level::from_rows(split(state, '-'));
      want_plan.insert(want_plan.end(), {"plan", std::to_string(level.pos(level.worker()).x),
                                         std::to_string(level.pos(level.worker()).y)});
    } else {
      const auto t = step_tokens(action, state, step.at("cost_from_start"), step.at("heuristic"));
      want_trace.insert(want_trace.end(), t.begin(), t.end());
    }
  }
  const Level level = Level::from_rows({"#####", "#@$.#", "#####"});
  const SokobanTrace got = trace_sokoban(level);
  ASSERT_TRUE(got.result.solved());
  EXPECT_EQ(got.trace, want_trace);
  EXPECT_EQ(got.plan, want_plan);
  // Spelled out, so that the expectation does not only rest on our own prompt code.
  EXPECT_EQ(got.trace, (std::vector<std::string>{
                           "create", "worker", "1",  "1",   "box",   "2",      "1",  "c0", "c1",     "close",
                           "worker", "1",      "1",  "box", "2",     "1",      "c0", "c1", "create", "worker",
                           "2",      "1",      "c1", "c0",  "close", "worker", "2",  "1",  "c1",     "c0"}));
  EXPECT_EQ(got.plan, (std::vector<std::string>{"plan", "1", "1", "plan", "2", "1"}));
  EXPECT_EQ(got.prompt,
            (std::vector<std::string>{
                "worker", "1", "1", "box",  "2", "1", "dock", "3", "1", "wall", "0", "0", "wall", "0", "1",
                "wall",   "0", "2", "wall", "1", "0", "wall", "1", "2", "wall", "2", "0", "wall", "2", "2",
                "wall",   "3", "0", "wall", "3", "2", "wall", "4", "0", "wall", "4", "1", "wall", "4", "2"}));
}

TEST(SokobanTrace, PromptSortsPositionsAsStrings) {
  // 12 wide: "10-1" sorts before "7-1", and "1-2" before "10-0".
  const Level level = Level::from_rows({"############", "#@$ $  . *.#", "############"});
  const auto prompt = sokoban_prompt(level);
  // Boxes: the loose ones; docks: those without a box (not the one under '*').
  const std::vector<std::string> head(prompt.begin(), prompt.begin() + 15);
  EXPECT_EQ(head, (std::vector<std::string>{"worker", "1", "1", "box", "2", "1", "box", "4", "1", "dock",
                                            "10", "1", "dock", "7", "1"}));
  // Walls: "0-0" "0-1" "0-2" "1-0" "1-2" "10-0" "10-2" "11-0" ... "2-0" ...
  EXPECT_EQ(prompt[15 + 3 * 5], "wall");
  EXPECT_EQ(prompt[15 + 3 * 5 + 1], "10");
  EXPECT_EQ(prompt[15 + 3 * 5 + 2], "0");
  const auto layout = sokoban_layout_tokens(prompt);
  EXPECT_EQ(layout.size(), prompt.size() - 9);
  EXPECT_EQ(layout[0], "dock");
}

TEST(SokobanTrace, DeadBoxesAreNotCreated) {
  // Pushing the box left puts it against the wall with walls above and below: h is
  // infinite and the child is never created. Stepping right onto the dock is the only
  // other move; after it nothing new is left, so the search fails.
  const Level level = Level::from_rows({"######", "# $@.#", "######"});
  const SokobanTrace got = trace_sokoban(level);
  EXPECT_EQ(got.result.status, SearchStatus::kUnsolvable);
  EXPECT_EQ(got.trace, (std::vector<std::string>{"create", "worker", "3", "1", "box", "2", "1", "c0", "c2",
                                                 "close",  "worker", "3", "1", "box", "2", "1", "c0", "c2",
                                                 "create", "worker", "4", "1", "box", "2", "1", "c1", "c2",
                                                 "close",  "worker", "4", "1", "box", "2", "1", "c1", "c2"}));
  EXPECT_TRUE(got.plan.empty());
}

TEST(SokobanTrace, SolvesTheReferenceExampleLevel) {
  const auto levels = sokoban::load_collection(shared_data("searchformer/sokoban_example_7722.txt"));
  ASSERT_EQ(levels.size(), 1u);
  const Level& level = levels[0].level;
  EXPECT_EQ(level.width(), 7);
  EXPECT_EQ(level.num_boxes(), 2);
  const SokobanTrace got = trace_sokoban(level);
  ASSERT_TRUE(got.result.solved());
  const auto check = sokoban::check_plan(level, got.result.plan);
  EXPECT_TRUE(check.valid) << check.reason;
  EXPECT_EQ(check.moves, got.result.cost);
  EXPECT_EQ(got.plan.size(), 3 * got.result.plan.size());
  // Every step: action, worker x y, boxes, two costs; the first step is the start.
  ASSERT_GE(got.trace.size(), 9u);
  EXPECT_EQ(got.trace[0], "create");
  EXPECT_EQ(got.trace[1], "worker");
}

TEST(SokobanTrace, NondeterministicModeIsReproducibleBySeed) {
  sokoban::GeneratorParams params;
  int differing = 0;
  for (uint64_t k = 0; k < 30; ++k) {
    Rng rng = Rng::stream(99, k);
    const auto level = sokoban::generate_level(params, rng);
    if (!level) continue;
    AStarOptions a;
    a.deterministic = false;
    a.seed = 1234 + k;
    const SokobanTrace first = trace_sokoban(*level, a);
    const SokobanTrace again = trace_sokoban(*level, a);
    EXPECT_EQ(first.trace, again.trace);
    EXPECT_EQ(first.plan, again.plan);
    a.seed += 1;
    const SokobanTrace other = trace_sokoban(*level, a);
    differing += other.trace != first.trace;
    // Both are optimal: the heuristic is admissible, whatever the tie order.
    EXPECT_EQ(other.result.status, first.result.status);
    if (first.result.solved()) {
      EXPECT_EQ(other.result.cost, first.result.cost);
    }
  }
  EXPECT_GT(differing, 5);
}

TEST(SokobanTrace, DeterministicTiesFollowTheCanonicalKey) {
  // Open room: many equal f; two runs give the same trace, and the plan replays.
  const Level level = Level::from_rows({"#######", "#     #", "# $ . #", "#  @  #", "#######"});
  const SokobanTrace a = trace_sokoban(level);
  const SokobanTrace b = trace_sokoban(level);
  ASSERT_TRUE(a.result.solved());
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_TRUE(sokoban::check_plan(level, a.result.plan).valid);
}

TEST(SokobanTrace, ClosesTheSmallestFThenTheSmallestCanonicalKey) {
  // Replays the open list from the recorded events: every close must take the open
  // state with the smallest (f, worker, sorted boxes).
  const Level level =
      Level::from_rows({"########", "#      #", "# $  . #", "#  @ $ #", "#   .  #", "########"});
  SokobanTraceDomain<2> domain(level);
  RecordingSink<SokobanTraceState<2>> sink;
  AStar<SokobanTraceDomain<2>> astar;
  ASSERT_TRUE(astar.run(domain, {}, sink).solved());
  using Key = std::vector<int>;
  auto key = [](const SokobanTraceState<2>& s) { return Key{s.worker, s.boxes[0], s.boxes[1]}; };
  std::map<Key, int> open;  // state -> f of its open entry
  int closes = 0, ties = 0;
  for (const auto& e : sink.events) {
    if (e.action == TraceAction::kCreate) open[key(e.state)] = e.g + e.h;
    if (e.action != TraceAction::kClose) continue;
    const auto it = open.find(key(e.state));
    ASSERT_NE(it, open.end());
    ASSERT_EQ(it->second, e.g + e.h);
    for (const auto& [k, f] : open) {
      ASSERT_GE(f, e.g + e.h);
      if (f == e.g + e.h && k != key(e.state)) {
        ++ties;
        ASSERT_LT(key(e.state), k);
      }
    }
    open.erase(it);
    ++closes;
  }
  EXPECT_GT(closes, 20);
  EXPECT_GT(ties, 20);  // the level has many equal f, so the order was really tested
}

TEST(SokobanTrace, TokenIdsMatchTokenStrings) {
  const auto levels = sokoban::load_collection(shared_data("searchformer/sokoban_example_7722.txt"));
  const Level& level = levels[0].level;
  const Vocabulary vocabulary = sokoban_vocabulary(7, 200);
  const SokobanTokenIds ids(vocabulary, 7, 200);
  SokobanTracer tracer;
  std::vector<int32_t> trace, plan;
  bool overflow = true;
  const auto r = tracer.run(level, {}, ids, trace, plan, overflow);
  ASSERT_TRUE(r.solved());
  EXPECT_FALSE(overflow);
  const SokobanTrace strings = trace_sokoban(level);
  EXPECT_EQ(vocabulary.decode(trace), strings.trace);
  EXPECT_EQ(vocabulary.decode(plan), strings.plan);
  // Too few cost tokens: flagged.
  const Vocabulary small = sokoban_vocabulary(7, 3);
  const SokobanTokenIds small_ids(small, 7, 3);
  trace.clear();
  plan.clear();
  tracer.run(level, {}, small_ids, trace, plan, overflow);
  EXPECT_TRUE(overflow);
}

}  // namespace
}  // namespace traceplay::search
