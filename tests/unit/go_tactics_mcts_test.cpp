// MCTS on go-tactics tasks (search/go_tactics_*.h, search/leaf_judge.h): the per-simulation
// hook against the tree it built, the goal judge against the exact solver, the trace
// tokens read back to the hook's simulations, determinism, the teacher's choice on tasks
// decided one move deep, its correct-move rate on generated tasks against a random legal
// move, and the response scoring (correct, wrong, illegal, malformed; never a crash).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "games/go/playout.h"
#include "games/go/tactics_solver.h"
#include "search/go_tactics_evaluator.h"
#include "search/go_tactics_goal.h"
#include "search/go_tactics_mcts.h"
#include "search/go_tactics_prompt.h"
#include "search/go_tactics_score.h"
#include "search/go_tactics_source.h"
#include "search/go_tactics_trace.h"
#include "search/mcts.h"
#include "tests/unit/go_test_util.h"

namespace traceplay::search {
namespace {

using go::Color;
using go::Move;

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (const char ch : text + " ") {
    if (ch != ' ') w += ch;
    else if (!w.empty()) out.push_back(std::move(w)), w.clear();
  }
  return out;
}

GoTacticsTask task_of(const std::vector<std::string>& rows, Color to_move, Move target) {
  return {go::testing::board_from(rows).position(), to_move, target};
}

// White's (1,1) in atari, Black to move: (1,2) captures it.
GoTacticsTask capture_in_atari() {
  return task_of({".X...", "XOX..", ".....", ".....", "....."}, Color::kBlack, Move::at(1, 1));
}
// Black's (1,1) in atari, Black to move: only extending to (1,2) escapes (three liberties).
GoTacticsTask save_from_atari() {
  return task_of({".O...", "OXO..", ".....", ".....", "....."}, Color::kBlack, Move::at(1, 1));
}

go::TacticsGoal goal_of(int safe, int horizon) {
  go::TacticsGoal g;
  g.safe_liberties = safe;
  g.horizon = horizon;
  return g;
}

struct Observed {
  std::vector<std::vector<Move>> paths;
  std::vector<double> values;
};

// One search over the task with the hook recording every simulation.
Observed observe(Mcts& mcts, const GoTacticsTask& task, int simulations) {
  Observed seen;
  ThinkRequest request;
  request.limits.max_visits = simulations;
  request.on_simulation = [&](const std::vector<Move>& path, double v) {
    seen.paths.push_back(path);
    seen.values.push_back(v);
  };
  mcts.search(go_tactics_board(task), request.limits, request);
  return seen;
}

TEST(GoTacticsMcts, HookSeesEverySimulationAsTheTreeCountsIt) {
  const GoTacticsTask task = capture_in_atari();
  const GoTacticsGoal goal(task.position, task.target, goal_of(3, 8));
  const GoTacticsEvaluator evaluator(goal, 4);
  Mcts mcts(go_tactics_mcts_settings({}, 7), evaluator, &goal);
  const Observed seen = observe(mcts, task, 200);
  ASSERT_EQ(seen.paths.size(), 200u);
  EXPECT_EQ(mcts.last_simulations(), 200);
  EXPECT_TRUE(seen.paths[0].empty());  // the root's own evaluation
  // Per root child: its visits are the paths through it, its value sum (kept for the root
  // player, who played it) the sum of their root-view values.
  std::map<int, int64_t> visits;
  std::map<int, double> sums;
  for (size_t i = 1; i < seen.paths.size(); ++i) {
    ASSERT_FALSE(seen.paths[i].empty());
    const Move m = seen.paths[i][0];
    const int key = m.is_pass() ? -1 : m.x + 5 * m.y;
    visits[key] += 1;
    sums[key] += seen.values[i];
  }
  for (const MctsNode& c : mcts.root().children) {
    const int key = c.move.is_pass() ? -1 : c.move.x + 5 * c.move.y;
    EXPECT_EQ(c.visits, visits[key]);
    EXPECT_NEAR(c.value_sum, sums[key], 1e-9);
  }
  for (const double v : seen.values) EXPECT_TRUE(v >= -1 && v <= 1);
}

TEST(GoTacticsMcts, HookAndJudgeLeaveTheGoSearchAsItWas) {
  // Without a judge, the hook only watches: the same seed gives the same tree.
  const go::Board board = go::testing::board_from({"..X..", ".XO..", ".XO..", "..XO.", "....."});
  RolloutEvaluator evaluator;
  MctsSettings settings;
  settings.seed = 3;
  Mcts plain(settings, evaluator), watched(settings, evaluator);
  ThinkLimits limits;
  limits.max_visits = 300;
  plain.search(board, limits, {});
  ThinkRequest request;
  int calls = 0;
  request.on_simulation = [&](const std::vector<Move>&, double) { ++calls; };
  watched.search(board, limits, request);
  EXPECT_EQ(calls, 300);
  ASSERT_EQ(plain.root().children.size(), watched.root().children.size());
  for (size_t i = 0; i < plain.root().children.size(); ++i) {
    EXPECT_EQ(plain.root().children[i].visits, watched.root().children[i].visits);
    EXPECT_EQ(plain.root().children[i].value_sum, watched.root().children[i].value_sum);
  }
}

TEST(GoTacticsMcts, JudgeAgreesWithTheExactSolverWhereItDecides) {
  // Random small positions, targets with few liberties, a few plies left: wherever the
  // judge decides, the solver (given those plies as its horizon) proves the same winner.
  Rng rng(918);
  int decided = 0, open = 0;
  for (int attempt = 0; attempt < 3000 && decided < 300; ++attempt) {
    const int n = 5;
    go::Position pos(n);
    Color c = Color::kBlack;
    const int64_t moves = rng.uniform_int(6, 22);
    for (int64_t i = 0; i < moves; ++i) {
      const int p = go::random_playout_move(pos, c, rng);
      if (p == go::Position::kNoPoint) pos.pass();
      else pos.play(c, p);
      c = go::opponent(c);
    }
    std::vector<Move> targets;
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        if (pos.at(x, y) != Color::kEmpty && pos.liberties(pos.point(x, y)) < 3)
          targets.push_back(Move::at(x, y));
    if (targets.empty()) continue;
    const Move target = targets[rng.below(targets.size())];
    const int plies = static_cast<int>(rng.uniform_int(0, 5));
    const GoTacticsGoal judge(pos, target, goal_of(3, plies));
    const std::optional<double> v = judge.decided(pos, c, 0, 0);
    if (!v) {
      ++open;
      continue;
    }
    ++decided;
    const Color defender = pos.at(target.x, target.y);
    const go::TacticsValue exact = plies == 0
                                       ? go::TacticsValue::kDefenderWins
                                       : go::evaluate_tactics(pos, c, target, goal_of(3, plies), 1'000'000);
    ASSERT_NE(exact, go::TacticsValue::kUnknown);
    const bool mover_wins = (exact == go::TacticsValue::kDefenderWins) == (c == defender);
    EXPECT_EQ(*v, mover_wins ? 1.0 : -1.0) << "plies " << plies;
    // A rollout from a decided position is that decision.
    Rng r(1);
    EXPECT_EQ(GoTacticsEvaluator(judge, 1).rollout(pos, c, plies, 0, r), *v);
  }
  EXPECT_EQ(decided, 300);
  EXPECT_GT(open, 20);
  // Captured, escaped, two passes: decided for the right side.
  const GoTacticsTask t = capture_in_atari();
  const GoTacticsGoal judge(t.position, t.target, goal_of(3, 8));
  go::Position captured = t.position;
  captured.play(Color::kBlack, captured.point(1, 2));
  EXPECT_EQ(judge.decided(captured, Color::kWhite, 1, 0), -1.0);
  EXPECT_EQ(judge.decided(captured, Color::kBlack, 2, 0), 1.0);
  EXPECT_EQ(judge.decided(t.position, Color::kBlack, 1, 2), -1.0);  // two passes: White lives
  EXPECT_EQ(judge.decided(t.position, Color::kBlack, 8, 0), -1.0);  // the horizon
  EXPECT_EQ(judge.decided(t.position, Color::kBlack, 7, 0), std::nullopt);
}

TEST(GoTacticsMcts, TraceTokensReadBackToTheHooksSimulations) {
  const GoTacticsTask task = save_from_atari();
  const go::TacticsGoal g = goal_of(3, 10);
  GoTacticsMctsParams params;
  params.simulations = 96;
  const GoTacticsMctsRun run = run_go_tactics_mcts(task, g, params, 11);
  const std::vector<std::string> tokens = go_tactics_trace(run.simulations);
  // Every token is in the vocabulary.
  EXPECT_NO_THROW(go_tactics_vocabulary(5).encode(tokens));
  // An independent search with the same settings and seed, watched by the hook.
  const GoTacticsGoal judge(task.position, task.target, g);
  const GoTacticsEvaluator evaluator(judge, params.rollouts);
  Mcts mcts(go_tactics_mcts_settings(params, 11), evaluator, &judge);
  const Observed seen = observe(mcts, task, params.simulations);
  const std::vector<TraceSimulation> back = parse_go_tactics_trace(tokens, 5);
  ASSERT_EQ(back.size(), seen.paths.size());
  ASSERT_EQ(back.size(), 96u);
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].path, seen.paths[i]) << "simulation " << i;
    EXPECT_EQ(back[i].bucket, value_bucket(seen.values[i])) << "simulation " << i;
  }
  EXPECT_EQ(std::count(tokens.begin(), tokens.end(), std::string("sim")), 96);
}

