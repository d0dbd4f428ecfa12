// Dualformer's trace dropping on hand-made maze and Sokoban traces: every level token by
// token, level 3's count (maze) and probability (Sokoban) and the uniformity of its
// choice, the level draw, whole decoders, the per-sequence stream, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>

#include "core/vocabulary.h"
#include "dataset_test_util.h"
#include "models/trace_drop.h"
#include "search/maze_source.h"
#include "search/sokoban_source.h"

namespace traceplay::models {
namespace {

using testing::error_of;

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string joined(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

// A vocabulary of a small maze / Sokoban dataset (the order is the pinned one: sorted
// strings after bos, eos; what matters here is that the ids are not the tokens' order).
Vocabulary maze_vocabulary() {
  return Vocabulary::from_tokens(words("0 1 2 3 c0 c1 c2 c3 c4 start goal wall create close plan"));
}
Vocabulary sokoban_vocabulary() {
  return Vocabulary::from_tokens(words("0 1 2 3 4 c0 c1 c2 c3 worker box dock wall create close plan"));
}

DropSpec spec(double p1, double p2, double p3, double p4) {
  DropSpec s;
  s.p = {p1, p2, p3, p4};
  return s;
}

// A maze trace by hand: 5 create and 4 close steps (start (0,0), goal (1,2)).
const char* const kMazeTrace =
    "create 0 0 c0 c3 close 0 0 c0 c3 create 0 1 c1 c2 create 1 0 c1 c4 close 0 1 c1 c2 "
    "create 0 2 c2 c1 close 0 2 c2 c1 create 1 2 c3 c0 close 1 2 c3 c0";
// Its create steps without costs: level 2, and what level 3 thins.
const std::vector<std::string> kMazeCreates = {"create 0 0", "create 0 1", "create 1 0", "create 0 2",
                                               "create 1 2"};

// A Sokoban trace by hand, steps of different lengths (a box on a dock is not listed).
const char* const kSokobanTrace =
    "create worker 1 1 box 2 2 box 3 1 c0 c3 close worker 1 1 box 2 2 box 3 1 c0 c3 "
    "create worker 1 2 box 2 2 box 3 1 c1 c3 create worker 2 1 box 3 1 c1 c2 "
    "close worker 2 1 box 3 1 c1 c2 create worker 3 1 box 3 2 c2 c1 close worker 3 1 box 3 2 c2 c1";
const std::vector<std::string> kSokobanCreates = {"create worker 1 1 box 2 2 box 3 1",
                                                  "create worker 1 2 box 2 2 box 3 1",
                                                  "create worker 2 1 box 3 1", "create worker 3 1 box 3 2"};

struct Fixture {
  Vocabulary vocabulary;
  TraceDropper dropper;
  std::string apply(const std::string& trace, int level, Rng& rng) const {
    return joined(vocabulary.decode(dropper.apply(vocabulary.encode(words(trace)), level, rng)));
  }
  std::string apply(const std::string& trace, int level) const {
    Rng rng(1);
    return apply(trace, level, rng);
  }
};

Fixture maze() {
  return {maze_vocabulary(), TraceDropper(maze_vocabulary(), "maze", spec(0.1, 0.1, 0.1, 0.1))};
}
Fixture sokoban() {
  return {sokoban_vocabulary(), TraceDropper(sokoban_vocabulary(), "sokoban", spec(0.1, 0.1, 0.1, 0.1))};
}

// Which of `steps` (in order) a level-3 output keeps; fails the test unless the output is
// exactly those whole steps in their order.
std::vector<bool> kept_steps(const std::string& output, const std::vector<std::string>& steps) {
  std::vector<bool> kept(steps.size(), false);
  std::string rest = output;
  for (size_t k = 0; k < steps.size(); ++k) {
    const std::string& step = steps[k];
    if (rest.compare(0, step.size(), step) == 0 && (rest.size() == step.size() || rest[step.size()] == ' ')) {
      kept[k] = true;
      rest = rest.size() == step.size() ? "" : rest.substr(step.size() + 1);
    }
  }
  EXPECT_EQ(rest, "") << "not a subsequence of whole steps: " << output;
  return kept;
}

TEST(TraceDrop, MazeLevelsTokenByToken) {
  const Fixture f = maze();
  EXPECT_EQ(f.apply(kMazeTrace, 0), kMazeTrace);
  EXPECT_EQ(f.apply(kMazeTrace, 1),
            "create 0 0 c0 c3 create 0 1 c1 c2 create 1 0 c1 c4 create 0 2 c2 c1 create 1 2 c3 c0");
  EXPECT_EQ(f.apply(kMazeTrace, 2), "create 0 0 create 0 1 create 1 0 create 0 2 create 1 2");
  EXPECT_EQ(f.apply(kMazeTrace, 4), "");
  // Level 3: round(0.3 x 5) = 2 of the 5 create steps go, whole.
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Rng rng(seed);
    const std::vector<bool> kept = kept_steps(f.apply(kMazeTrace, 3, rng), kMazeCreates);
    EXPECT_EQ(std::count(kept.begin(), kept.end(), true), 3) << "seed " << seed;
  }
}

TEST(TraceDrop, SokobanLevelsTokenByToken) {
  const Fixture f = sokoban();
  EXPECT_EQ(f.apply(kSokobanTrace, 0), kSokobanTrace);
  EXPECT_EQ(f.apply(kSokobanTrace, 1),
            "create worker 1 1 box 2 2 box 3 1 c0 c3 create worker 1 2 box 2 2 box 3 1 c1 c3 "
            "create worker 2 1 box 3 1 c1 c2 create worker 3 1 box 3 2 c2 c1");
  EXPECT_EQ(f.apply(kSokobanTrace, 2),
            "create worker 1 1 box 2 2 box 3 1 create worker 1 2 box 2 2 box 3 1 "
            "create worker 2 1 box 3 1 create worker 3 1 box 3 2");
  EXPECT_EQ(f.apply(kSokobanTrace, 4), "");
  Rng rng(3);
  kept_steps(f.apply(kSokobanTrace, 3, rng), kSokobanCreates);
}

TEST(TraceDrop, StepsSplitAtCreateAndClose) {
  const Fixture f = maze();
  const std::vector<int32_t> trace = f.vocabulary.encode(words(kMazeTrace));
  const std::vector<TraceStep> steps = f.dropper.steps(trace.data(), trace.size());
  ASSERT_EQ(steps.size(), 9u);
  for (size_t k = 0; k < steps.size(); ++k) {
    EXPECT_EQ(steps[k].begin, 5 * k);
    EXPECT_EQ(steps[k].end, 5 * k + 5);
  }
  const std::vector<bool> close = {false, true, false, false, true, false, true, false, true};
  for (size_t k = 0; k < steps.size(); ++k) EXPECT_EQ(steps[k].close, close[k]) << k;
  EXPECT_TRUE(f.dropper.steps(nullptr, 0).empty());
  // Tokens before the first step (never in an A* trace) are a leading step that levels
  // 1 and 3 keep and level 2 strips of costs.
  EXPECT_EQ(f.apply("1 c2 close 0 0 c0 c1 create 0 1 c1 c0", 1), "1 c2 create 0 1 c1 c0");
  EXPECT_EQ(f.apply("1 c2 close 0 0 c0 c1 create 0 1 c1 c0", 2), "1 create 0 1");
  EXPECT_EQ(f.apply("1 c2 close 0 0 c0 c1 create 0 1 c1 c0 create 1 1 c2 c0", 3).substr(0, 2), "1 ");
}

TEST(TraceDrop, Level3OnMazesDropsExactlyThirtyPercentRoundedHalfUp) {
  const Fixture f = maze();
  // Dropped create steps for n of them, by hand: round(0.3 n), halves up.
  const std::map<size_t, size_t> expected = {{0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 1},  {5, 2},
                                             {6, 2}, {7, 2}, {8, 2}, {9, 3}, {10, 3}, {15, 5}};
  for (const auto& [n, dropped] : expected) {
    std::string trace;
    for (size_t k = 0; k < n; ++k)
      trace += std::string(trace.empty() ? "" : " ") + "create " + std::to_string(k % 4) + " 0 c1 c2";
    for (uint64_t seed = 0; seed < 5; ++seed) {
      Rng rng(seed);
      const std::string out = f.apply(trace, 3, rng);
      const size_t steps = out.empty() ? 0 : (words(out).size() / 3);
      EXPECT_EQ(steps, n - dropped) << n << " create steps, seed " << seed;
    }
  }
}

TEST(TraceDrop, Level3OnMazesChoosesEverySubsetEquallyOften) {
  const Fixture f = maze();
  // 5 create steps, 2 dropped: C(5, 2) = 10 subsets, each with probability 1/10.
  std::map<std::vector<bool>, int> counts;
  const int draws = 20000;
  for (int k = 0; k < draws; ++k) {
    Rng rng = Rng::stream(11, static_cast<uint64_t>(k));
    counts[kept_steps(f.apply(kMazeTrace, 3, rng), kMazeCreates)]++;
  }
  ASSERT_EQ(counts.size(), 10u);
  // Binomial(20000, 0.1): sd 42; 5 sd either side.
  for (const auto& [subset, count] : counts) EXPECT_NEAR(count, draws / 10, 210);
}

TEST(TraceDrop, Level3OnSokobanDropsEachStepWithProbabilityPointThree) {
  const Fixture f = sokoban();
  const int draws = 20000;
  std::vector<int> dropped_per_step(kSokobanCreates.size(), 0);
  std::map<size_t, int> dropped_count;  // how many of the 4 steps went
  for (int k = 0; k < draws; ++k) {
    Rng rng = Rng::stream(5, static_cast<uint64_t>(k));
    const std::vector<bool> kept = kept_steps(f.apply(kSokobanTrace, 3, rng), kSokobanCreates);
    size_t gone = 0;
    for (size_t s = 0; s < kept.size(); ++s)
      if (!kept[s]) ++dropped_per_step[s], ++gone;
    dropped_count[gone]++;
  }
  // Each step: Binomial(20000, 0.3), sd 65.
  for (int n : dropped_per_step) EXPECT_NEAR(n, 0.3 * draws, 330);
  // Not a fixed count: the number dropped is Binomial(4, 0.3) (P(0) = 0.2401, P(4) = 0.0081).
  EXPECT_NEAR(dropped_count[0], 0.2401 * draws, 350);
  EXPECT_NEAR(dropped_count[2], 0.2646 * draws, 350);
  EXPECT_NEAR(dropped_count[4], 0.0081 * draws, 70);
}

TEST(TraceDrop, LevelOfAUniformDraw) {
  const DropSpec s = spec(0.1, 0.2, 0.3, 0.4);
  EXPECT_EQ(s.level_for(0.0), 1);
  EXPECT_EQ(s.level_for(0.0999), 1);
  EXPECT_EQ(s.level_for(0.1), 2);
  EXPECT_EQ(s.level_for(0.35), 3);
  EXPECT_EQ(s.level_for(0.65), 4);
  EXPECT_EQ(s.level_for(0.999999), 4);
  const DropSpec gaps = spec(0.25, 0, 0, 0.25);
  EXPECT_EQ(gaps.level_for(0.2), 1);
  EXPECT_EQ(gaps.level_for(0.3), 4);
  EXPECT_EQ(gaps.level_for(0.5), 0);
  EXPECT_EQ(gaps.level_for(0.99), 0);
  EXPECT_EQ(DropSpec().level_for(0.0), 0);
  EXPECT_FALSE(DropSpec().any());
  EXPECT_TRUE(spec(0, 0, 0, 0.01).any());
}

TEST(TraceDrop, DecodersGetTheirLevelsWithTheDrawnFrequencies) {
  const Vocabulary v = maze_vocabulary();
  const std::vector<int32_t> trace = v.encode(words(kMazeTrace));
  const std::vector<int32_t> plan = v.encode(words("plan 0 0 0 1 0 2 1 2"));
  std::vector<int32_t> decoder = {Vocabulary::kBos};
  decoder.insert(decoder.end(), trace.begin(), trace.end());
  decoder.insert(decoder.end(), plan.begin(), plan.end());
  decoder.push_back(Vocabulary::kEos);
  const int32_t plan_start = static_cast<int32_t>(1 + trace.size());

  auto decoded = [&](const std::vector<int32_t>& d) { return joined(v.decode(d)); };
  std::vector<int32_t> out;
  Rng rng(4);
  // Certain levels: p4 = 1 leaves bos plan eos, p1 = 1 the create steps; p = 0 nothing.
  EXPECT_EQ(TraceDropper(v, "maze", spec(0, 0, 0, 1)).drop_decoder(decoder, plan_start, rng, out), 1);
  EXPECT_EQ(decoded(out), "bos plan 0 0 0 1 0 2 1 2 eos");
  EXPECT_EQ(TraceDropper(v, "maze", spec(1, 0, 0, 0)).drop_decoder(decoder, plan_start, rng, out), 26);
  EXPECT_EQ(decoded(out),
            "bos create 0 0 c0 c3 create 0 1 c1 c2 create 1 0 c1 c4 create 0 2 c2 c1 create 1 2 c3 c0 "
            "plan 0 0 0 1 0 2 1 2 eos");
  EXPECT_EQ(TraceDropper(v, "maze", spec(0, 1, 0, 0)).drop_decoder(decoder, plan_start, rng, out), 16);
  EXPECT_EQ(decoded(out),
            "bos create 0 0 create 0 1 create 1 0 create 0 2 create 1 2 plan 0 0 0 1 0 2 1 2 eos");
  EXPECT_EQ(TraceDropper(v, "maze", spec(0, 0, 0, 0)).drop_decoder(decoder, plan_start, rng, out),
            plan_start);
  EXPECT_EQ(out, decoder);

  // Mixed: the trace length tells the level (full 45, level 1 25, level 2 15, level 3 9, level 4 0).
  const DropSpec mixed = spec(0.1, 0.2, 0.3, 0.15);  // full trace 0.25
  const TraceDropper dropper(v, "maze", mixed);
  const std::map<int32_t, int> level_of_trace_length = {{45, 0}, {25, 1}, {15, 2}, {9, 3}, {0, 4}};
  std::vector<int> counts(5, 0);
  const int draws = 20000;
  for (int k = 0; k < draws; ++k) {
    Rng r = trace_drop_rng(7, 0, static_cast<uint64_t>(k));
    const int32_t p = dropper.drop_decoder(decoder, plan_start, r, out);
    ASSERT_TRUE(level_of_trace_length.count(p - 1)) << p;
    counts[level_of_trace_length.at(p - 1)]++;
    // The plan and eos follow the trace unchanged.
    ASSERT_EQ(std::vector<int32_t>(out.begin() + p, out.end()),
              std::vector<int32_t>(decoder.begin() + plan_start, decoder.end()));
  }
  const double expected[5] = {0.25, 0.1, 0.2, 0.3, 0.15};
  for (int level = 0; level < 5; ++level)
    EXPECT_NEAR(counts[level] / double(draws), expected[level], 0.015) << level;
}

TEST(TraceDrop, PerSequenceStreamsAreFixedAndDistinct) {
  Rng a = trace_drop_rng(1, 2, 3), b = trace_drop_rng(1, 2, 3);
  EXPECT_EQ(a.next(), b.next());
  const uint64_t first = trace_drop_rng(1, 2, 3).next();
  EXPECT_NE(trace_drop_rng(1, 2, 4).next(), first);
  EXPECT_NE(trace_drop_rng(1, 3, 3).next(), first);
  EXPECT_NE(trace_drop_rng(2, 2, 3).next(), first);
  // Not the epoch shuffle's stream of the same seed.
  EXPECT_NE(Rng::stream(1, 2).next(), trace_drop_rng(1, 2, 0).next());
}

// Real A* traces of both domains, checked by counting tokens (DESIGN.md's step formats:
// every step ends with its two cost tokens; a maze step has 5 tokens).
void check_real_traces(const TraceSource& source, size_t layouts) {
  const Vocabulary& v = source.vocabulary();
  const TraceDropper dropper(v, source.domain(), spec(0.1, 0.1, 0.1, 0.1));
  auto worker = source.make_worker();
  auto count = [&](const std::vector<int32_t>& ids, const std::string& token) {
    return static_cast<size_t>(std::count(ids.begin(), ids.end(), v.id(token)));
  };
  auto costs = [&](const std::vector<int32_t>& ids) {
    size_t n = 0;
    for (int32_t id : ids)
      n += v.token(id).size() > 1 && v.token(id)[0] == 'c' && std::isdigit(v.token(id)[1]);
    return n;
  };
  size_t traces = 0;
  for (uint64_t k = 0; k < layouts; ++k) {
    for (const DatasetRecord& r : worker->generate(17, k)) {
      ++traces;
      Rng rng(k);
      const size_t creates = count(r.trace, "create"), closes = count(r.trace, "close");
      ASSERT_GT(closes, 0u);
      ASSERT_EQ(costs(r.trace), 2 * (creates + closes));
      const std::vector<int32_t> one = dropper.apply(r.trace, 1, rng), two = dropper.apply(r.trace, 2, rng);
      EXPECT_EQ(count(one, "close"), 0u);
      EXPECT_EQ(count(one, "create"), creates);
      EXPECT_EQ(costs(one), 2 * creates);
      EXPECT_EQ(costs(two), 0u);
      EXPECT_EQ(two.size(), one.size() - 2 * creates);
      if (source.domain() == "maze") {
        EXPECT_EQ(one.size(), 5 * creates);
      }
      // Level 2 is level 1 without its cost tokens, in order.
      std::vector<int32_t> stripped;
      for (int32_t id : one)
        if (v.token(id)[0] != 'c' || v.token(id) == "create") stripped.push_back(id);
      EXPECT_EQ(two, stripped);
      const std::vector<int32_t> three = dropper.apply(r.trace, 3, rng);
      EXPECT_EQ(costs(three), 0u);
      if (source.domain() == "maze") {
        EXPECT_EQ(count(three, "create"), creates - (3 * creates + 5) / 10);
      }
    }
  }
  EXPECT_GT(traces, 0u);
}

TEST(TraceDrop, RealMazeAndSokobanTracesDropByTheirStepFormat) {
  search::MazeSourceParams maze_params;
  maze_params.width = maze_params.height = 6;
  check_real_traces(*search::make_maze_source(maze_params), 20);
  search::SokobanSourceParams sokoban_params;
  sokoban_params.width = sokoban_params.height = 6;
  sokoban_params.boxes = 1;
  check_real_traces(*search::make_sokoban_source(sokoban_params), 10);
}

TEST(TraceDrop, BadProbabilitiesNameTheFlagOrKey) {
  EXPECT_EQ(error_of([] { parse_drop_spec("0.45,0.1,0.1,0.1", "--drop"); }), "(no error)");
  EXPECT_EQ(parse_drop_spec(" 0.1, 0.2 ,0.3,0.4", "--drop").p, (std::array<double, 4>{0.1, 0.2, 0.3, 0.4}))
      << "spaces allowed; a sum a rounding error above 1 is 1";
  EXPECT_EQ(error_of([] { parse_drop_spec("1.5,0,0,0", "--drop"); }),
            "--drop: p1 = 1.5 is not a probability in [0, 1]");
  EXPECT_EQ(error_of([] { parse_drop_spec("0,0,-0.1,0", "--drop"); }),
            "--drop: p3 = -0.1 is not a probability in [0, 1]");
  EXPECT_EQ(error_of([] { parse_drop_spec("0,nan,0,0", "--drop"); }),
            "--drop: p2 = nan is not a probability in [0, 1]");
  EXPECT_EQ(error_of([] { parse_drop_spec("0.5,0.3,0.2,0.1", "--drop"); }),
            "--drop: the drop probabilities [0.5, 0.3, 0.2, 0.1] sum to 1.1, more than 1");
  EXPECT_EQ(error_of([] { parse_drop_spec("0.1,0.2,0.3", "--drop"); }),
            "--drop: expected four probabilities p1, p2, p3, p4 (drop levels 1..4), got 3");
  EXPECT_EQ(error_of([] { parse_drop_spec("0.1,0.1,0.1,0.1,0.1", "--drop"); }),
            "--drop: expected four probabilities p1, p2, p3, p4 (drop levels 1..4), got 5");
  EXPECT_EQ(error_of([] { parse_drop_spec("0.1,x,0.1,0.1", "--drop"); }),
            "--drop: \"0.1,x,0.1,0.1\" is not four comma-separated probabilities p1,p2,p3,p4 (\"x\" is not a "
            "number)");
  EXPECT_NE(error_of([] { parse_drop_spec("0.1,,0.1,0.1", "--drop"); }), "(no error)");
  EXPECT_NE(error_of([] { parse_drop_spec("", "--drop"); }), "(no error)");
  EXPECT_NE(error_of([] { parse_drop_spec("0.1,0.1,0.1,0.1x", "--drop"); }), "(no error)");
  EXPECT_EQ(
      error_of([] {
        drop_spec_of({0.1, 0.2}, "exp.toml [train]: \"drop\"");
      }),
      "exp.toml [train]: \"drop\": expected four probabilities p1, p2, p3, p4 (drop levels 1..4), got 2");
  EXPECT_EQ(error_of([] {
              drop_spec_of({0.1, 0.2, 0.3, 2}, "exp.toml [train]: \"drop\"");
            }),
            "exp.toml [train]: \"drop\": p4 = 2 is not a probability in [0, 1]");
}

TEST(TraceDrop, OtherDomainsAndVocabulariesAreRefused) {
  EXPECT_EQ(error_of([] { TraceDropper(maze_vocabulary(), "go", spec(0.1, 0, 0, 0)); }),
            "trace dropping is defined for maze and sokoban traces, not for a \"go\" dataset");
  EXPECT_EQ(
      error_of([] { TraceDropper(Vocabulary::from_tokens(words("0 1 plan")), "maze", spec(0.1, 0, 0, 0)); }),
      "trace dropping needs the create and close tokens, which this dataset's vocabulary lacks");
}

}  // namespace
}  // namespace traceplay::models
