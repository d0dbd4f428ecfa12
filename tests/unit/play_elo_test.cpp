// Elo of a match (play/elo.h) on hand-made cases, each worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "play/elo.h"

namespace traceplay::play {
namespace {

std::vector<double> scores(int wins, int draws, int losses) {
  std::vector<double> out;
  out.insert(out.end(), wins, 1.0);
  out.insert(out.end(), draws, 0.5);
  out.insert(out.end(), losses, 0.0);
  return out;
}

TEST(PlayElo, ScoreFractionToElo) {
  EXPECT_DOUBLE_EQ(elo_from_score_fraction(0.5), 0);
  EXPECT_NEAR(elo_from_score_fraction(0.75), 400 * std::log10(3.0), 1e-9);  // 190.85
  EXPECT_NEAR(elo_from_score_fraction(0.25), -400 * std::log10(3.0), 1e-9);
  EXPECT_NEAR(elo_from_score_fraction(10.0 / 11), 400, 1e-9);  // 10:1 odds
}

TEST(PlayElo, EvenMatchHasSymmetricInterval) {
  // 5 wins, 5 losses: p = 0.5, per-game deviation 0.5, se = 0.5 / sqrt(10) = 0.158114;
  // p +- 1.96 se = 0.5 -+ 0.309903 -> elo(0.190097) = -251.78, elo(0.809903) = +251.78.
  const EloEstimate e = estimate_elo(scores(5, 0, 5));
  EXPECT_DOUBLE_EQ(e.score_fraction, 0.5);
  ASSERT_TRUE(e.elo && e.lo && e.hi);
  EXPECT_NEAR(*e.elo, 0, 1e-9);
  EXPECT_NEAR(*e.lo, -251.78, 0.01);
  EXPECT_NEAR(*e.hi, 251.78, 0.01);
}

TEST(PlayElo, DrawsCountHalf) {
  // 6 wins, 2 draws, 2 losses: p = 0.7; deviations 0.3 (x6), -0.2 (x2), -0.7 (x2):
  // variance (0.54 + 0.08 + 0.98) / 10 = 0.16, se = 0.4 / sqrt(10) = 0.126491;
  // elo(0.7) = 147.19, bounds elo(0.452075) = -33.40, elo(0.947925) = +504.03.
  const EloEstimate e = estimate_elo(scores(6, 2, 2));
  EXPECT_DOUBLE_EQ(e.score_fraction, 0.7);
  ASSERT_TRUE(e.elo && e.lo && e.hi);
  EXPECT_NEAR(*e.elo, 147.19, 0.01);
  EXPECT_NEAR(*e.lo, -33.40, 0.01);
  EXPECT_NEAR(*e.hi, 504.03, 0.01);
}

TEST(PlayElo, AllDrawsIsZeroWithAZeroWidthInterval) {
  const EloEstimate e = estimate_elo(scores(0, 4, 0));
  ASSERT_TRUE(e.elo && e.lo && e.hi);
  EXPECT_NEAR(*e.elo, 0, 1e-9);
  EXPECT_NEAR(*e.lo, 0, 1e-9);
  EXPECT_NEAR(*e.hi, 0, 1e-9);
}

TEST(PlayElo, AWonEveryGameGivesOnlyAnExactLowerBound) {
  // 10 of 10: p_lo = 0.05^(1/10) = 0.741134, elo(p_lo) = 182.73; no estimate, no upper bound.
  const EloEstimate e = estimate_elo(scores(10, 0, 0));
  EXPECT_DOUBLE_EQ(e.score_fraction, 1);
  EXPECT_FALSE(e.elo);
  EXPECT_FALSE(e.hi);
  ASSERT_TRUE(e.lo);
  EXPECT_NEAR(*e.lo, 182.73, 0.01);
  // One game won: p_lo = 0.05, a bound below zero.
  EXPECT_NEAR(*estimate_elo(scores(1, 0, 0)).lo, -511.50, 0.01);
}

TEST(PlayElo, BWonEveryGameGivesOnlyAnExactUpperBound) {
  const EloEstimate e = estimate_elo(scores(0, 0, 10));
  EXPECT_DOUBLE_EQ(e.score_fraction, 0);
  EXPECT_FALSE(e.elo);
  EXPECT_FALSE(e.lo);
  ASSERT_TRUE(e.hi);
  EXPECT_NEAR(*e.hi, -182.73, 0.01);
}

TEST(PlayElo, ABoundBeyondZeroOrOneIsUnbounded) {
  // 1 draw, 1 loss: p = 0.25, deviations 0.25 and -0.25, se = 0.25 / sqrt(2) = 0.176777;
  // p - 1.96 se < 0 (no lower bound), p + 1.96 se = 0.596476 -> +67.89.
  const EloEstimate e = estimate_elo(scores(0, 1, 1));
  ASSERT_TRUE(e.elo);
  EXPECT_NEAR(*e.elo, -190.85, 0.01);
  EXPECT_FALSE(e.lo);
  ASSERT_TRUE(e.hi);
  EXPECT_NEAR(*e.hi, 67.89, 0.01);
}

TEST(PlayElo, NoGamesIsAnError) { EXPECT_THROW(estimate_elo({}), std::invalid_argument); }

}  // namespace
}  // namespace traceplay::play
