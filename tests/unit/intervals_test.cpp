// 95% intervals (core/intervals.h): Wilson against published values and against an
// independent inversion of the score test; the bootstrap against exact small cases and
// the normal approximation.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/rng.h"
#include "core/intervals.h"

namespace traceplay::models {
namespace {

TEST(Wilson, KnownValues) {
  // The Wilson 95% interval as tabulated (e.g. Brown, Cai & DasGupta 2001; epitools).
  Interval i = wilson_interval(0, 10);
  EXPECT_EQ(i.lo, 0.0);
  EXPECT_NEAR(i.hi, 0.2775, 1e-4);
  i = wilson_interval(10, 10);
  EXPECT_NEAR(i.lo, 0.7225, 1e-4);
  EXPECT_EQ(i.hi, 1.0);
  i = wilson_interval(80, 100);
  EXPECT_NEAR(i.lo, 0.7112, 1e-4);
  EXPECT_NEAR(i.hi, 0.8666, 1e-4);
  // Symmetric around 1/2: 1 of 2 gives [0.0945, 0.9055].
  i = wilson_interval(1, 2);
  EXPECT_NEAR(i.lo, 0.0945, 1e-4);
  EXPECT_NEAR(i.hi, 0.9055, 1e-4);
  EXPECT_NEAR(i.lo + i.hi, 1.0, 1e-12);
}

// The Wilson interval is the set of p the score test does not reject:
// |k - n p| <= z sqrt(n p (1 - p)). Its ends, found by bisection on each side of k/n.
double score_test_bound(int64_t k, int64_t n, bool upper) {
  const double z = kZ95, p_hat = static_cast<double>(k) / static_cast<double>(n);
  const double kd = static_cast<double>(k), nd = static_cast<double>(n);
  auto rejected = [&](double p) { return std::abs(kd - nd * p) > z * std::sqrt(nd * p * (1 - p)); };
  double inside = p_hat, outside = upper ? 1.0 : 0.0;
  if (!rejected(outside)) return outside;
  for (int step = 0; step < 200; ++step) {
    const double mid = (inside + outside) / 2;
    (rejected(mid) ? outside : inside) = mid;
  }
  return inside;
}

TEST(Wilson, EqualsTheInvertedScoreTest) {
  for (auto [k, n] : std::vector<std::pair<int64_t, int64_t>>{
           {0, 1}, {1, 3}, {7, 20}, {49, 100}, {40, 100}, {5, 1000}, {999, 1000}, {64, 64}}) {
    const Interval i = wilson_interval(k, n);
    EXPECT_NEAR(i.lo, score_test_bound(k, n, false), 1e-9) << k << " of " << n;
    EXPECT_NEAR(i.hi, score_test_bound(k, n, true), 1e-9) << k << " of " << n;
    const double p = static_cast<double>(k) / static_cast<double>(n);
    EXPECT_LE(i.lo, p);
    EXPECT_GE(i.hi, p);
  }
}

TEST(Wilson, EdgesAndBadInput) {
  const Interval none = wilson_interval(0, 0);
  EXPECT_EQ(none.lo, 0.0);
  EXPECT_EQ(none.hi, 1.0);
  // More trials, narrower: 80 of 100 against 800 of 1000.
  EXPECT_LT(wilson_interval(800, 1000).hi - wilson_interval(800, 1000).lo,
            wilson_interval(80, 100).hi - wilson_interval(80, 100).lo);
  EXPECT_THROW(wilson_interval(-1, 10), std::invalid_argument);
  EXPECT_THROW(wilson_interval(11, 10), std::invalid_argument);
}

TEST(Bootstrap, ConstantValuesGiveAZeroWidthInterval) {
  const Interval i = bootstrap_mean_interval(std::vector<double>(37, 0.75));
  EXPECT_EQ(i.lo, i.hi);
  EXPECT_DOUBLE_EQ(i.lo, 0.75);
  const Interval one = bootstrap_mean_interval({0.3});  // one task: every resample is that task
  EXPECT_EQ(one.lo, 0.3);
  EXPECT_EQ(one.hi, 0.3);
}

TEST(Bootstrap, TwoTasksSpanTheirValues) {
  // Values {0, 1}: a resample's mean is 0, 1/2, 1 with probabilities 1/4, 1/2, 1/4, so
  // the 2.5% and 97.5% quantiles of 2,000 resamples are 0 and 1 (failing that needs
  // fewer than 50 zeros or ones in 2,000 draws of p = 1/4: probability ~1e-60).
  const Interval i = bootstrap_mean_interval({0.0, 1.0});
  EXPECT_EQ(i.lo, 0.0);
  EXPECT_EQ(i.hi, 1.0);
}

TEST(Bootstrap, AgreesWithTheNormalApproximationOnManyTasks) {
  // 400 tasks, 160 of them 1: mean 0.4, standard error sqrt(0.24 / 400) = 0.02449, so
  // the interval is about 0.4 +- 0.0480; the bootstrap's Monte Carlo error at B = 2,000
  // is a few thousandths.
  std::vector<double> values(400, 0.0);
  for (int i = 0; i < 160; ++i) values[static_cast<size_t>(i) * 5 / 2] = 1.0;
  ASSERT_DOUBLE_EQ(std::accumulate(values.begin(), values.end(), 0.0), 160.0);
  const Interval i = bootstrap_mean_interval(values);
  EXPECT_NEAR(i.lo, 0.4 - 0.0480, 0.006);
  EXPECT_NEAR(i.hi, 0.4 + 0.0480, 0.006);
}

TEST(Bootstrap, ContainsTheMeanAndIsDeterministic) {
  Rng rng(7);
  std::vector<double> values(250);
  for (double& v : values) v = rng.uniform01() * rng.uniform01() * 3;  // skewed, in [0, 3)
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  const Interval i = bootstrap_mean_interval(values);
  EXPECT_LT(i.lo, mean);
  EXPECT_GT(i.hi, mean);
  const Interval again = bootstrap_mean_interval(values);
  EXPECT_EQ(i.lo, again.lo);
  EXPECT_EQ(i.hi, again.hi);
  // Another seed: other resamples, nearly the same interval.
  const Interval other = bootstrap_mean_interval(values, {2000, 99});
  EXPECT_NE(i.lo, other.lo);
  EXPECT_NEAR(i.lo, other.lo, 0.02);
  EXPECT_NEAR(i.hi, other.hi, 0.02);
}

TEST(Bootstrap, PairedDifferences) {
  // Task difficulty varies a lot, but arm a always scores 0.1 more than arm b: the
  // paired interval is exactly [0.1, 0.1]; unpaired, each arm's mean alone is uncertain.
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    b.push_back(i % 2 == 0 ? 0.0 : 0.8);
    a.push_back(b.back() + 0.1);
  }
  const Interval paired = paired_bootstrap_interval(a, b);
  EXPECT_NEAR(paired.lo, 0.1, 1e-12);
  EXPECT_NEAR(paired.hi, 0.1, 1e-12);
  const Interval alone = bootstrap_mean_interval(a);
  EXPECT_GT(alone.hi - alone.lo, 0.1);
  // Identical arms: a zero difference.
  const Interval same = paired_bootstrap_interval(a, a);
  EXPECT_EQ(same.lo, 0.0);
  EXPECT_EQ(same.hi, 0.0);
  // Equals the bootstrap of the differences, resample for resample.
  std::vector<double> c(50), d(50);
  for (size_t i = 0; i < 50; ++i)
    c[i] = static_cast<double>(i * 7 % 11) / 10.0, d[i] = static_cast<double>(i * 3 % 5) / 4.0;
  std::vector<double> diff(50);
  for (size_t i = 0; i < 50; ++i) diff[i] = c[i] - d[i];
  EXPECT_EQ(paired_bootstrap_interval(c, d).lo, bootstrap_mean_interval(diff).lo);
}

TEST(Bootstrap, BadInput) {
  EXPECT_THROW(bootstrap_mean_interval({}), std::invalid_argument);
  EXPECT_THROW(bootstrap_mean_interval({1.0, NAN}), std::invalid_argument);
  EXPECT_THROW(bootstrap_mean_interval({1.0}, {0, 1}), std::invalid_argument);
  EXPECT_THROW(paired_bootstrap_interval({1.0, 2.0}, {1.0}), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::models
