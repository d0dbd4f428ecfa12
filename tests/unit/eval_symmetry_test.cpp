// Symmetries for network evaluation (search/eval_symmetry.h) and BatchingEvaluator's
// symmetry modes: positions and ko points move with the symmetry, prior and ownership
// come back to the original orientation, and averaging or sampling an equivariant network
// gives what no symmetry gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_backend.h"
#include "games/go/symmetry.h"
#include "search/batching_evaluator.h"
#include "search/eval_symmetry.h"

namespace traceplay::search {
namespace {

using testing::random_game;

// An equivariant network: its prior favours the newest stone (where the leaf differs from
// history[0]), Black stones and the ko point; ownership is +1 on the mover's stones, -1
// on the opponent's; value and score count stones. Rotating the input rotates the output.
class EquivariantBackend final : public BatchBackend {
 public:
  void run(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) override {
    results.resize(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      const EvalQuery& q = queries[i];
      const go::Position& p = *q.position;
      const int n = p.size();
      EvalResult& r = results[i];
      r.prior.assign(static_cast<size_t>(n * n + 1), 1.0f);
      r.ownership.assign(q.want_ownership ? static_cast<size_t>(n * n) : 0, 0.0f);
      int balance = 0;
      for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
          const size_t j = static_cast<size_t>(x + n * y);
          const go::Color c = p.at(x, y);
          if (!q.history.empty() && q.history[0]->at(x, y) != c) r.prior[j] += 40;
          if (c == go::Color::kBlack) r.prior[j] += 2;
          if (p.ko_point() == p.point(x, y)) r.prior[j] += 20;
          if (c != go::Color::kEmpty) balance += c == q.to_move ? 1 : -1;
          if (q.want_ownership && c != go::Color::kEmpty) r.ownership[j] = c == q.to_move ? 1.0f : -1.0f;
        }
      float total = 0;
      for (float v : r.prior) total += v;
      for (float& v : r.prior) v /= total;
      r.value = static_cast<float>(balance) / static_cast<float>(n * n);
      r.has_score = true;
      r.score = static_cast<float>(balance);
    }
  }
  int max_batch() const override { return 16; }
  int history_wanted() const override { return 2; }
  std::string name() const override { return "equivariant"; }
};

// Not equivariant: all prior and +1 ownership on one fixed point of whatever it is shown.
class FixedPointBackend final : public BatchBackend {
 public:
  explicit FixedPointBackend(int x, int y) : x_(x), y_(y) {}
  void run(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) override {
    results.resize(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      const int n = queries[i].position->size();
      EvalResult& r = results[i];
      r.prior.assign(static_cast<size_t>(n * n + 1), 0.0f);
      r.prior[static_cast<size_t>(x_ + n * y_)] = 1.0f;
      r.ownership.assign(queries[i].want_ownership ? static_cast<size_t>(n * n) : 0, 0.0f);
      if (queries[i].want_ownership) r.ownership[static_cast<size_t>(x_ + n * y_)] = 1.0f;
    }
  }
  int max_batch() const override { return 16; }
  std::string name() const override { return "fixed-point"; }

