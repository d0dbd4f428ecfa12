// The Elo table of many players (play/elo_table.h): the Bradley-Terry fit against closed
// forms (two players) and against an independent maximisation (a coordinate search on the
// likelihood), its intervals against the observed information, and bad inputs refused.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "play/elo_table.h"

namespace traceplay::play {
namespace {

constexpr double kEloPerNatural = 400.0 / 2.302585092994046;

TEST(PlayEloTable, TwoPlayersMatchTheClosedForm) {
  // 15 of 20 and the prior's draw: p = 15.5 / 21, elo = 400 log10(p / (1 - p)).
  const auto t = fit_elo_table({0, 1}, {{1, 0, 15, 20}}, 0);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].id, 0);
  EXPECT_DOUBLE_EQ(t[0].elo, 0);
  EXPECT_DOUBLE_EQ(t[0].lo, 0);
  const double p = 15.5 / 21;
  EXPECT_NEAR(t[1].elo, 400 * std::log10(p / (1 - p)), 1e-6);
  // Variance of r: 1 / (n p (1 - p)), n = 21 games with the prior's.
  const double half = 1.959963984540054 * kEloPerNatural / std::sqrt(21 * p * (1 - p));
  EXPECT_NEAR(t[1].hi - t[1].elo, half, 1e-6);
  EXPECT_NEAR(t[1].elo - t[1].lo, half, 1e-6);
  EXPECT_EQ(t[1].games, 20);
  EXPECT_EQ(t[0].games, 20);
}

TEST(PlayEloTable, ASweepIsFiniteAndItsIntervalAboveTheAnchor) {
  const auto t = fit_elo_table({0, 1}, {{1, 0, 20, 20}}, 0);
  EXPECT_TRUE(std::isfinite(t[1].elo));
  EXPECT_NEAR(t[1].elo, 400 * std::log10(20.5 / 0.5), 1e-6);
  EXPECT_GT(t[1].lo, 0);
  // Results given either way round are the same result.
  const auto u = fit_elo_table({0, 1}, {{0, 1, 0, 20}}, 0);
  EXPECT_NEAR(u[1].elo, t[1].elo, 1e-9);
}

// The log-likelihood with the prior (the header's formula), maximised independently by a
// shrinking coordinate search over the free ratings (no derivatives).
double log_likelihood(const std::vector<double>& elo, const std::vector<PairResult>& results) {
  double l = 0;
  for (const PairResult& r : results) {
    const double d = (elo[static_cast<size_t>(r.a)] - elo[static_cast<size_t>(r.b)]) / kEloPerNatural;
    const double s = r.a_score + 0.5, n = r.games + 1.0;
    l += s * std::log(1 / (1 + std::exp(-d))) + (n - s) * std::log(1 / (1 + std::exp(d)));
  }
  return l;
}

TEST(PlayEloTable, AChainAndACycleMatchAnIndependentMaximisation) {
  // Versions 0..3, each against the one before, and 3 against 0 (distinct pairs only, so
  // the prior's draws per pair match the brute force's per result).
  const std::vector<PairResult> results = {{1, 0, 14, 20}, {2, 1, 9.5, 20}, {3, 2, 13, 20}, {3, 0, 17, 20}};
  const auto t = fit_elo_table({0, 1, 2, 3}, results, 0);
  std::vector<double> x(4, 0.0);
  for (double step = 256; step > 1e-7; step /= 2) {
    for (bool improved = true; improved;) {
      improved = false;
      for (size_t i = 1; i < 4; ++i)
        for (double dir : {-1.0, 1.0}) {
          std::vector<double> y = x;
          y[i] += dir * step;
          if (log_likelihood(y, results) > log_likelihood(x, results)) {
            x = y;
            improved = true;
          }
        }
    }
  }
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(t[i].elo, x[i], 1e-3) << i;
  EXPECT_GT(t[3].elo, t[1].elo);
  // Further along the chain from the anchor, wider: 1 is measured directly, 2 through 1.
  EXPECT_GT(t[2].hi - t[2].lo, t[1].hi - t[1].lo);
}

TEST(PlayEloTable, ResultsOfOnePairAddUp) {
  const auto once = fit_elo_table({0, 1}, {{1, 0, 12, 20}}, 0);
  const auto split = fit_elo_table({0, 1}, {{1, 0, 5, 8}, {0, 1, 5, 12}}, 0);  // 1 scores 5 + 7 = 12 of 20
  EXPECT_NEAR(split[1].elo, once[1].elo, 1e-9);
  EXPECT_EQ(split[1].games, 20);
}

TEST(PlayEloTable, TheAnchorCanBeAnyPlayer) {
  const std::vector<PairResult> results = {{1, 0, 14, 20}, {2, 1, 12, 20}};
  const auto from0 = fit_elo_table({0, 1, 2}, results, 0);
  const auto from2 = fit_elo_table({0, 1, 2}, results, 2);
  EXPECT_DOUBLE_EQ(from2[2].elo, 0);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(from2[i].elo - from0[i].elo, -from0[2].elo, 1e-6);
}

TEST(PlayEloTable, BadInputIsRefused) {
  EXPECT_THROW(fit_elo_table({0, 1, 2}, {{1, 0, 5, 10}}, 0), std::invalid_argument);  // 2 unconnected
  EXPECT_THROW(fit_elo_table({0, 1}, {{1, 7, 5, 10}}, 0), std::invalid_argument);     // unknown player
  EXPECT_THROW(fit_elo_table({0, 1}, {{1, 0, 11, 10}}, 0), std::invalid_argument);    // score > games
  EXPECT_THROW(fit_elo_table({0, 1}, {{1, 0, 0, 0}}, 0), std::invalid_argument);      // no games
  EXPECT_THROW(fit_elo_table({0, 1}, {{1, 1, 0, 2}}, 0), std::invalid_argument);      // against itself
  EXPECT_THROW(fit_elo_table({0, 0}, {}, 0), std::invalid_argument);                  // listed twice
  EXPECT_THROW(fit_elo_table({0, 1}, {{1, 0, 5, 10}}, 4), std::invalid_argument);     // anchor not a player
  const auto alone = fit_elo_table({3}, {}, 3);
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].elo, 0);
}

}  // namespace
}  // namespace traceplay::play
