// The Go net behind MCTS's Evaluator interface: query inputs equal the Board features of
// the same state; the prior covers legal moves only; value, score, ownership as documented.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <thread>
#include <vector>

#include "games/go/board.h"
#include "games/go/features.h"
#include "models/go_net_backend.h"
#include "search/batching_evaluator.h"

namespace traceplay {
namespace {

using models::GoNetConfig;

struct Game {
  go::Board board;
  std::vector<go::Position> before;  // oldest first
  explicit Game(int n) : board(n) {}
  void play(go::Move m) {
    before.push_back(board.position());
    board.play(m);
  }
  search::EvalQuery query(int history_wanted, bool ownership) const {
    search::EvalQuery q;
    q.position = &board.position();
    q.to_move = board.to_move();
    q.komi = board.rules().komi;
    q.want_ownership = ownership;
    for (auto it = before.rbegin();
         it != before.rend() && static_cast<int>(q.history.size()) < history_wanted; ++it)
      q.history.push_back(&*it);
    return q;
  }
};

TEST(GoNetBackend, InputsEqualTheBoardFeaturesAndThePriorCoversLegalMovesOnly) {
  torch::set_num_threads(1);
  torch::manual_seed(2);
  const auto config = GoNetConfig::preset_named("transformer", "tiny", 3);
  auto net = models::make_go_net(config);
  net->eval();
  std::vector<Game> games;
  for (int g = 0; g < 3; ++g) games.emplace_back(9);
  games[1].play(go::Move::at(4, 4));
  games[2].play(go::Move::at(4, 4));
  games[2].play(go::Move::at(3, 4));
  games[2].play(go::Move::pass());
  std::vector<search::EvalQuery> queries;
  for (size_t g = 0; g < games.size(); ++g) queries.push_back(games[g].query(2, g != 1));

  const auto planes = models::go_net_inputs(queries, config);
  go::FeatureOptions options;
  options.history = 3;
  for (size_t g = 0; g < games.size(); ++g) {
    const auto expected = go::extract_features(games[g].board, options);
    const auto row = planes[static_cast<int64_t>(g)].contiguous();
    EXPECT_EQ(std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel()), expected) << g;
  }

  std::vector<search::EvalResult> results;
  models::evaluate_go_net(*net, queries, results);
  ASSERT_EQ(results.size(), 3u);
  torch::NoGradGuard no_grad;
  const auto out = net->forward(planes);
  for (size_t g = 0; g < games.size(); ++g) {
    const auto& r = results[g];
    const auto& board = games[g].board;
    ASSERT_EQ(r.prior.size(), 82u);
    double sum = 0;
    for (int p = 0; p < 81; ++p) {
      const bool legal = board.is_legal(board.to_move(), go::Move::at(p % 9, p / 9));
      if (legal) EXPECT_GT(r.prior[static_cast<size_t>(p)], 0.0f);
      else EXPECT_EQ(r.prior[static_cast<size_t>(p)], 0.0f) << "illegal point " << p;
      sum += r.prior[static_cast<size_t>(p)];
    }
    EXPECT_GT(r.prior[81], 0.0f);  // pass
    EXPECT_NEAR(sum + r.prior[81], 1.0, 1e-5);
    // The prior is the policy's softmax renormalised over the legal moves.
    const auto logits = out.policy[static_cast<int64_t>(g)];
    const double ratio = std::exp(logits[81].item<double>() - logits[0].item<double>());
    if (r.prior[0] > 0) {
      EXPECT_NEAR(r.prior[81] / r.prior[0], ratio, 1e-4 * ratio);
    }
    const auto wdl = torch::softmax(out.value[static_cast<int64_t>(g)], 0);
    EXPECT_NEAR(r.value, (wdl[0] - wdl[2]).item<double>(), 1e-6);
    EXPECT_TRUE(r.has_score);
    EXPECT_FLOAT_EQ(r.score, out.score[static_cast<int64_t>(g)].item<float>());
    EXPECT_EQ(r.ownership.size(), g == 1 ? 0u : 81u);
  }
  // The occupied points of game 2 got prior 0 although the net gave them logits.
  EXPECT_TRUE(std::isfinite(out.policy[2][4 + 9 * 4].item<double>()));
}

TEST(GoNetBackend, ABatchOfMixedBoardSizesIsRefused) {
  const auto config = GoNetConfig::preset_named("resnet", "tiny", 2);
  Game a(9), b(7);
  std::vector<search::EvalQuery> queries{a.query(1, false), b.query(1, false)};
  EXPECT_THROW(models::go_net_inputs(queries, config), std::invalid_argument);
  EXPECT_THROW(models::go_net_inputs({}, config), std::invalid_argument);
}

// The backend behind the batching evaluator: concurrent callers, batches mixing 9x9 and
// 7x7 queries, and the answers equal one direct forward pass per query.
TEST(GoNetBackend, ServedByTheBatchingEvaluatorEqualsDirectEvaluation) {
  torch::set_num_threads(1);
  torch::manual_seed(4);
  const auto config = GoNetConfig::preset_named("resnet", "tiny", 2);
  auto net = models::make_go_net(config);
  auto backend = std::make_shared<models::GoNetBackend>(net, 16);
  EXPECT_EQ(backend->history_wanted(), 1);
  EXPECT_EQ(backend->name(), "go-net-resnet-tiny");
  EXPECT_THROW(models::GoNetBackend(net, 0), std::invalid_argument);
  search::BatchingOptions options;
  options.deadline_us = 20000;  // long enough for both callers to share batches
  options.cache_entries = 0;
  search::BatchingEvaluator evaluator(backend, options);

  std::vector<Game> games;
  for (int g = 0; g < 6; ++g) games.emplace_back(g % 2 == 0 ? 9 : 7);
  for (int g = 0; g < 6; ++g)
    for (int k = 0; k < g; ++k) games[g].play(go::Move::at(k, (2 * k) % (g % 2 == 0 ? 9 : 7)));
  std::vector<search::EvalQuery> first, second;
  for (int g = 0; g < 6; ++g) (g < 3 ? first : second).push_back(games[g].query(2, g % 3 == 0));
  std::vector<search::EvalResult> r1, r2;
  std::thread t([&] { evaluator.evaluate(second, r2); });
  evaluator.evaluate(first, r1);
  t.join();
  ASSERT_EQ(r1.size(), 3u);
  ASSERT_EQ(r2.size(), 3u);
  for (int g = 0; g < 6; ++g) {
    std::vector<search::EvalResult> direct;
    models::evaluate_go_net(*net, {games[g].query(2, g % 3 == 0)}, direct);
    const search::EvalResult& served = g < 3 ? r1[g] : r2[g - 3];
    ASSERT_EQ(served.prior.size(), direct[0].prior.size()) << g;
    for (size_t p = 0; p < served.prior.size(); ++p)
      EXPECT_NEAR(served.prior[p], direct[0].prior[p], 1e-5) << g;
    EXPECT_NEAR(served.value, direct[0].value, 1e-5) << g;
    EXPECT_NEAR(served.score, direct[0].score, 1e-4) << g;
    EXPECT_EQ(served.ownership.size(), direct[0].ownership.size()) << g;
  }
}

}  // namespace
}  // namespace traceplay