 private:
  int x_, y_;
};

BatchingOptions with_symmetry(SymmetryMode mode) {
  BatchingOptions o;
  o.symmetry = mode;
  o.deadline_us = 100;
  o.cache_entries = 0;
  return o;
}

TEST(EvalSymmetry, TransformMovesStonesAndKoAndItsInverseUndoesIt) {
  const auto game = random_game(9, 50, 31);
  go::Position p = game.positions[50];
  p.set_ko(p.empty_point(0), go::Color::kWhite);
  const go::Move ko = p.move_of(p.ko_point());
  for (int s = 0; s < go::kNumSymmetries; ++s) {
    const go::Position t = transform_position(p, s);
    for (int y = 0; y < 9; ++y)
      for (int x = 0; x < 9; ++x) {
        int tx = x, ty = y;
        go::apply_symmetry(s, 9, tx, ty);
        ASSERT_EQ(t.at(tx, ty), p.at(x, y)) << "s=" << s;
      }
    EXPECT_EQ(t.move_of(t.ko_point()), go::apply_symmetry(s, ko, 9));
    EXPECT_EQ(t.ko_color(), go::Color::kWhite);
    const go::Position back = transform_position(t, go::inverse_symmetry(s));
    EXPECT_EQ(back.stones(), p.stones());
    EXPECT_EQ(back.hash(), p.hash());
    EXPECT_EQ(back.ko_point(), p.ko_point());
  }
}

TEST(EvalSymmetry, SampledSymmetriesCoverAllEightAndDependOnlyOnTheSeed) {
  std::set<int> seen;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const int s = sampled_symmetry(seed);
    ASSERT_GE(s, 0);
    ASSERT_LT(s, 8);
    EXPECT_EQ(s, sampled_symmetry(seed));
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 8u);
}

TEST(EvalSymmetry, SampledPriorAndOwnershipMapBackToTheOriginalPoint) {
  // The network always answers (1, 0) of what it is shown; under symmetry s it was shown
  // the board turned by s, so its answer means the original point P with s(P) = (1, 0).
  BatchingEvaluator evaluator(std::make_shared<FixedPointBackend>(1, 0),
                              with_symmetry(SymmetryMode::kSample));
  const auto game = random_game(9, 20, 32);
  std::set<int> symmetries;
  for (size_t k = 0; k < 40; ++k) {
    EvalQuery q = game.query(k % 20, 0, 7.5, true);
    q.seed = k * 1000003;
    std::vector<EvalResult> results;
    evaluator.evaluate({q}, results);
    const int s = sampled_symmetry(q.seed);
    symmetries.insert(s);
    int px = -1, py = -1;
    for (int y = 0; y < 9; ++y)
      for (int x = 0; x < 9; ++x) {
        int tx = x, ty = y;
        go::apply_symmetry(s, 9, tx, ty);
        if (tx == 1 && ty == 0) px = x, py = y;
      }
    ASSERT_GE(px, 0);
    const auto& r = results.at(0);
    EXPECT_EQ(r.prior.at(static_cast<size_t>(px + 9 * py)), 1.0f) << "s=" << s;
    EXPECT_EQ(r.ownership.at(static_cast<size_t>(px + 9 * py)), 1.0f) << "s=" << s;
    EXPECT_EQ(r.prior.back(), 0.0f);  // pass stays pass
  }
  EXPECT_EQ(symmetries.size(), 8u);
}

TEST(EvalSymmetry, AveragingSpreadsAFixedPointOverItsOrbit) {
  BatchingEvaluator evaluator(std::make_shared<FixedPointBackend>(1, 0),
                              with_symmetry(SymmetryMode::kAverage));
  const auto game = random_game(9, 10, 33);
  std::vector<EvalResult> results;
  evaluator.evaluate({game.query(5, 0)}, results);
  std::vector<float> want(82, 0.0f);
  for (int s = 0; s < 8; ++s) {
    int x = 1, y = 0;
    go::apply_symmetry(go::inverse_symmetry(s), 9, x, y);
    want[static_cast<size_t>(x + 9 * y)] += 1.0f / 8;
  }
  ASSERT_EQ(results.at(0).prior.size(), 82u);
  for (size_t i = 0; i < 82; ++i) EXPECT_FLOAT_EQ(results[0].prior[i], want[i]) << i;
  EXPECT_EQ(evaluator.stats().backend_queries, 8);
}

