// The evaluator a network runs behind: queries from any number of search threads and
// games are queued, run by a BatchBackend (search/batch_backend.h) in batches, and each
// caller waits only for its own results. A batch runs when max_batch queries wait, or
// when the oldest waiting query has waited deadline_us (0: as soon as a server is free,
// with whatever waits: KataGo's policy). Optional evaluation cache (search/eval_cache.h)
// and symmetries (search/eval_symmetry.h).
//
// Execution model: dedicated server threads (one by default), as KataGo's NNEvaluator,
// not leader election among callers. Why:
// - the backend is called from a fixed thread, so torch's thread-local state
//   (InferenceMode, the current CUDA stream/device) is set once, and a backend with one
//   server may keep reusable input buffers without locking (BatchBackend::run);
// - no caller ever runs other callers' work: a search thread's latency is its own wait,
//   and the deadline is kept by one timed wait in the server instead of every caller
//   waking to check whether it should lead;
// - several server threads (server_threads) overlap one batch's input preparation and
//   result copy with another's forward pass, without any change to the callers.
// The price is one hand-over per batch (caller -> server -> caller), microseconds against
// a forward pass.
//
// Per call: the caller looks its queries up in the cache (in its own thread, sharded
// locks), turns each miss into 1 (none / sample) or 8 (average) backend queries (the
// transformed positions live in the call's own frame), enqueues them FIFO under one lock
// and sleeps on its own condition variable; a server takes up to max_batch queries, runs
// the backend outside the lock, writes each result into its caller's slot and wakes a
// caller when its last query is done. The caller then maps symmetries back, averages,
// fills the cache and returns. A caller's queries may be split over several batches.
//
// The cache sits above the symmetries: its key is the untransformed query, so a position
// has one entry whatever the mode. With kSample a hit returns the symmetry drawn by the
// query that filled the entry (as KataGo's cache), so the result depends on which query
// came first; use kNone or kAverage where results must not depend on the order of calls.
//
// Errors: an exception thrown by the backend (or a batch with the wrong number of
// results) fails that batch: every caller with a query in it gets the exception from
// evaluate() once all its queries are done; nothing of it is cached; the evaluator stays
// usable.
//
// Shutdown: the destructor stops taking new calls (evaluate() then throws
// std::logic_error), runs everything already queued at once (no deadline), waits until
// every caller inside evaluate() has returned, and joins the servers. Calls that begin
// after the destructor has returned are, as for any object, undefined.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "search/batch_backend.h"
#include "search/eval_cache.h"
#include "search/eval_symmetry.h"
#include "search/evaluator.h"

namespace traceplay::search {

struct BatchingOptions {
  int max_batch = 0;               // 0: the backend's max_batch(); else at most that
  int64_t deadline_us = 500;       // the longest a query waits for its batch to fill
  int server_threads = 1;          // > 1 needs a thread-safe backend
  int caller_batch = 8;            // preferred_batch(): leaves a search thread gathers per call
  size_t cache_entries = 1 << 16;  // 0: no cache
  SymmetryMode symmetry = SymmetryMode::kNone;
};

struct BatchingStats {
  int64_t evaluations = 0;  // queries asked of evaluate()
  int64_t cache_hits = 0;
  int64_t backend_queries = 0;  // queries the backend ran (an averaged query counts 8)
  int64_t batches = 0;
  int64_t full_batches = 0;     // ran because max_batch queries were waiting
  int64_t partial_batches = 0;  // ran with fewer: deadline, deadline 0, or shutdown
  int64_t failed_batches = 0;   // the backend threw
  double mean_batch() const {
    return batches > 0 ? static_cast<double>(backend_queries) / static_cast<double>(batches) : 0.0;
  }
  double cache_hit_rate() const {
    return evaluations > 0 ? static_cast<double>(cache_hits) / static_cast<double>(evaluations) : 0.0;
  }
};

class BatchingEvaluator final : public Evaluator {
 public:
  // Starts the server threads. Throws std::invalid_argument for a null backend, a
  // backend max_batch < 1 or options out of range (negative max_batch or deadline,
  // server_threads or caller_batch < 1).
  explicit BatchingEvaluator(std::shared_ptr<BatchBackend> backend, const BatchingOptions& options = {});
  ~BatchingEvaluator() override;
  BatchingEvaluator(const BatchingEvaluator&) = delete;
  BatchingEvaluator& operator=(const BatchingEvaluator&) = delete;

  // Thread-safe; blocks until this call's queries are evaluated.
  void evaluate(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) const override;
  int history_wanted() const override { return history_wanted_; }
  int preferred_batch() const override { return options_.caller_batch; }
  std::string name() const override { return name_; }

  int max_batch() const { return static_cast<int>(max_batch_); }
  const BatchingOptions& options() const { return options_; }
  BatchingStats stats() const;
  // Backend queries waiting now (not yet taken by a server).
  size_t queued() const;
  // Entries in the cache (0 without one).
  size_t cache_size() const { return cache_ ? cache_->size() : 0; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Call;
  struct Item {
    Call* call = nullptr;
    size_t index = 0;  // into call->items
    Clock::time_point enqueued;
  };

  void serve();
  void finish_call() const;
  void shut_down();

  std::shared_ptr<BatchBackend> backend_;
  BatchingOptions options_;
  size_t max_batch_ = 1;
  int history_wanted_ = 0;
  std::string name_;
  Clock::duration deadline_;
  std::unique_ptr<EvalCache> cache_;

  mutable std::mutex mutex_;
  mutable std::condition_variable server_cv_;  // servers: work arrived, a batch filled, stop
  mutable std::condition_variable idle_cv_;    // the destructor: the last caller left
  mutable std::deque<Item> queue_;
  mutable int callers_ = 0;
  bool stopping_ = false;  // no new calls; queued work runs at once
  bool exit_ = false;      // no caller left: the servers return
  std::vector<std::thread> servers_;

  mutable std::atomic<int64_t> evaluations_{0}, cache_hits_{0}, backend_queries_{0}, batches_{0},
      full_batches_{0}, partial_batches_{0}, failed_batches_{0};
};

}  // namespace traceplay::search
