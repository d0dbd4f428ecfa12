// BatchingEvaluator (search/batching_evaluator.h) over a deterministic fake network
// (fake_backend.h): many threads get exactly the unbatched results, batches fill, the
// deadline flushes a lone query, the cache never answers for another position, backend
// errors reach the callers of the failed batch, the destructor is safe with callers in
// flight, and MCTS over it matches MCTS over the direct evaluator.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fake_backend.h"
#include "games/go/board.h"
#include "search/batching_evaluator.h"
#include "search/mcts.h"

namespace traceplay::search {
namespace {

using testing::DirectEvaluator;
using testing::fake_answer;
using testing::FakeBackend;
using testing::GamePositions;
using testing::random_game;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

BatchingOptions options(int max_batch, int64_t deadline_us, size_t cache = 0) {
  BatchingOptions o;
  o.max_batch = max_batch;
  o.deadline_us = deadline_us;
  o.cache_entries = cache;
  return o;
}

// Equal to the fake network's own answer, bit for bit.
::testing::AssertionResult same_as_direct(const EvalQuery& q, const EvalResult& r, int history = 3) {
  const EvalResult want = fake_answer(q, history);
  if (r.value != want.value || r.prior != want.prior || r.has_score != want.has_score ||
      r.score != want.score || r.ownership != want.ownership)
    return ::testing::AssertionFailure()
           << "result differs from the direct evaluation (value " << r.value << " vs " << want.value
           << ", ownership " << r.ownership.size() << " vs " << want.ownership.size() << ")";
  return ::testing::AssertionSuccess();
}

// Each of `threads` threads evaluates queries of its own game, calls of 1..5 queries,
// some asking ownership, `rounds` times over; counts results that differ from direct.
int run_threads(const BatchingEvaluator& evaluator, int threads, int rounds, int calls_per_round) {
  std::vector<GamePositions> games;
  for (int t = 0; t < threads; ++t) games.push_back(random_game(9, 60, 100 + static_cast<uint64_t>(t)));
  std::atomic<int> wrong{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      const GamePositions& g = games[static_cast<size_t>(t)];
      std::vector<EvalQuery> queries;
      std::vector<EvalResult> results;
      for (int round = 0; round < rounds; ++round)
        for (int c = 0; c < calls_per_round; ++c) {
          queries.clear();
          const int n = 1 + (c + t) % 5;
          for (int i = 0; i < n; ++i)
            queries.push_back(g.query(static_cast<size_t>((c * 5 + i) % 61), 3, 7.5, (c + i) % 3 == 0));
          evaluator.evaluate(queries, results);
          if (results.size() != queries.size()) ++wrong;
          for (size_t i = 0; i < queries.size() && i < results.size(); ++i)
            if (!same_as_direct(queries[i], results[i])) ++wrong;
        }
    });
  for (auto& w : workers) w.join();
  return wrong.load();
}

TEST(BatchingEvaluator, ManyThreadsGetExactlyTheirOwnResultsAndBatchesFill) {
  auto backend = std::make_shared<FakeBackend>(16, 3);
  BatchingEvaluator evaluator(backend, options(16, 20'000));
  EXPECT_EQ(evaluator.history_wanted(), 3);
  EXPECT_EQ(evaluator.max_batch(), 16);
  EXPECT_EQ(run_threads(evaluator, 12, 1, 30), 0);
  const BatchingStats s = evaluator.stats();
  EXPECT_EQ(s.evaluations, s.backend_queries);  // no cache
  EXPECT_EQ(s.cache_hits, 0);
  EXPECT_EQ(backend->oversized(), 0);
  EXPECT_EQ(s.batches, static_cast<int64_t>(backend->batch_sizes().size()));
  EXPECT_EQ(s.full_batches + s.partial_batches, s.batches);
  EXPECT_GT(s.mean_batch(), 4.0) << "batches: " << s.batches << ", full: " << s.full_batches;
  EXPECT_GT(s.full_batches, 0);
}

TEST(BatchingEvaluator, SixteenThreadsWithTheCacheAndTwoServers) {
  auto backend = std::make_shared<FakeBackend>(32, 3);
  BatchingOptions o = options(32, 200, 4096);
  o.server_threads = 2;  // the fake is thread-safe
  BatchingEvaluator evaluator(backend, o);
  EXPECT_EQ(run_threads(evaluator, 16, 3, 12), 0);
  const BatchingStats s = evaluator.stats();
  // Rounds 2 and 3 ask again what round 1 asked: hits (ownership asked after a
  // result without it is a miss, so not all of them).
  EXPECT_GT(s.cache_hits, s.evaluations / 3);
  EXPECT_EQ(s.backend_queries + s.cache_hits, s.evaluations);
  EXPECT_EQ(backend->oversized(), 0);
  EXPECT_GT(evaluator.cache_size(), 0u);
}

TEST(BatchingEvaluator, DeadlineFlushesALoneQuery) {
  auto backend = std::make_shared<FakeBackend>(64, 3);
  BatchingEvaluator evaluator(backend, options(64, 30'000));
  const auto game = random_game(9, 20, 3);
  std::vector<EvalResult> results;
  const auto start = Clock::now();
  evaluator.evaluate({game.query(10, 3)}, results);
  const double seconds = seconds_since(start);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(same_as_direct(game.query(10, 3), results[0]));
  EXPECT_GE(seconds, 0.030);  // it waited for company until the deadline ...
  EXPECT_LT(seconds, 5.0);    // ... and no longer (generous: a loaded machine)
  const BatchingStats s = evaluator.stats();
  EXPECT_EQ(s.batches, 1);
  EXPECT_EQ(s.partial_batches, 1);
}

TEST(BatchingEvaluator, FullBatchRunsWithoutWaitingForTheDeadline) {
  auto backend = std::make_shared<FakeBackend>(4, 3);
  BatchingEvaluator evaluator(backend, options(0, 60'000'000));  // a minute
  const auto game = random_game(9, 20, 4);
  const auto start = Clock::now();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::vector<EvalResult> results;
      const EvalQuery q = game.query(static_cast<size_t>(t), 3);
      evaluator.evaluate({q}, results);
      if (!same_as_direct(q, results.at(0))) ++wrong;
    });
  for (auto& t : threads) t.join();
  EXPECT_LT(seconds_since(start), 30.0);
  EXPECT_EQ(wrong.load(), 0);
  const BatchingStats s = evaluator.stats();
  EXPECT_EQ(s.batches, 1);
  EXPECT_EQ(s.full_batches, 1);
  EXPECT_EQ(backend->batch_sizes(), std::vector<size_t>{4});
}

TEST(BatchingEvaluator, OneCallLargerThanABatchIsSplit) {
  auto backend = std::make_shared<FakeBackend>(16, 3);
  BatchingEvaluator evaluator(backend, options(0, 1000));
  const auto game = random_game(9, 60, 5);
  std::vector<EvalQuery> queries;
  for (size_t k = 0; k < 40; ++k) queries.push_back(game.query(k, 3));
  std::vector<EvalResult> results;
  evaluator.evaluate(queries, results);
  ASSERT_EQ(results.size(), 40u);
  for (size_t i = 0; i < 40; ++i) EXPECT_TRUE(same_as_direct(queries[i], results[i])) << i;
  EXPECT_EQ(backend->batch_sizes(), (std::vector<size_t>{16, 16, 8}));
  evaluator.evaluate({}, results);  // nothing to do
  EXPECT_TRUE(results.empty());
}

TEST(BatchingEvaluator, CacheNeverAnswersForAnotherPosition) {
  auto backend = std::make_shared<FakeBackend>(8, 3);
  BatchingEvaluator evaluator(backend, options(8, 100, 1024));
  const auto game = random_game(9, 40, 6);
  const auto other = random_game(9, 40, 7);
  const EvalQuery base = game.query(30, 3);
  // Same stones as base every time; one thing the network reads differs.
  std::vector<EvalQuery> variants(1, base);
  EvalQuery q = base;
  q.history = {&other.positions[29], &other.positions[28], &other.positions[27]};
  variants.push_back(q);
  go::Position ko = *base.position;
  ko.set_ko(ko.empty_point(0), base.to_move);
  q = base;
  q.position = &ko;
  variants.push_back(q);
  q = base;
  q.to_move = go::opponent(base.to_move);
  variants.push_back(q);
  q = base;
  q.komi = 0.5;
  variants.push_back(q);
  q = base;
  q.consecutive_passes = 1;
  variants.push_back(q);
  std::vector<EvalResult> results;
  for (int round = 0; round < 2; ++round)
    for (size_t i = 0; i < variants.size(); ++i) {
      evaluator.evaluate({variants[i]}, results);
      EXPECT_TRUE(same_as_direct(variants[i], results.at(0))) << "variant " << i << " round " << round;
    }
  BatchingStats s = evaluator.stats();
  EXPECT_EQ(s.cache_hits, static_cast<int64_t>(variants.size()));  // the second round only
  EXPECT_EQ(evaluator.cache_size(), variants.size());
  // Ownership asked where the entry lacks it: computed, not an ownership-less hit.
  EvalQuery with_ownership = base;
  with_ownership.want_ownership = true;
  evaluator.evaluate({with_ownership}, results);
  EXPECT_TRUE(same_as_direct(with_ownership, results.at(0)));
  EXPECT_EQ(results[0].ownership.size(), 81u);
  EXPECT_EQ(evaluator.stats().cache_hits, s.cache_hits);
  evaluator.evaluate({with_ownership}, results);  // now a hit, with ownership
  EXPECT_TRUE(same_as_direct(with_ownership, results.at(0)));
  evaluator.evaluate({base}, results);  // a hit, without the ownership it did not ask
  EXPECT_TRUE(same_as_direct(base, results.at(0)));
  EXPECT_EQ(evaluator.stats().cache_hits, s.cache_hits + 2);
}

TEST(BatchingEvaluator, BackendErrorReachesEveryCallerOfThatBatchAndNothingIsCached) {
  auto backend = std::make_shared<FakeBackend>(4, 3);
  BatchingEvaluator evaluator(backend, options(0, 60'000'000, 1024));
  const auto game = random_game(9, 20, 8);
  std::atomic<int> failed{0};
  std::vector<std::string> messages(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      std::vector<EvalResult> results;
      try {
        evaluator.evaluate({game.query(static_cast<size_t>(t), 3, t == 0 ? 666 : 7.5)}, results);
      } catch (const std::runtime_error& e) {
        ++failed;
        messages[static_cast<size_t>(t)] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 4);  // one batch of four: all its callers
  for (const std::string& m : messages) EXPECT_EQ(m, "fake network: komi 666");
  EXPECT_EQ(evaluator.stats().failed_batches, 1);
  // Still usable, and the failed batch cached nothing.
  std::vector<EvalQuery> good;
  for (size_t k = 1; k < 4; ++k) good.push_back(game.query(k, 3));
  good.push_back(game.query(9, 3));
  std::vector<EvalResult> results;
  evaluator.evaluate(good, results);
  for (size_t i = 0; i < good.size(); ++i) EXPECT_TRUE(same_as_direct(good[i], results[i]));
  EXPECT_EQ(evaluator.stats().cache_hits, 0);
  // One bad query in a call of several (a full batch: no deadline wait): the call throws.
  std::vector<EvalQuery> mixed = {game.query(11, 3), game.query(12, 3, 666), game.query(13, 3),
                                  game.query(14, 3)};
  EXPECT_THROW(evaluator.evaluate(mixed, results), std::runtime_error);
}

// A backend that answers one result short.
class ShortBackend final : public FakeBackend {
 public:
  ShortBackend() : FakeBackend(4, 0) {}
  void run(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) override {
    FakeBackend::run(queries, results);
    results.pop_back();
  }
};

TEST(BatchingEvaluator, AShortAnswerIsAnError) {
  BatchingEvaluator evaluator(std::make_shared<ShortBackend>(), options(0, 100));
  const auto game = random_game(9, 10, 9);
  std::vector<EvalResult> results;
  try {
    evaluator.evaluate({game.query(1, 0), game.query(2, 0)}, results);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "backend 'fake' returned 1 results for a batch of 2");
  }
}

TEST(BatchingEvaluator, DestructorRunsTheWaitingCallersAtOnce) {
  auto backend = std::make_shared<FakeBackend>(64, 3);
  auto evaluator = std::make_unique<BatchingEvaluator>(backend, options(0, 60'000'000));  // a minute
  const auto game = random_game(9, 20, 10);
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 5; ++t)
    threads.emplace_back([&, t] {
      std::vector<EvalResult> results;
      const EvalQuery q = game.query(static_cast<size_t>(t), 3);
      evaluator->evaluate({q}, results);
      if (!same_as_direct(q, results.at(0))) ++wrong;
      ++done;
    });
  const auto start = Clock::now();
  while (evaluator->queued() < 5 && seconds_since(start) < 20)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(evaluator->queued(), 5u);
  EXPECT_EQ(done.load(), 0);
  // The destructor runs the queued batch now (not at its one-minute deadline) and returns
  // once every caller has left evaluate(); `done` is counted after that return, so it is
  // read once the threads are joined (read at once, it raced a caller still returning).
  evaluator.reset();
  EXPECT_LT(seconds_since(start), 30.0);
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 5);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(backend->batch_sizes(), std::vector<size_t>{5});
}

TEST(BatchingEvaluator, DestructorWaitsForRunningAndQueuedBatches) {
  auto backend = std::make_shared<FakeBackend>(8, 3, std::chrono::milliseconds(20));
  auto evaluator = std::make_unique<BatchingEvaluator>(backend, options(0, 500));
  std::vector<GamePositions> games;
  for (int t = 0; t < 3; ++t) games.push_back(random_game(9, 60, 20 + static_cast<uint64_t>(t)));
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      std::vector<EvalQuery> queries;
      for (size_t k = 0; k < 40; ++k) queries.push_back(games[static_cast<size_t>(t)].query(k, 3));
      std::vector<EvalResult> results;
      evaluator->evaluate(queries, results);
      for (size_t i = 0; i < queries.size(); ++i)
        if (!same_as_direct(queries[i], results.at(i))) ++wrong;
      ++done;
    });
  const auto start = Clock::now();
  // Every caller's queries are in (asked) and one batch has run: the rest are queued or
  // running when the evaluator is destroyed. (A caller's ++done follows its wake-up, so it
  // is counted after the joins, not right after the destructor returns.)
  while ((evaluator->stats().evaluations < 120 || evaluator->stats().batches < 1) &&
         seconds_since(start) < 20)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(evaluator->stats().evaluations, 120);
  evaluator.reset();
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 3);
  EXPECT_EQ(wrong.load(), 0);
  size_t total = 0;
  for (size_t b : backend->batch_sizes()) total += b;
  EXPECT_EQ(total, 120u);
}

