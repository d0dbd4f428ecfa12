// Model responses back to plans: malformed sequences are rejected with a position and
// what was expected, never a crash.
#include <gtest/gtest.h>

#include "core/rng.h"
#include "search/plan_tokens.h"

namespace traceplay::search {
namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

TEST(PlanTokens, ParsesTraceAndPlan) {
  const auto r = parse_plan_response(split("bos create 0 0 c0 c2 close 0 0 c0 c2 plan 0 0 plan 1 0 eos"), 3);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.trace_tokens, 10);
  EXPECT_TRUE(r.has_eos);
  ASSERT_EQ(r.plan.size(), 2u);
  EXPECT_EQ(r.plan[1], (Pos{1, 0}));
  const auto solution_only = parse_plan_response(split("plan 2 1"), 3);
  ASSERT_TRUE(solution_only.ok);
  EXPECT_EQ(solution_only.trace_tokens, 0);
  EXPECT_FALSE(solution_only.has_eos);
  EXPECT_EQ(plan_tokens(r.plan), split("plan 0 0 plan 1 0"));
}

TEST(PlanTokens, RejectsMalformedResponsesWithPositionAndExpectation) {
  const struct {
    const char* response;
    const char* error;
  } cases[] = {
      {"", "token 0: expected a \"plan\" token, got the end of the response"},
      {"bos create 0 0 c0 c0 eos", "token 6: expected a \"plan\" token, got \"eos\""},
      {"bos plan 0 eos", "token 3: expected a y coordinate, got \"eos\""},
      {"plan 0", "token 2: expected a y coordinate, got the end of the response"},
      {"bos plan 0 0 plan x 1 eos", "token 5: expected an x coordinate below 3, got \"x\""},
      {"bos plan 0 0 wall 1 1 eos", "token 4: expected \"plan\", got \"wall\""},
      {"bos plan 0 9 eos", "token 3: expected a y coordinate below 3, got \"9\""},
      {"bos plan 0 01 eos", "token 3: expected a y coordinate below 3, got \"01\""},
      {"bos plan 0 0 eos plan", "token 5: expected nothing after \"eos\", got \"plan\""},
      {"bos plan 0 0 bos", "token 4: expected no \"bos\" after the start, got \"bos\""},
  };
  for (const auto& c : cases) {
    const auto r = parse_plan_response(split(c.response), 3);
    EXPECT_FALSE(r.ok) << c.response;
    EXPECT_EQ(r.error, c.error) << c.response;
  }
}

TEST(PlanTokens, NeverCrashesOnRandomTokenSoup) {
  const std::vector<std::string> alphabet{"bos", "eos", "plan", "create", "close", "0",
                                          "1",   "2",   "c0",   "c3",     "wall",  ""};
  Rng rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::string> tokens(static_cast<size_t>(rng.below(12)));
    for (auto& t : tokens) t = alphabet[static_cast<size_t>(rng.below(alphabet.size()))];
    const auto r = parse_plan_response(tokens, 3);
    if (r.ok) {
      for (Pos p : r.plan) ASSERT_TRUE(p.x >= 0 && p.x < 3 && p.y >= 0 && p.y < 3);
    } else {
      ASSERT_FALSE(r.error.empty());
    }
  }
}

}  // namespace
}  // namespace traceplay::search
