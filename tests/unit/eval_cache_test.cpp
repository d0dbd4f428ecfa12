// The evaluation cache (search/eval_cache.h): its key separates everything a network
// reads (same stones with other history, ko, side to move, komi, passes, board size),
// hits return what was stored, ownership is never missing when asked, the size is
// bounded with LRU replacement inside a bucket, and concurrent use stays consistent.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "fake_backend.h"
#include "search/eval_cache.h"

namespace traceplay::search {
namespace {

using testing::random_game;

EvalResult result_with_value(float value, bool ownership, int n = 9) {
  EvalResult r;
  r.value = value;
  r.prior.assign(static_cast<size_t>(n * n + 1), 1.0f / static_cast<float>(n * n + 1));
  r.has_score = true;
  r.score = value * 3;
  if (ownership) r.ownership.assign(static_cast<size_t>(n * n), value);
  return r;
}

TEST(EvalCache, KeysSeparateEverythingTheNetworkReads) {
  const auto game = random_game(9, 40, 5);
  const auto other = random_game(9, 40, 6);
  const EvalQuery base = game.query(30, 3);
  const EvalCacheKey key = eval_cache_key(base, 3);
  std::vector<std::pair<const char*, EvalCacheKey>> variants;

  EvalQuery q = base;  // same stones, history of another game
  q.history = {&other.positions[29], &other.positions[28], &other.positions[27]};
  variants.push_back({"other history", eval_cache_key(q, 3)});
  q = base;  // same stones, history in another order
  std::swap(q.history[0], q.history[1]);
  variants.push_back({"history order", eval_cache_key(q, 3)});
  q = base;  // fewer history positions given (the network repeats the oldest: another input)
  q.history.pop_back();
  variants.push_back({"history count", eval_cache_key(q, 3)});
  q = base;
  q.to_move = go::opponent(q.to_move);
  variants.push_back({"side to move", eval_cache_key(q, 3)});
  q = base;
  q.komi = 6.5;
  variants.push_back({"komi", eval_cache_key(q, 3)});
  q = base;
  q.consecutive_passes = 1;
  variants.push_back({"passes", eval_cache_key(q, 3)});
  // Same stones with a ko point, and with the ko point elsewhere.
  go::Position ko = *base.position;
  ko.set_ko(ko.empty_point(0), base.to_move);
  q = base;
  q.position = &ko;
  variants.push_back({"ko point", eval_cache_key(q, 3)});
  go::Position ko2 = ko;
  ko2.set_ko(ko.empty_point(1), base.to_move);
  q.position = &ko2;
  variants.push_back({"other ko point", eval_cache_key(q, 3)});
  ko2.set_ko(ko.empty_point(0), go::opponent(base.to_move));
  variants.push_back({"ko colour", eval_cache_key(q, 3)});
  // Empty boards of two sizes have the same (zero) Zobrist hash.
  const go::Position empty9(9), empty13(13);
  EvalQuery e9, e13;
  e9.position = &empty9;
  e13.position = &empty13;
  EXPECT_NE(eval_cache_key(e9, 0), eval_cache_key(e13, 0));

  for (size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(variants[i].second, key) << variants[i].first;
    for (size_t j = 0; j < i; ++j)
      EXPECT_NE(variants[i].second, variants[j].second) << variants[i].first << " / " << variants[j].first;
  }
}

TEST(EvalCache, KeysDependOnContentNotOnObjectsNorOnUnreadHistory) {
  const auto game = random_game(9, 40, 5);
  const EvalQuery base = game.query(30, 3);
  // Copies of the positions: the same key.
  const go::Position leaf = *base.position;
  std::vector<go::Position> past;
  for (const go::Position* p : base.history) past.push_back(*p);
  EvalQuery copy = base;
  copy.position = &leaf;
  for (size_t k = 0; k < past.size(); ++k) copy.history[k] = &past[k];
  copy.seed = 999;             // not read by a network
  copy.want_ownership = true;  // an entry knows whether it has ownership
  EXPECT_EQ(eval_cache_key(copy, 3), eval_cache_key(base, 3));
  // History beyond what the evaluator reads does not count.
  EvalQuery longer = base;
  longer.history.push_back(&game.positions[10]);
  EXPECT_EQ(eval_cache_key(longer, 3), eval_cache_key(base, 3));
  EXPECT_NE(eval_cache_key(longer, 4), eval_cache_key(base, 4));
  // A stale ko colour without a ko point is not read.
  go::Position stale = leaf;
  stale.set_ko(go::Position::kNoPoint, go::Color::kWhite);
  EvalQuery s = copy;
  s.position = &stale;
  go::Position stale2 = leaf;
  stale2.set_ko(go::Position::kNoPoint, go::Color::kBlack);
  EvalQuery s2 = copy;
  s2.position = &stale2;
  EXPECT_EQ(eval_cache_key(s, 3), eval_cache_key(s2, 3));
}

TEST(EvalCache, HitReturnsTheStoredResultAndOtherKeysMiss) {
  const auto game = random_game(9, 40, 7);
  const auto other = random_game(9, 40, 8);
  EvalCache cache(1024);
  const EvalQuery a = game.query(20, 3);
  EvalQuery b = a;
  b.history = {&other.positions[19], &other.positions[18], &other.positions[17]};
  const EvalResult stored = testing::fake_answer(a, 3);
  cache.insert(eval_cache_key(a, 3), stored);
  EvalResult out;
  EXPECT_FALSE(cache.lookup(eval_cache_key(b, 3), false, out));
  ASSERT_TRUE(cache.lookup(eval_cache_key(a, 3), false, out));
  EXPECT_EQ(out.value, stored.value);
  EXPECT_EQ(out.prior, stored.prior);
  EXPECT_EQ(out.has_score, stored.has_score);
  EXPECT_EQ(out.score, stored.score);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(EvalCache, OwnershipAskedIsNeverMissing) {
  EvalCache cache(64);
  const EvalCacheKey key{1, 2};
  cache.insert(key, result_with_value(0.5f, false));
  EvalResult out;
  EXPECT_FALSE(cache.lookup(key, true, out));  // stored without ownership
  EXPECT_TRUE(cache.lookup(key, false, out));
  cache.insert(key, result_with_value(0.5f, true));
  ASSERT_TRUE(cache.lookup(key, true, out));
  EXPECT_EQ(out.ownership.size(), 81u);
  ASSERT_TRUE(cache.lookup(key, false, out));
  EXPECT_TRUE(out.ownership.empty());  // not asked: not given
  // A later entry without ownership does not replace the richer one.
  cache.insert(key, result_with_value(0.5f, false));
  EXPECT_TRUE(cache.lookup(key, true, out));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(EvalCache, FullBucketReplacesItsLeastRecentlyUsedEntry) {
  EvalCache cache(EvalCache::kWays, 1);  // one shard, one bucket
  ASSERT_EQ(cache.capacity(), static_cast<size_t>(EvalCache::kWays));
  EvalResult out;
  for (uint64_t k = 1; k <= 4; ++k) cache.insert({k, k}, result_with_value(static_cast<float>(k), false));
  ASSERT_TRUE(cache.lookup({1, 1}, false, out));  // 1 is now the most recent; 2 the least
  cache.insert({5, 5}, result_with_value(5, false));
  EXPECT_FALSE(cache.lookup({2, 2}, false, out));
  for (uint64_t k : {1, 3, 4, 5}) {
    ASSERT_TRUE(cache.lookup({k, k}, false, out)) << k;
    EXPECT_EQ(out.value, static_cast<float>(k));
  }
  EXPECT_EQ(cache.size(), 4u);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.lookup({5, 5}, false, out));
}

TEST(EvalCache, SizeIsBoundedAndTheNewestEntryIsKept) {
  EvalCache cache(100, 4);
  EXPECT_GE(cache.capacity(), 100u);
  EXPECT_LE(cache.capacity(), 100u + 4 * EvalCache::kWays);
  EvalResult out;
  for (uint64_t k = 0; k < 5000; ++k) {
    const EvalCacheKey key{testing::fake_mix(k), testing::fake_mix(k + 77777)};
    cache.insert(key, result_with_value(static_cast<float>(k), false));
    ASSERT_TRUE(cache.lookup(key, false, out));
    ASSERT_EQ(out.value, static_cast<float>(k));
  }
  EXPECT_LE(cache.size(), cache.capacity());
  EXPECT_GT(cache.size(), cache.capacity() / 2);
}

TEST(EvalCache, ConcurrentUseNeverMixesEntries) {
  EvalCache cache(64, 4);  // small: constant eviction
  std::atomic<int> wrong{0}, hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      EvalResult out;
      for (uint64_t i = 0; i < 4000; ++i) {
        const uint64_t k = testing::fake_mix(i * 8 + static_cast<uint64_t>(t)) % 300;
        const EvalCacheKey key{testing::fake_mix(k), testing::fake_mix(k ^ 0xabc)};
        if (cache.lookup(key, false, out)) {
          ++hits;
          if (out.value != static_cast<float>(k) || out.prior.size() != 82) ++wrong;
        } else {
          cache.insert(key, result_with_value(static_cast<float>(k), false));
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(hits.load(), 0);
  EXPECT_LE(cache.size(), cache.capacity());
}

TEST(EvalCache, BadSizesAreRejected) {
  EXPECT_THROW(EvalCache(0), std::invalid_argument);
  EXPECT_THROW(EvalCache(10, 0), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::search