TEST(BatchingEvaluator, BadOptionsAreRejected) {
  auto backend = std::make_shared<FakeBackend>(8, 3);
  EXPECT_THROW(BatchingEvaluator(nullptr, {}), std::invalid_argument);
  EXPECT_THROW(BatchingEvaluator(std::make_shared<FakeBackend>(0, 3), {}), std::invalid_argument);
  BatchingOptions o;
  o.max_batch = -1;
  EXPECT_THROW(BatchingEvaluator(backend, o), std::invalid_argument);
  o = {};
  o.deadline_us = -1;
  EXPECT_THROW(BatchingEvaluator(backend, o), std::invalid_argument);
  o = {};
  o.server_threads = 0;
  EXPECT_THROW(BatchingEvaluator(backend, o), std::invalid_argument);
  o = {};
  o.caller_batch = 0;
  EXPECT_THROW(BatchingEvaluator(backend, o), std::invalid_argument);
  o = {};
  o.max_batch = 100;  // more than the backend takes: the backend's
  EXPECT_EQ(BatchingEvaluator(backend, o).max_batch(), 8);
  const auto game = random_game(9, 5, 1);
  EvalQuery no_position = game.query(1, 3);
  no_position.position = nullptr;
  std::vector<EvalResult> results;
  EXPECT_THROW(BatchingEvaluator(backend, {}).evaluate({no_position}, results), std::invalid_argument);
}

