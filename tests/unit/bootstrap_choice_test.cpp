// Which response a bootstrapping step keeps (models/bootstrap_choice.h), checked on
// hand-made outcomes.
#include <gtest/gtest.h>

#include "models/bootstrap_choice.h"

namespace traceplay::models {
namespace {

SampleOutcome outcome(bool correct, bool optimal, int32_t trace) {
  SampleOutcome s;
  s.correct = correct;
  s.optimal = optimal;
  s.trace_tokens = trace;
  s.plan_positions = correct ? 5 : 0;
  return s;
}

TEST(BootstrapChoice, ShortestOptimalWinsAndTiesGoToTheLowestSample) {
  const std::vector<SampleOutcome> samples = {outcome(true, true, 40), outcome(false, false, 5),
                                              outcome(true, false, 10), outcome(true, true, 30),
                                              outcome(true, true, 30)};
  // Sample 1 is incorrect and 2 correct but not optimal, however short: 3 beats 4 on the tie.
  EXPECT_EQ(shortest_optimal_sample(samples, 35, false), 3);
}

TEST(BootstrapChoice, NoOptimalResponseKeepsTheRecord) {
  EXPECT_EQ(shortest_optimal_sample({outcome(true, false, 3), outcome(false, false, 1)}, 50, false), -1);
  EXPECT_EQ(shortest_optimal_sample({}, 50, false), -1);
}

TEST(BootstrapChoice, WithoutTheAStarCandidateALongerResponseStillWins) {
  EXPECT_EQ(shortest_optimal_sample({outcome(true, true, 60)}, 50, false), 0);
}

TEST(BootstrapChoice, WithTheAStarCandidateOnlyAStrictlyShorterResponseWins) {
  EXPECT_EQ(shortest_optimal_sample({outcome(true, true, 60)}, 50, true), -1);
  EXPECT_EQ(shortest_optimal_sample({outcome(true, true, 50)}, 50, true), -1);
  EXPECT_EQ(shortest_optimal_sample({outcome(true, true, 60), outcome(true, true, 49)}, 50, true), 1);
}

}  // namespace
}  // namespace traceplay::models
