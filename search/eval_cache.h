// A bounded, thread-safe cache of network evaluations, keyed by everything a network
// reads from a query (search/evaluator.h EvalQuery):
//   board size; the leaf's stones; the first `history_used` history positions' stones
//   and how many were given (fewer are repeated by the network, features.h, so the count
//   is part of what it sees); side to move; the simple-ko point and the colour it binds
//   (none when there is no ko point); komi; consecutive passes.
// Not in the key: the query's seed (a network does not sample) and want_ownership (an
// entry records whether it has ownership, see lookup). A backend that reads anything else
// (superko beyond the listed history, rules) would have to add it here.
//
// Keys are 128 bits in two lanes computed independently: lane `a` folds the positions'
// Zobrist hashes (games/go/zobrist.h, kept by go::Position, free) with the other fields
// through a 64-bit mixer; lane `b` folds the raw stone cells (2 bits a point, 32 points
// a word) through a mixer with other constants. Under the usual random-hash model two
// different queries share a key with probability about 2^-128; with 2^20 entries and
// 2^40 look-ups the expected number of wrong hits is about 2^60 / 2^128 = 2^-68, i.e. none.
// (Zobrist alone is linear: stone sets whose keys xor to zero collide; lane b, which is
// not linear, covers that.)
//
// Layout and replacement: a fixed number of entries in `shards` independently locked
// shards (the key picks the shard, so threads rarely contend), each a set-associative
// table of 4-entry buckets. A key lives only in its bucket; inserting into a full bucket
// replaces the least recently used entry of that bucket (use = look-up hit or insert).
// An entry without ownership never replaces one of the same key with ownership.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "search/evaluator.h"

namespace traceplay::search {

struct EvalCacheKey {
  uint64_t a = 0, b = 0;
  bool operator==(const EvalCacheKey& o) const { return a == o.a && b == o.b; }
  bool operator!=(const EvalCacheKey& o) const { return !(*this == o); }
};

// The key of a query whose evaluator reads at most history_used history positions.
EvalCacheKey eval_cache_key(const EvalQuery& query, int history_used);

class EvalCache {
 public:
  static constexpr int kWays = 4;

  // At least `entries` entries (rounded up to whole buckets in every shard); entries >= 1,
  // shards >= 1, else std::invalid_argument.
  explicit EvalCache(size_t entries, int shards = 64);
  ~EvalCache();
  EvalCache(const EvalCache&) = delete;
  EvalCache& operator=(const EvalCache&) = delete;

  // A hit copies the stored result into out and returns true. When want_ownership, only
  // an entry with ownership is a hit; when not, out's ownership is left empty.
  bool lookup(const EvalCacheKey& key, bool want_ownership, EvalResult& out);
  void insert(const EvalCacheKey& key, const EvalResult& result);

  size_t capacity() const;  // entries
  size_t size() const;      // entries in use
  void clear();

 private:
  struct Shard;
  Shard& shard_of(const EvalCacheKey& key) const;
  size_t buckets_per_shard_ = 0;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace traceplay::search