TEST(GoTacticsMcts, SameSeedSameRunAnotherSeedAnotherTrace) {
  const GoTacticsTask task =
      task_of({"..X..", ".XOX.", ".XO..", "..XO.", "....."}, Color::kWhite, Move::at(2, 1));
  const go::TacticsGoal g = goal_of(3, 12);
  const GoTacticsMctsRun a = run_go_tactics_mcts(task, g, {}, 5), b = run_go_tactics_mcts(task, g, {}, 5);
  EXPECT_EQ(a.simulations, b.simulations);
  EXPECT_EQ(a.move, b.move);
  const GoTacticsMctsRun c = run_go_tactics_mcts(task, g, {}, 6);
  EXPECT_NE(go_tactics_trace(a.simulations), go_tactics_trace(c.simulations));
}

TEST(GoTacticsMcts, ChoosesAProvenMoveWhereTheGoalIsDecidedOneMoveDeep) {
  // Capture: (1,2) takes the stone at once (a ladder from (2,2) or (1,3) wins too, later);
  // save: extending to (1,2) escapes at once.
  for (const bool capture : {true, false}) {
    const GoTacticsTask task = capture ? capture_in_atari() : save_from_atari();
    const go::TacticsGoal g = goal_of(3, 8);
    const go::TacticsResult solved =
        go::solve_tactics(task.position, task.to_move, task.target, g, 1'000'000);
    ASSERT_TRUE(solved.proven);
    ASSERT_NE(std::find(solved.winning.begin(), solved.winning.end(), Move::at(1, 2)), solved.winning.end());
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      const GoTacticsMctsRun run = run_go_tactics_mcts(task, g, {}, seed);
      EXPECT_NE(std::find(solved.winning.begin(), solved.winning.end(), run.move), solved.winning.end())
          << "seed " << seed;
      if (capture) {
        EXPECT_EQ(run.move, Move::at(1, 2)) << "seed " << seed;  // the sure win now
      }
      // The immediate win's child is decided where it is created: v8 on every visit.
      for (const TraceSimulation& s : run.simulations)
        if (s.path == std::vector<Move>{Move::at(1, 2)}) {
          EXPECT_EQ(s.bucket, 8);
        }
    }
  }
}

