// A deterministic stand-in for a network backend (search/batch_backend.h), for the
// batching, cache and symmetry tests: its answer is a function of everything a network
// reads (stones now and in the history it wants, side to move, ko, komi, passes), so a
// wrong cache hit or a result handed to the wrong caller shows; it records batch sizes,
// may sleep per batch, and throws for komi 666.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/rng.h"
#include "games/go/playout.h"
#include "search/batch_backend.h"

namespace traceplay::search::testing {

inline uint64_t fake_mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-style over cells, independent of the cache's own hashing.
inline uint64_t fake_hash(const EvalQuery& q, int history_wanted) {
  uint64_t h = 1469598103934665603ULL;
  auto add = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
  auto add_position = [&](const go::Position& p) {
    for (int y = 0; y < p.size(); ++y)
      for (int x = 0; x < p.size(); ++x) add(p.cell(p.point(x, y)));
  };
  add_position(*q.position);
  for (size_t k = 0; k < q.history.size() && static_cast<int>(k) < history_wanted; ++k)
    add_position(*q.history[k]);
  add(static_cast<uint64_t>(q.to_move));
  add(static_cast<uint64_t>(q.position->ko_point()));
  add(static_cast<uint64_t>(q.komi * 2 + 1000));
  add(static_cast<uint64_t>(q.consecutive_passes));
  return fake_mix(h);
}

// The fake network's answer for one query.
inline EvalResult fake_answer(const EvalQuery& q, int history_wanted) {
  const uint64_t h = fake_hash(q, history_wanted);
  const int n = q.position->size();
  EvalResult r;
  r.value = static_cast<float>(static_cast<double>(h % 2001) / 1000.0 - 1.0);
  r.has_score = true;
  r.score = r.value * 10;
  r.prior.resize(static_cast<size_t>(n * n + 1));
  float total = 0;
  for (size_t i = 0; i < r.prior.size(); ++i)
    total += r.prior[i] = static_cast<float>(fake_mix(h + i) % 100 + 1);
  for (float& p : r.prior) p /= total;
  if (q.want_ownership) {
    r.ownership.resize(static_cast<size_t>(n * n));
    for (size_t i = 0; i < r.ownership.size(); ++i)
      r.ownership[i] = static_cast<float>(static_cast<int>(fake_mix(h + 1000 + i) % 3) - 1);
  }
  return r;
}

class FakeBackend : public BatchBackend {
 public:
  explicit FakeBackend(int max_batch = 16, int history = 3, std::chrono::microseconds per_batch = {})
      : max_batch_(max_batch), history_(history), per_batch_(per_batch) {}

  void run(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batch_sizes_.push_back(queries.size());
      if (static_cast<int>(queries.size()) > max_batch_) ++oversized_;
    }
    if (per_batch_.count() > 0) std::this_thread::sleep_for(per_batch_);
    results.resize(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      if (queries[i].komi == 666) throw std::runtime_error("fake network: komi 666");
      results[i] = fake_answer(queries[i], history_);
    }
  }
  int max_batch() const override { return max_batch_; }
  int history_wanted() const override { return history_; }
  std::string name() const override { return "fake"; }

  std::vector<size_t> batch_sizes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return batch_sizes_;
  }
  int oversized() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return oversized_;
  }

 private:
  int max_batch_, history_;
  std::chrono::microseconds per_batch_;
  mutable std::mutex mutex_;
  std::vector<size_t> batch_sizes_;
  int oversized_ = 0;
};

// The backend called directly, one evaluate() at a time: the unbatched reference.
class DirectEvaluator final : public Evaluator {
 public:
  explicit DirectEvaluator(BatchBackend& backend) : backend_(backend) {}
  void evaluate(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    backend_.run(queries, results);
  }
  int history_wanted() const override { return backend_.history_wanted(); }
  int preferred_batch() const override { return 8; }
  std::string name() const override { return "direct"; }

 private:
  BatchBackend& backend_;
  mutable std::mutex mutex_;
};

// Positions of random games on an n x n board with their histories: game g's state k
// is positions[k], history newest first. Stable storage for queries' pointers.
struct GamePositions {
  std::vector<go::Position> positions;  // positions[0] = empty board
  std::vector<go::Color> to_move;
  // A query for state k (k >= 0) with up to `history` past positions.
  EvalQuery query(size_t k, int history, double komi = 7.5, bool ownership = false) const {
    EvalQuery q;
    q.position = &positions[k];
    q.to_move = to_move[k];
    q.komi = komi;
    q.want_ownership = ownership;
    q.seed = k * 7919 + 13;
    for (int t = 1; t <= history; ++t)
      q.history.push_back(&positions[k >= static_cast<size_t>(t) ? k - t : 0]);
    return q;
  }
};

// A random light-playout game of `moves` moves from the empty n x n board.
inline GamePositions random_game(int n, int moves, uint64_t seed) {
  GamePositions g;
  Rng rng(seed);
  go::Position p(n);
  go::Color c = go::Color::kBlack;
  g.positions.reserve(static_cast<size_t>(moves) + 1);
  g.positions.push_back(p);
  g.to_move.push_back(c);
  for (int i = 0; i < moves; ++i) {
    const int point = go::random_playout_move(p, c, rng);
    if (point == go::Position::kNoPoint) p.pass();
    else p.play(c, point);
    c = go::opponent(c);
    g.positions.push_back(p);
    g.to_move.push_back(c);
  }
  return g;
}

}  // namespace traceplay::search::testing