TEST(EvalSymmetry, EquivariantNetworkGivesTheSameUnderEveryMode) {
  auto backend = std::make_shared<EquivariantBackend>();
  BatchingEvaluator none(backend, with_symmetry(SymmetryMode::kNone));
  BatchingEvaluator sample(backend, with_symmetry(SymmetryMode::kSample));
  BatchingEvaluator average(backend, with_symmetry(SymmetryMode::kAverage));
  const auto game = random_game(9, 60, 34);
  std::vector<go::Position> with_ko;
  with_ko.reserve(60);
  std::vector<EvalQuery> queries;
  for (size_t k = 1; k < 60; k += 3) {
    EvalQuery q = game.query(k, 2, 7.5, k % 2 == 0);
    with_ko.push_back(*q.position);
    with_ko.back().set_ko(with_ko.back().empty_point(static_cast<int>(k) % with_ko.back().num_empty()),
                          q.to_move);
    q.position = &with_ko.back();
    queries.push_back(q);
  }
  std::vector<EvalResult> a, b, c;
  none.evaluate(queries, a);
  sample.evaluate(queries, b);
  average.evaluate(queries, c);
  for (size_t i = 0; i < queries.size(); ++i)
    for (const std::vector<EvalResult>* other : {&b, &c}) {
      const EvalResult& x = a[i];
      const EvalResult& y = (*other)[i];
      EXPECT_NEAR(x.value, y.value, 1e-6);
      EXPECT_NEAR(x.score, y.score, 1e-5);
      ASSERT_EQ(x.prior.size(), y.prior.size());
      for (size_t j = 0; j < x.prior.size(); ++j)
        EXPECT_NEAR(x.prior[j], y.prior[j], 1e-6) << "query " << i << " point " << j;
      ASSERT_EQ(x.ownership.size(), y.ownership.size());
      for (size_t j = 0; j < x.ownership.size(); ++j) EXPECT_NEAR(x.ownership[j], y.ownership[j], 1e-6);
    }
  // The newest stone keeps the largest prior: mass put on one point comes back to it.
  const EvalQuery& q = queries[5];
  int newest = -1;
  for (int j = 0; j < 81; ++j)
    if (q.position->at(j % 9, j / 9) != q.history[0]->at(j % 9, j / 9)) newest = j;
  ASSERT_GE(newest, 0);
  const auto& prior = c[5].prior;
  EXPECT_FLOAT_EQ(prior[static_cast<size_t>(newest)], *std::max_element(prior.begin(), prior.end()));
  EXPECT_GT(prior[static_cast<size_t>(newest)], 10 * prior.back());
}

TEST(EvalSymmetry, ResultsOfTheWrongSizeAreRejected) {
  EvalResult r;
  r.prior.assign(81, 0.0f);  // pass missing
  EXPECT_THROW(map_result_back(1, 9, r), std::runtime_error);
  r.prior.assign(82, 0.0f);
  r.ownership.assign(80, 0.0f);
  EXPECT_THROW(map_result_back(1, 9, r), std::runtime_error);
  r.ownership.clear();
  EXPECT_NO_THROW(map_result_back(1, 9, r));
}

TEST(EvalSymmetry, AverageKeepsScoreAndOwnershipOnlyWhenAllHaveThem) {
  EvalResult x, y;
  x.value = 1;
  y.value = 0;
  x.prior = {1, 0};
  y.prior = {0, 1};
  x.has_score = true;
  x.score = 4;
  x.ownership = {1};
  const EvalResult m = average_results({x, y});
  EXPECT_FLOAT_EQ(m.value, 0.5f);
  EXPECT_EQ(m.prior, (std::vector<float>{0.5f, 0.5f}));
  EXPECT_FALSE(m.has_score);
  EXPECT_TRUE(m.ownership.empty());
  EXPECT_THROW(average_results({}), std::invalid_argument);
}

TEST(EvalSymmetry, ModeNames) {
  for (SymmetryMode m : {SymmetryMode::kNone, SymmetryMode::kSample, SymmetryMode::kAverage})
    EXPECT_EQ(parse_symmetry_mode(symmetry_mode_name(m)), m);
  EXPECT_THROW(parse_symmetry_mode("mirror"), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::search