// Wilson 95% interval of k successes in n.
std::pair<double, double> wilson(int k, int n) {
  const double z = 1.96, p = static_cast<double>(k) / n, nn = n;
  const double c = (p + z * z / (2 * nn)) / (1 + z * z / nn);
  const double h = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
  return {c - h, c + h};
}

TEST(GoTacticsMcts, TeacherBeatsARandomLegalMoveOnGeneratedTasks) {
  GoTacticsSourceParams params;
  params.size = 5;
  const auto source = make_go_tactics_source(params);
  auto worker = source->make_worker();
  int n = 0, correct = 0;
  double random_rate = 0;
  int64_t simulations = 0;
  for (uint64_t k = 0; n < 60 && k < 2000; ++k)
    for (const DatasetRecord& r : worker->generate(77, k)) {
      ++n;
      correct += r.meta["teacher_correct"].get<bool>();
      simulations += r.meta["simulations"].get<int64_t>();
      random_rate += static_cast<double>(r.meta["winning"].size()) / r.meta["first_moves"].get<double>();
      // The plan is the teacher's move, and meta says truly whether it is proven winning.
      const auto plan = source->vocabulary().decode(r.plan);
      const int point = plan[1] == "pass" ? 25 : std::stoi(plan[1]) + 5 * std::stoi(plan[2]);
      bool in = false;
      for (const auto& w : r.meta["winning"]) in |= w.get<int>() == point;
      EXPECT_EQ(in, r.meta["teacher_correct"].get<bool>());
      EXPECT_EQ(parse_go_tactics_trace(source->vocabulary().decode(r.trace), 5).size(), 64u);
    }
  ASSERT_EQ(n, 60);
  random_rate /= n;
  const auto [lo, hi] = wilson(correct, n);
  std::printf(
      "teacher %d/%d correct (%.1f%%, 95%% Wilson %.1f..%.1f%%), random legal move %.1f%%, "
      "%.1f simulations a task\n",
      correct, n, 100.0 * correct / n, 100 * lo, 100 * hi, 100 * random_rate,
      static_cast<double>(simulations) / n);
  EXPECT_GT(lo, random_rate);
}

