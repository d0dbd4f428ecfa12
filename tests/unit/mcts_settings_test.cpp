// The MCTS bot's settings (search/mcts_settings.h) and the randomness self-play adds on
// top of the search: validation, root Dirichlet noise (search/dirichlet.h, Mcts's root
// only, never compounded by tree reuse), the temperature schedule and the move sampling
// at a temperature (search/visit_sampling.h, MctsPlayer).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/rng.h"
#include "games/go/board.h"
#include "go_test_util.h"
#include "search/dirichlet.h"
#include "search/evaluator.h"
#include "search/mcts.h"
#include "search/mcts_player.h"
#include "search/mcts_settings.h"
#include "search/visit_sampling.h"

namespace traceplay::search {
namespace {

using go::Board;
using go::Move;

// The message of the std::invalid_argument that validate() throws ("" if none).
std::string rejection(const std::function<void(MctsSettings&)>& change) {
  MctsSettings s;
  change(s);
  try {
    s.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MctsSettings, DefaultsAreValidAndKeepTheBotAsItWas) {
  const MctsSettings s;
  EXPECT_NO_THROW(s.validate());
  EXPECT_EQ(s.dirichlet_fraction, 0);    // no noise
  EXPECT_EQ(s.temperature_at(0, 9), 0);  // the most visited move
  EXPECT_EQ(s.temperature_at(100, 19), 0);
  EXPECT_EQ(s.max_visits, 8000);
  EXPECT_EQ(s.max_tree_nodes, 1'000'000);
}

TEST(MctsSettings, ImpossibleValuesAreRejectedByName) {
  const double nan = std::nan("");
  const std::vector<std::pair<std::function<void(MctsSettings&)>, std::string>> cases = {
      {[](MctsSettings& s) { s.threads = 0; }, "threads must be >= 1, got 0"},
      {[](MctsSettings& s) { s.c_puct = -1; }, "c_puct"},
      {[nan](MctsSettings& s) { s.c_uct = nan; }, "c_uct"},
      {[](MctsSettings& s) { s.virtual_loss = -1; }, "virtual_loss"},
      {[](MctsSettings& s) { s.expand_visits = 0; }, "expand_visits"},
      {[](MctsSettings& s) { s.max_tree_nodes = 1; }, "max_tree_nodes"},
      {[](MctsSettings& s) { s.dirichlet_alpha = 0; }, "dirichlet_alpha"},
      {[](MctsSettings& s) { s.dirichlet_alpha = INFINITY; }, "dirichlet_alpha"},
      {[](MctsSettings& s) { s.dirichlet_fraction = 1.5; }, "dirichlet_fraction must be in [0, 1], got 1.5"},
      {[](MctsSettings& s) { s.dirichlet_fraction = -0.1; }, "dirichlet_fraction"},
      {[nan](MctsSettings& s) { s.dirichlet_fraction = nan; }, "dirichlet_fraction"},
      {[](MctsSettings& s) { s.temperature_early = -1; }, "temperature_early"},
      {[](MctsSettings& s) { s.temperature_late = INFINITY; }, "temperature_late"},
      {[](MctsSettings& s) { s.temperature_halflife = 0; }, "temperature_halflife"},
      {[](MctsSettings& s) { s.max_visits = -1; }, "max_visits"},
      {[](MctsSettings& s) { s.max_seconds = -1; }, "max_seconds"},
      {[](MctsSettings& s) { s.max_visits = 0, s.max_seconds = 0; }, "both 0"},
      {[](MctsSettings& s) { s.resign_threshold = 0.5; }, "resign_threshold"},
      {[](MctsSettings& s) { s.resign_min_visits = -1; }, "resign_min_visits"},
  };
  for (const auto& [change, expected] : cases) {
    const std::string message = rejection(change);
    EXPECT_NE(message.find(expected), std::string::npos)
        << "expected '" << expected << "' in '" << message << "'";
    EXPECT_EQ(message.rfind("MCTS settings: ", 0), 0u) << message;
  }
  // Boundaries that are possible.
  EXPECT_EQ(rejection([](MctsSettings& s) { s.dirichlet_fraction = 1; }), "");
  EXPECT_EQ(rejection([](MctsSettings& s) { s.max_visits = 0; }), "");  // wall time alone
  EXPECT_EQ(rejection([](MctsSettings& s) { s.resign_threshold = 0; }), "");
  // Mcts and MctsPlayer validate what they are given.
  MctsSettings bad;
  bad.dirichlet_fraction = 2;
  const auto evaluator = std::make_shared<UniformEvaluator>();
  EXPECT_THROW((void)Mcts(bad, *evaluator), std::invalid_argument);
  EXPECT_THROW((void)MctsPlayer(bad, evaluator), std::invalid_argument);
}

TEST(MctsSettings, TemperatureHalvesTowardsTheLateValueEveryHalflifeScaledByBoardSize) {
  MctsSettings s;
  s.temperature_early = 0.75;
  s.temperature_halflife = 19;
  s.temperature_late = 0.15;
  EXPECT_DOUBLE_EQ(s.temperature_at(0, 19), 0.75);
  EXPECT_DOUBLE_EQ(s.temperature_at(19, 19), 0.15 + 0.6 / 2);
  EXPECT_DOUBLE_EQ(s.temperature_at(38, 19), 0.15 + 0.6 / 4);
  EXPECT_DOUBLE_EQ(s.temperature_at(9, 9), 0.15 + 0.6 / 2);  // 19 moves on 19x19 are 9 on 9x9
  EXPECT_NEAR(s.temperature_at(1000, 9), 0.15, 1e-12);
  for (int m = 1; m < 60; ++m) EXPECT_LT(s.temperature_at(m, 9), s.temperature_at(m - 1, 9));
  s.temperature_early = s.temperature_late = 1;
  EXPECT_EQ(s.temperature_at(500, 19), 1);
  EXPECT_DOUBLE_EQ(s.dirichlet_alpha_per_child(82), s.dirichlet_alpha / 82);
}

// --- Dirichlet samples ------------------------------------------------------------------

TEST(Dirichlet, SamplesAreDistributionsWithTheRightMeanAndSpread) {
  // Dirichlet(alpha) on n: E[p_i] = 1/n, Var[p_i] = (1/n)(1 - 1/n) / (n alpha + 1).
  for (double alpha : {0.03, 0.13, 1.0, 3.0}) {
    const size_t n = 10, draws = 20000;
    Rng rng(7);
    std::vector<double> sum(n, 0.0), sum_sq(n, 0.0);
    for (size_t d = 0; d < draws; ++d) {
      const std::vector<double> p = sample_dirichlet(n, alpha, rng);
      double total = 0;
      for (size_t i = 0; i < n; ++i) {
        ASSERT_GE(p[i], 0);
        ASSERT_TRUE(std::isfinite(p[i]));
        total += p[i];
        sum[i] += p[i];
        sum_sq[i] += p[i] * p[i];
      }
      ASSERT_NEAR(total, 1.0, 1e-12);
    }
    const double mean = 1.0 / n, var = mean * (1 - mean) / (n * alpha + 1);
    for (size_t i = 0; i < n; ++i) {
      // 6 standard errors of the mean: a fixed seed, and far from a flaky bound.
      EXPECT_NEAR(sum[i] / draws, mean, 6 * std::sqrt(var / draws)) << "alpha " << alpha;
      EXPECT_NEAR(sum_sq[i] / draws - (sum[i] / draws) * (sum[i] / draws), var, 0.15 * var)
          << "alpha " << alpha;
    }
  }
}

TEST(Dirichlet, SameSeedSameSampleOtherSeedOther) {
  Rng a(1), b(1), c(2);
  const auto pa = sample_dirichlet(82, 0.13, a), pb = sample_dirichlet(82, 0.13, b),
             pc = sample_dirichlet(82, 0.13, c);
  EXPECT_EQ(pa, pb);
  EXPECT_NE(pa, pc);
  Rng r(3);
  EXPECT_THROW(sample_log_gamma(0, r), std::invalid_argument);
}

// --- root noise in the search --------------------------------------------------------------

std::vector<float> root_priors(const Mcts& mcts) {
  std::vector<float> p;
  for (const MctsNode& c : mcts.root().children) p.push_back(c.prior);
  return p;
}

// Every node below the root's children has its clean prior.
void expect_clean_below(const MctsNode& node, int& checked) {
  for (const MctsNode& c : node.children) {
    EXPECT_EQ(c.prior, c.clean_prior);
    ++checked;
    expect_clean_below(c, checked);
  }
}

// The root's priors are (1 - f) * clean + f * noise with noise a distribution: not noised
// twice (that would leave (1 - f)^2 * clean, below the floor, wherever the noise is small).
void expect_noised_once(const MctsNode& root, double f) {
  double noise_total = 0, prior_total = 0, clean_total = 0, differ = 0;
  for (const MctsNode& c : root.children) clean_total += c.clean_prior;
  for (const MctsNode& c : root.children) {
    const double clean = c.clean_prior / clean_total;
    const double noise = (c.prior - (1 - f) * clean) / f;
    EXPECT_GE(noise, -1e-5) << "prior " << c.prior << " clean " << clean;
    noise_total += noise;
    prior_total += c.prior;
    if (std::abs(c.prior - clean) > 1e-4) ++differ;
  }
  EXPECT_NEAR(noise_total, 1.0, 1e-4);
  EXPECT_NEAR(prior_total, 1.0, 1e-5);
  EXPECT_GT(differ, static_cast<double>(root.children.size()) / 2);
}

MctsSettings noised(uint64_t seed, double fraction = 0.25) {
  MctsSettings s;
  s.seed = seed;
  s.dirichlet_fraction = fraction;
  return s;
}

ThinkLimits visit_limit(int64_t n) {
  ThinkLimits limits;
  limits.max_visits = n;
  return limits;
}

TEST(MctsNoise, OnlyTheRootsPriorsAreNoisedAndTheyStillSumToOne) {
  UniformEvaluator evaluator;
  Mcts mcts(noised(5), evaluator);
  const Analysis a = mcts.search(Board(9), visit_limit(1500), {});
  ASSERT_EQ(mcts.root().children.size(), 82u);
  for (const MctsNode& c : mcts.root().children) EXPECT_FLOAT_EQ(c.clean_prior, 1.0f / 82);
  expect_noised_once(mcts.root(), 0.25);
  int checked = 0;
  for (const MctsNode& c : mcts.root().children) expect_clean_below(c, checked);
  EXPECT_GT(checked, 1000);  // inner nodes were expanded, and none is noised
  // The analysis reports the evaluator's prior, not the noise.
  for (const MoveStats& m : a.moves) EXPECT_FLOAT_EQ(static_cast<float>(m.prior), 1.0f / 82);
}

TEST(MctsNoise, DeterministicForASeedAndDifferentAcrossSeedsAndSearches) {
  UniformEvaluator evaluator;
  Mcts a(noised(11), evaluator), b(noised(11), evaluator), c(noised(12), evaluator);
  for (Mcts* m : {&a, &b, &c}) m->search(Board(9), visit_limit(200), {});
  EXPECT_EQ(root_priors(a), root_priors(b));
  EXPECT_NE(root_priors(a), root_priors(c));
  // The next search draws new noise (a game's moves are not all noised alike).
  const std::vector<float> first = root_priors(a);
  a.clear();
  a.search(Board(9), visit_limit(200), {});
  EXPECT_NE(root_priors(a), first);
}

TEST(MctsNoise, FractionZeroSearchesExactlyAsWithoutNoise) {
  RolloutEvaluator evaluator;
  MctsSettings other_alpha;
  other_alpha.dirichlet_alpha = 0.3;  // no effect without a fraction
  Mcts plain(MctsSettings{}, evaluator), off(other_alpha, evaluator), on(noised(1), evaluator);
  Board board(9);
  board.play(Move::at(4, 4));
  std::vector<Analysis> results;
  for (Mcts* m : {&plain, &off, &on}) results.push_back(m->search(board, visit_limit(800), {}));
  auto visits_of = [](const Mcts& m) {
    std::vector<int64_t> v;
    for (const MctsNode& c : m.root().children) v.push_back(c.visits);
    return v;
  };
  EXPECT_EQ(visits_of(plain), visits_of(off));
  EXPECT_EQ(results[0].root_winrate, results[1].root_winrate);
  for (const MctsNode& c : off.root().children) EXPECT_EQ(c.prior, c.clean_prior);
  EXPECT_NE(visits_of(plain), visits_of(on));  // the noise does steer the search
}

TEST(MctsNoise, TreeReuseNoisesTheKeptRootAfreshFromItsCleanPriors) {
  UniformEvaluator evaluator;
  Mcts mcts(noised(21, 0.5), evaluator);
  Board board(7);
  mcts.search(board, visit_limit(800), {});
  // The same position again: the same root is kept and searched on.
  for (int again = 0; again < 3; ++again) {
    const std::vector<float> before = root_priors(mcts);
    mcts.search(board, visit_limit(300), {});
    ASSERT_TRUE(mcts.tree_reused());
    expect_noised_once(mcts.root(), 0.5);
    EXPECT_NE(root_priors(mcts), before);
  }
  // A move played: the kept child becomes the root, noised once; everything below is clean.
  const Move ours = mcts.root().children.front().move;
  board.play(ours);
  mcts.search(board, visit_limit(300), {});
  ASSERT_TRUE(mcts.tree_reused());
  expect_noised_once(mcts.root(), 0.5);
  int checked = 0;
  for (const MctsNode& c : mcts.root().children) expect_clean_below(c, checked);
}

// --- move choice at a temperature -----------------------------------------------------------

TEST(VisitSampling, ProbabilitiesFollowVisitsToThePowerOneOverT) {
  const std::vector<int64_t> visits = {60, 30, 10, 0};
  const auto p1 = visit_probabilities(visits, 1.0);
  EXPECT_DOUBLE_EQ(p1[0], 0.6);
  EXPECT_DOUBLE_EQ(p1[1], 0.3);
  EXPECT_DOUBLE_EQ(p1[2], 0.1);
  EXPECT_EQ(p1[3], 0);
  const auto p_half = visit_probabilities(visits, 0.5);  // squares: 3600, 900, 100
  EXPECT_NEAR(p_half[0], 3600.0 / 4600, 1e-12);
  // Cold: 1'000'000^1000 would overflow a double; in logs it is the most visited's choice.
  const auto cold = visit_probabilities({900'000, 1'000'000, 2}, 1e-2);
  EXPECT_TRUE(std::isfinite(cold[0]) && std::isfinite(cold[1]) && std::isfinite(cold[2]));
  EXPECT_GT(cold[1], 0.9999);
  EXPECT_NEAR(cold[0] / cold[1], std::pow(0.9, 100), 1e-12);
  EXPECT_THROW(visit_probabilities(visits, 0), std::invalid_argument);
  EXPECT_THROW(visit_probabilities({}, 1), std::invalid_argument);
}

TEST(VisitSampling, FrequenciesAtTemperatureOneFollowVisits) {
  const std::vector<int64_t> visits = {50, 30, 15, 5, 0};
  const int draws = 40000;
  Rng rng(2024);
  std::vector<int> count(visits.size(), 0);
  for (int d = 0; d < draws; ++d) ++count[sample_by_visits(visits, 1.0, rng)];
  EXPECT_EQ(count[4], 0);  // never a move without visits
  for (size_t i = 0; i < 4; ++i) {
    const double p = static_cast<double>(visits[i]) / 100;
    // 5 binomial standard deviations (a fixed seed: this draw is the same every run).
    EXPECT_NEAR(static_cast<double>(count[i]) / draws, p, 5 * std::sqrt(p * (1 - p) / draws)) << i;
  }
}

ThinkRequest visits_request(int64_t n) {
  ThinkRequest request;
  request.limits.max_visits = n;
  request.allow_resign = false;
  return request;
}

// The root child a player chose, and the most visited non-pass child.
struct Choice {
  Move move;
  int64_t visits = 0, most = 0;
};

Choice choose(MctsPlayer& player, const Board& board, int64_t visits) {
  const ThinkResult r = player.think(board, visits_request(visits));
  Choice c;
  c.move = r.move;
  for (const MoveStats& m : r.analysis.moves) {
    if (m.move == r.move) c.visits = m.visits;
    if (!m.move.is_pass()) c.most = std::max(c.most, m.visits);
  }
  return c;
}

TEST(MctsTemperature, ZeroPlaysTheMostVisitedMove) {
  MctsPlayer player({}, std::make_shared<RolloutEvaluator>());
  Board board(9);
  for (int ply = 0; ply < 6; ++ply) {
    const Choice c = choose(player, board, 300);
    EXPECT_EQ(c.visits, c.most) << ply;
    board.play(c.move);
  }
}

TEST(MctsTemperature, PositiveSamplesAmongSearchedMovesDeterministicallyForASeed) {
  MctsSettings hot;
  hot.temperature_early = hot.temperature_late = 1;
  auto run = [&](uint64_t seed) {
    MctsSettings s = hot;
    s.seed = seed;
    MctsPlayer player(s, std::make_shared<RolloutEvaluator>());
    std::vector<Move> moves;
    int not_most = 0;
    for (int k = 0; k < 20; ++k) {  // the same empty board each time: only the sampling differs
      player.new_game();
      const Choice c = choose(player, Board(9), 400);
      EXPECT_GT(c.visits, 0);
      EXPECT_FALSE(c.move.is_pass());
      if (c.visits < c.most) ++not_most;
      moves.push_back(c.move);
    }
    EXPECT_GT(not_most, 5);  // T = 1 spreads the choice over the 82 children
    return moves;
  };
  const std::vector<Move> a = run(3);
  EXPECT_EQ(run(3), a);
  EXPECT_NE(run(4), a);
}

TEST(MctsTemperature, ThePassPolicyStillDecidesPasses) {
  MctsSettings hot;
  hot.temperature_early = hot.temperature_late = 1;
  MctsPlayer player(hot, std::make_shared<RolloutEvaluator>());
  // Every move fills an own eye: pass, at any temperature.
  const Board eyes = go::testing::board_from({".XXXX", "XXXXX", "XX.XX", "XXXXX", "XXXX."}, go::Rules{});
  EXPECT_TRUE(player.think(eyes, visits_request(100)).move.is_pass());
  // After the opponent's pass, passing wins: pass, not a sampled move.
  go::Rules rules;
  rules.komi = 0.5;
  Board won =
      go::testing::board_from({"..X.O", "..X.O", "..XO.", "..XO.", "..XO."}, rules, go::Color::kWhite);
  ASSERT_EQ(won.play(Move::pass()), go::MoveLegality::kLegal);
  player.new_game();
  EXPECT_TRUE(player.think(won, visits_request(500)).move.is_pass());
}

}  // namespace
}  // namespace traceplay::search
