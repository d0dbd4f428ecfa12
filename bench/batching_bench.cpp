// `traceplay bench batching`: what BatchingEvaluator (search/batching_evaluator.h) costs
// and gains, over a synthetic backend (no network, so the numbers are the machinery's):
// - case "overhead": a backend that costs nothing, one caller, batch 1, deadline 0:
//   evaluations/s through the queue and server thread against calling the backend
//   directly (peer); the difference is the hand-over cost per call;
// - case "fixed-cost": a backend that sleeps 1 ms per batch plus 10 us per query (a
//   forward pass's shape), B caller threads each evaluating one query at a time, max
//   batch B, for B = 1, 8, 64: evaluations/s, mean batch; B = 1 is the peer.
// The backend sleeps rather than spins, so the figures hold on a busy 2-core machine.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "games/go/position.h"
#include "search/batching_evaluator.h"

namespace traceplay::bench {

namespace {

using Clock = std::chrono::steady_clock;

class SyntheticBackend final : public search::BatchBackend {
 public:
  SyntheticBackend(int max_batch, std::chrono::microseconds per_batch, std::chrono::microseconds per_query)
      : max_batch_(max_batch), per_batch_(per_batch), per_query_(per_query) {}
  void run(const std::vector<search::EvalQuery>& queries, std::vector<search::EvalResult>& results) override {
    const auto cost = per_batch_ + per_query_ * static_cast<int64_t>(queries.size());
    if (cost.count() > 0) std::this_thread::sleep_for(cost);
    results.resize(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      const int n = queries[i].position->size();
      results[i].value = 0;
      results[i].prior.assign(static_cast<size_t>(n * n + 1), 1.0f / static_cast<float>(n * n + 1));
    }
  }
  int max_batch() const override { return max_batch_; }
  std::string name() const override { return "synthetic"; }

 private:
  int max_batch_;
  std::chrono::microseconds per_batch_, per_query_;
};

struct Rate {
  double per_s = 0;
  double mean_batch = 0;
};

// `threads` callers evaluate one query at a time for `seconds`.
Rate measure(const search::Evaluator& evaluator, int threads, double seconds,
             const search::BatchingEvaluator* stats) {
  const go::Position position(9);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0};
  std::vector<std::thread> callers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t)
    callers.emplace_back([&] {
      search::EvalQuery q;
      q.position = &position;
      std::vector<search::EvalQuery> queries(1, q);
      std::vector<search::EvalResult> results;
      int64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        evaluator.evaluate(queries, results);
        ++n;
      }
      done += n;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& c : callers) c.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Rate r;
  r.per_s = static_cast<double>(done.load()) / elapsed;
  if (stats) r.mean_batch = stats->stats().mean_batch();
  return r;
}

// The backend called directly by the caller (one at a time), as an Evaluator.
class Direct final : public search::Evaluator {
 public:
  explicit Direct(search::BatchBackend& backend) : backend_(backend) {}
  void evaluate(const std::vector<search::EvalQuery>& q, std::vector<search::EvalResult>& r) const override {
    backend_.run(q, r);
  }
  std::string name() const override { return "direct"; }

 private:
  search::BatchBackend& backend_;
};

void print(nlohmann::json line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

}  // namespace

int run_batching_bench(const BenchOptions& options) {
  const double seconds = options.quick ? 0.2 : options.seconds;
  search::BatchingOptions o;
  o.cache_entries = 0;  // every query reaches the backend

  {  // the hand-over cost
    auto backend =
        std::make_shared<SyntheticBackend>(1, std::chrono::microseconds(0), std::chrono::microseconds(0));
    const Rate direct = measure(Direct(*backend), 1, seconds, nullptr);
    o.deadline_us = 0;
    search::BatchingEvaluator batching(backend, o);
    const Rate r = measure(batching, 1, seconds, &batching);
    print({{"bench", "batching"},
           {"case", "overhead"},
           {"threads", 1},
           {"value", r.per_s},
           {"unit", "evaluations/s"},
           {"us_per_evaluation", r.per_s > 0 ? 1e6 / r.per_s : 0.0},
           {"peer", "backend called directly"},
           {"peer_value", direct.per_s},
           {"ratio", direct.per_s > 0 ? r.per_s / direct.per_s : 0.0}});
  }

  double baseline = 0;
  for (int batch : {1, 8, 64}) {
    auto backend = std::make_shared<SyntheticBackend>(batch, std::chrono::microseconds(1000),
                                                      std::chrono::microseconds(10));
    o.deadline_us = 2000;
    search::BatchingEvaluator batching(backend, o);
    const Rate r = measure(batching, batch, seconds, &batching);
    nlohmann::json line = {{"bench", "batching"},     {"case", "fixed-cost-batch-" + std::to_string(batch)},
                           {"threads", batch},        {"value", r.per_s},
                           {"unit", "evaluations/s"}, {"mean_batch", r.mean_batch},
                           {"max_batch", batch}};
    if (batch == 1) {
      baseline = r.per_s;
    } else {
      line["peer"] = "batch 1";
      line["peer_value"] = baseline;
      line["ratio"] = baseline > 0 ? r.per_s / baseline : 0.0;
    }
    print(line);
  }
  return 0;
}

}  // namespace traceplay::bench