TEST(GoTacticsMcts, PriorsSolverOrderOrUniform) {
  // White's (1,1): its liberty (1,2) weighs 4; Black's (1,0) (liberties (0,0), (2,0)) and
  // (0,1) (liberties (0,0), (0,2)) touch the target with fewer than 3 liberties, so those
  // weigh 2; Black's (2,1) has 3, so (2,2) and (3,1) weigh 1, as the rest and pass.
  const GoTacticsTask task = capture_in_atari();
  const GoTacticsGoal goal(task.position, task.target, goal_of(3, 8));
  const std::vector<float> order = GoTacticsEvaluator(goal, 1).prior(task.position);
  ASSERT_EQ(order.size(), 26u);
  const float unit = order[25];
  EXPECT_FLOAT_EQ(order[1 + 5 * 2] / unit, 4);
  for (const int p : {0, 2, 0 + 5 * 2}) EXPECT_FLOAT_EQ(order[p] / unit, 2) << p;
  for (const int p : {2 + 5 * 2, 3 + 5 * 1, 4 + 5 * 4}) EXPECT_FLOAT_EQ(order[p] / unit, 1) << p;
  float total = 0;
  for (const float p : order) total += p;
  EXPECT_NEAR(total, 1, 1e-6);
  const std::vector<float> uniform =
      GoTacticsEvaluator(goal, 1, GoTacticsPrior::kUniform).prior(task.position);
  for (const float p : uniform) EXPECT_FLOAT_EQ(p, 1.0f / 26);
}

TEST(GoTacticsTrace, ValueBucketsAndMalformedTraces) {
  EXPECT_EQ(value_bucket(-1), 0);
  EXPECT_EQ(value_bucket(1), 8);
  EXPECT_EQ(value_bucket(0), 4);
  EXPECT_EQ(value_bucket(0.5), 6);
  EXPECT_EQ(value_bucket(-0.5), 2);
  EXPECT_EQ(value_bucket(0.124), 4);
  EXPECT_EQ(value_bucket(0.125), 5);  // halfway rounds up
  EXPECT_EQ(value_bucket(3), 8);      // clamped
  EXPECT_THROW(value_bucket(std::nan("")), std::invalid_argument);
  const std::vector<TraceSimulation> sims = {{{}, 4}, {{Move::at(1, 2), Move::pass(), Move::at(0, 4)}, 8}};
  EXPECT_EQ(go_tactics_trace(sims), words("sim v4 sim 1 2 pass 0 4 v8"));
  EXPECT_EQ(parse_go_tactics_trace(go_tactics_trace(sims), 5), sims);
  EXPECT_TRUE(parse_go_tactics_trace({}, 5).empty());
  for (const char* bad : {"1 2 v4", "sim 1 2", "sim 1 v4", "sim 5 0 v4", "sim 1 2 v9", "sim sim v4",
                          "sim plan v4", "sim 01 2 v4", "v4"})
    EXPECT_THROW(parse_go_tactics_trace(words(bad), 5), UserError) << bad;
}