// --- MCTS over the batching evaluator ------------------------------------------------

// The one place these tests build a search.
struct SearchOutcome {
  int64_t root_visits = 0;
  std::vector<std::pair<int, int64_t>> child_visits;  // (x + 9 * y or -1, visits)
  bool in_flight_left = false;
};

SearchOutcome search_with(const Evaluator& evaluator, int threads, int64_t visits, const go::Board& board) {
  MctsSettings settings;
  settings.threads = threads;
  settings.seed = 77;
  Mcts mcts(settings, evaluator);
  ThinkLimits limits;
  limits.max_visits = visits;
  const Analysis a = mcts.search(board, limits, {});
  SearchOutcome out;
  out.root_visits = a.root_visits;
  for (const MctsNode& c : mcts.root().children) {
    out.child_visits.push_back({c.move.is_pass() ? -1 : c.move.x + board.size() * c.move.y, c.visits});
    if (c.in_flight != 0) out.in_flight_left = true;
  }
  return out;
}

go::Board some_board() {
  go::Board board(9);
  for (go::Move m : {go::Move::at(4, 4), go::Move::at(2, 2), go::Move::at(6, 2), go::Move::at(2, 6)})
    board.play(m);
  return board;
}

TEST(BatchingEvaluator, OneThreadMctsMatchesTheDirectEvaluatorExactly) {
  auto backend = std::make_shared<FakeBackend>(8, 3);
  DirectEvaluator direct(*backend);
  BatchingOptions o = options(8, 1000, 1 << 12);
  o.caller_batch = 8;  // as the direct evaluator's preferred batch: the same leaves per call
  BatchingEvaluator batched(backend, o);
  const go::Board board = some_board();
  const SearchOutcome want = search_with(direct, 1, 600, board);
  const SearchOutcome got = search_with(batched, 1, 600, board);
  EXPECT_EQ(got.root_visits, 600);
  EXPECT_EQ(got.child_visits, want.child_visits);
  EXPECT_GT(batched.stats().cache_hits, 0);  // leaves evaluated twice while in flight
}

// With several search threads, which leaf a thread picks depends on the others' virtual
// losses at that moment, so visit counts are not reproducible with any evaluator; what
// holds is the bookkeeping.
TEST(BatchingEvaluator, SeveralThreadMctsCompletesWithConsistentVisits) {
  auto backend = std::make_shared<FakeBackend>(16, 3);
  BatchingOptions o = options(16, 1000, 1 << 12);
  o.caller_batch = 4;
  BatchingEvaluator batched(backend, o);
  const SearchOutcome got = search_with(batched, 4, 800, some_board());
  EXPECT_EQ(got.root_visits, 800);
  int64_t children = 0;
  for (const auto& c : got.child_visits) children += c.second;
  EXPECT_EQ(children + 1, got.root_visits);
  EXPECT_FALSE(got.in_flight_left);
  EXPECT_EQ(backend->oversized(), 0);
  EXPECT_GT(batched.stats().mean_batch(), 1.0);
}

}  // namespace
}  // namespace traceplay::search
