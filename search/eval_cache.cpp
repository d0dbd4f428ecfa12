#include "search/eval_cache.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace traceplay::search {

namespace {

// The splitmix64 / murmur3 finalizer: a bijection of 64-bit words that mixes every input
// bit into every output bit.
uint64_t fmix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// One lane of the key: a sequential fold, so order matters (history k is not history j).
class Lane {
 public:
  Lane(uint64_t seed, uint64_t multiplier) : h_(seed), m_(multiplier) {}
  void add(uint64_t v) { h_ = fmix64(h_ ^ (v * m_ + 0x2545f4914f6cdd1dULL)); }
  uint64_t value() const { return fmix64(h_); }

 private:
  uint64_t h_, m_;
};

uint64_t komi_bits(double komi) {
  if (komi == 0) komi = 0;  // -0.0 and 0.0 are the same komi
  uint64_t bits = 0;
  std::memcpy(&bits, &komi, sizeof bits);
  return bits;
}

// Lane b's view of a position: its cells, 2 bits a point, 32 points a word.
void add_cells(Lane& lane, const go::Position& p) {
  uint64_t word = 0;
  int filled = 0;
  const int n = p.size();
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      word = word << 2 | p.cell(p.point(x, y));
      if (++filled == 32) {
        lane.add(word);
        word = 0;
        filled = 0;
      }
    }
  lane.add(word);
}

}  // namespace

EvalCacheKey eval_cache_key(const EvalQuery& q, int history_used) {
  const go::Position& leaf = *q.position;
  const size_t used = std::min(q.history.size(), static_cast<size_t>(std::max(0, history_used)));
  const bool ko = leaf.ko_point() != go::Position::kNoPoint;
  const uint64_t fields[] = {
      static_cast<uint64_t>(leaf.size()),
      static_cast<uint64_t>(q.to_move),
      static_cast<uint64_t>(leaf.ko_point()),
      static_cast<uint64_t>(ko ? leaf.ko_color() : go::Color::kEmpty),
      komi_bits(q.komi),
      static_cast<uint64_t>(q.consecutive_passes),
      static_cast<uint64_t>(used),
  };
  Lane a(0x243f6a8885a308d3ULL, 0x9e3779b97f4a7c15ULL);
  Lane b(0x13198a2e03707344ULL, 0xc2b2ae3d27d4eb4fULL);
  for (uint64_t f : fields) {
    a.add(f);
    b.add(f);
  }
  a.add(leaf.hash());
  add_cells(b, leaf);
  for (size_t k = 0; k < used; ++k) {
    a.add(q.history[k]->hash());
    add_cells(b, *q.history[k]);
  }
  return {a.value(), b.value()};
}

struct EvalCache::Shard {
  struct Entry {
    EvalCacheKey key;
    uint64_t last_use = 0;  // 0: free
    EvalResult result;
  };
  std::mutex mutex;
  uint64_t clock = 0;
  size_t used = 0;
  std::vector<Entry> entries;  // buckets of kWays
};

EvalCache::EvalCache(size_t entries, int shards) {
  if (entries < 1) throw std::invalid_argument("EvalCache: entries must be >= 1");
  if (shards < 1) throw std::invalid_argument("EvalCache: shards must be >= 1");
  const size_t per_shard = (entries + static_cast<size_t>(shards) - 1) / static_cast<size_t>(shards);
  buckets_per_shard_ = (per_shard + kWays - 1) / kWays;
  for (int s = 0; s < shards; ++s) {
    shards_.push_back(std::make_unique<Shard>());
    shards_.back()->entries.resize(buckets_per_shard_ * kWays);
  }
}

EvalCache::~EvalCache() = default;

// The shard from lane a, the bucket (in bucket_of) from lane b: independent bits.
EvalCache::Shard& EvalCache::shard_of(const EvalCacheKey& key) const {
  return *shards_[static_cast<size_t>(key.a % shards_.size())];
}

bool EvalCache::lookup(const EvalCacheKey& key, bool want_ownership, EvalResult& out) {
  Shard& shard = shard_of(key);
  const size_t first = static_cast<size_t>(key.b % buckets_per_shard_) * kWays;
  std::lock_guard<std::mutex> lock(shard.mutex);
  for (size_t i = first; i < first + kWays; ++i) {
    Shard::Entry& e = shard.entries[i];
    if (e.last_use == 0 || e.key != key) continue;
    if (want_ownership && e.result.ownership.empty()) return false;
    e.last_use = ++shard.clock;
    out.value = e.result.value;
    out.prior = e.result.prior;
    out.has_score = e.result.has_score;
    out.score = e.result.score;
    if (want_ownership) out.ownership = e.result.ownership;
    else out.ownership.clear();
    return true;
  }
  return false;
}

void EvalCache::insert(const EvalCacheKey& key, const EvalResult& result) {
  Shard& shard = shard_of(key);
  const size_t first = static_cast<size_t>(key.b % buckets_per_shard_) * kWays;
  std::lock_guard<std::mutex> lock(shard.mutex);
  Shard::Entry* target = nullptr;
  for (size_t i = first; i < first + kWays; ++i) {
    Shard::Entry& e = shard.entries[i];
    if (e.last_use != 0 && e.key == key) {
      e.last_use = ++shard.clock;
      if (!e.result.ownership.empty() && result.ownership.empty()) return;  // keep the richer entry
      e.result = result;
      return;
    }
    // A free entry first, else the least recently used one.
    if (target == nullptr || (target->last_use != 0 && e.last_use < target->last_use)) target = &e;
  }
  if (target->last_use == 0) ++shard.used;
  target->key = key;
  target->last_use = ++shard.clock;
  target->result = result;
}

size_t EvalCache::capacity() const { return shards_.size() * buckets_per_shard_ * kWays; }

size_t EvalCache::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard<std::mutex> lock(s->mutex);
    n += s->used;
  }
  return n;
}

void EvalCache::clear() {
  for (const auto& s : shards_) {
    std::lock_guard<std::mutex> lock(s->mutex);
    for (Shard::Entry& e : s->entries) {
      e.last_use = 0;
      e.result = EvalResult{};
    }
    s->used = 0;
  }
}

}  // namespace traceplay::search