TEST(GoTacticsScore, CorrectWrongIllegalAndMalformedResponsesNeverThrow) {
  // The capture task of capture_in_atari(); meta says (1,2) (point 11) is the winning move.
  const std::vector<std::string> prompt =
      words("black 1 0 black 0 1 black 2 1 white 1 1 to_move black capture 1 1");
  const nlohmann::json meta = {{"size", 5}, {"winning", {11}}};
  auto score = [&](const std::string& response) {
    return score_go_tactics_response(words(response), prompt, meta);
  };
  const GoTacticsScore ok = score("bos sim v4 sim 1 2 v8 plan 1 2 eos");
  EXPECT_TRUE(ok.correct());
  EXPECT_EQ(ok.simulations, 2);
  EXPECT_EQ(ok.trace_tokens, 6);
  EXPECT_TRUE(ok.trace_well_formed);
  EXPECT_TRUE(score("plan 1 2 eos").correct());  // bos missing: tolerated; solution-only
  EXPECT_EQ(score("bos plan 3 3 eos").answer, TacticsAnswer::kWrong);
  EXPECT_EQ(score("bos plan pass eos").answer, TacticsAnswer::kWrong);
  EXPECT_EQ(score("bos plan 1 1 eos").answer, TacticsAnswer::kIllegal);  // occupied
  // A ko point forbids the point it names.
  const std::vector<std::string> ko_prompt =
      words("black 1 0 black 0 1 black 2 1 white 1 1 ko 3 3 to_move black capture 1 1");
  EXPECT_EQ(score_go_tactics_response(words("bos plan 3 3 eos"), ko_prompt, meta).answer,
            TacticsAnswer::kIllegal);
  // Suicide: White's (4,3) and (3,4) surround the corner (4,4), where Black would have no liberty.
  const std::vector<std::string> suicide_prompt =
      words("black 1 0 black 0 1 black 2 1 white 1 1 white 4 3 white 3 4 to_move black capture 1 1");
  EXPECT_EQ(score_go_tactics_response(words("bos plan 4 4 eos"), suicide_prompt, meta).answer,
            TacticsAnswer::kIllegal);
  for (const char* bad :
       {"", "bos", "bos eos", "bos sim v4 eos", "bos plan eos", "bos plan 1 eos", "bos plan 1 2",
        "bos plan 1 2 3 eos", "bos plan 5 0 eos", "bos plan x y eos", "bos plan 1 2 eos eos",
        "bos plan pass 1 eos", "bos plan -1 2 eos", "bos plan 18446744073709551617 2 eos"}) {
    const GoTacticsScore s = score(bad);
    EXPECT_EQ(s.answer, TacticsAnswer::kMalformed) << bad;
    EXPECT_FALSE(s.correct());
    EXPECT_FALSE(s.reason.empty());
  }
  // A broken trace is measured, not fatal: the plan decides.
  const GoTacticsScore broken = score("bos sim 1 plan 1 2 eos");
  EXPECT_TRUE(broken.correct());
  EXPECT_FALSE(broken.trace_well_formed);
  EXPECT_EQ(broken.simulations, 1);
  // Random responses over the vocabulary and some junk: never a throw, and correct exactly
  // when, after an optional bos, the first plan/eos token starts "plan 1 2 eos" at the end.
  std::vector<std::string> pool = go_tactics_vocabulary(5).tokens();
  for (const char* junk : {"", "plan1", "-3", "99", "\xff", "v9", "sim "}) pool.push_back(junk);
  for (int i = 0; i < 40; ++i)
    pool.insert(pool.end(), {"plan", "1", "2", "eos"});  // reach the correct answer now and then
  Rng rng(5);
  int corrects = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::string> response;
    if (rng.below(2)) response.push_back("bos");
    const int len = static_cast<int>(rng.below(8));
    for (int j = 0; j < len; ++j) response.push_back(pool[rng.below(pool.size())]);
    if (rng.below(3) == 0) response.insert(response.end(), {"plan", "1", "2", "eos"});
    GoTacticsScore got;
    ASSERT_NO_THROW(got = score_go_tactics_response(response, prompt, meta));
    size_t start = !response.empty() && response[0] == "bos" ? 1 : 0, first = start;
    while (first < response.size() && response[first] != "plan" && response[first] != "eos") ++first;
    const std::vector<std::string> tail(response.begin() + static_cast<std::ptrdiff_t>(first),
                                        response.end());
    const bool expected = tail == std::vector<std::string>{"plan", "1", "2", "eos"};
    EXPECT_EQ(got.correct(), expected);
    corrects += expected;
  }
  EXPECT_GT(corrects, 1000);

  // The record's own faults are the dataset's: named, not scored.
  EXPECT_THROW(score_go_tactics_response(words("bos plan 1 2 eos"), prompt, nlohmann::json{{"size", 5}}),
               UserError);
  EXPECT_THROW(
      score_go_tactics_response(words("bos plan 1 2 eos"), prompt, nlohmann::json{{"winning", {11}}}),
      UserError);
  EXPECT_THROW(score_go_tactics_response(words("bos plan 1 2 eos"), words("to_move black"), meta), UserError);
}

}  // namespace
}  // namespace traceplay::search
