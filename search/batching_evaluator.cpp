#include "search/batching_evaluator.h"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>

#include "core/error.h"
#include "games/go/symmetry.h"

namespace traceplay::search {

// One evaluate() call's state; it lives in the caller's frame while the caller waits.
struct BatchingEvaluator::Call {
  std::vector<EvalQuery> items;          // what the backend runs (transformed where a symmetry applies)
  std::vector<EvalResult> item_results;  // written by the servers
  std::deque<go::Position> transformed;  // the positions the transformed items point to
  size_t remaining = 0;                  // items not yet run; under mutex_
  std::exception_ptr error;              // the first failure of a batch holding one of ours; under mutex_
  std::condition_variable done;
};

namespace {

// Each caller of a failed batch gets an exception object of its own, with the same type
// (UserError or std::invalid_argument for bad input, else std::runtime_error) and message: callers
// rethrow on their own threads, and one shared object's reference count and message would
// be touched by all of them at once inside the C++ runtime (ThreadSanitizer reported it).
std::exception_ptr copy_for_caller(const std::exception_ptr& error, const std::string& backend) {
  try {
    std::rethrow_exception(error);
  } catch (const UserError& e) {
    return std::make_exception_ptr(UserError(e.what()));
  } catch (const std::invalid_argument& e) {
    return std::make_exception_ptr(std::invalid_argument(e.what()));
  } catch (const std::exception& e) {
    return std::make_exception_ptr(std::runtime_error(e.what()));
  } catch (...) {
    return std::make_exception_ptr(std::runtime_error("backend '" + backend + "' failed"));
  }
}

// A query of the call that missed the cache: items [first, first + count) are its own.
struct Miss {
  size_t query = 0;
  size_t first = 0;
  int count = 1;
  int symmetry = 0;  // kSample's draw
  EvalCacheKey key;
};

constexpr int64_t kMaxDeadlineUs = 3'600'000'000;  // an hour: anything longer is a mistake

}  // namespace

BatchingEvaluator::BatchingEvaluator(std::shared_ptr<BatchBackend> backend, const BatchingOptions& options)
    : backend_(std::move(backend)), options_(options) {
  if (!backend_) throw std::invalid_argument("BatchingEvaluator: no backend");
  const int backend_max = backend_->max_batch();
  if (backend_max < 1)
    throw std::invalid_argument("BatchingEvaluator: backend '" + backend_->name() + "' has max_batch < 1");
  if (options.max_batch < 0)
    throw std::invalid_argument("BatchingEvaluator: max_batch must be >= 0 (0: the backend's)");
  if (options.deadline_us < 0 || options.deadline_us > kMaxDeadlineUs)
    throw std::invalid_argument("BatchingEvaluator: deadline_us must be in 0..3600000000");
  if (options.server_threads < 1)
    throw std::invalid_argument("BatchingEvaluator: server_threads must be >= 1");
  if (options.caller_batch < 1) throw std::invalid_argument("BatchingEvaluator: caller_batch must be >= 1");
  max_batch_ =
      static_cast<size_t>(options.max_batch > 0 ? std::min(options.max_batch, backend_max) : backend_max);
  history_wanted_ = std::max(0, backend_->history_wanted());
  name_ = backend_->name();
  deadline_ = std::chrono::microseconds(options.deadline_us);
  if (options.cache_entries > 0) cache_ = std::make_unique<EvalCache>(options.cache_entries);
  try {
    for (int t = 0; t < options.server_threads; ++t) servers_.emplace_back([this] { serve(); });
  } catch (...) {
    shut_down();
    throw;
  }
}

BatchingEvaluator::~BatchingEvaluator() { shut_down(); }

void BatchingEvaluator::shut_down() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_ = true;
    server_cv_.notify_all();  // a server waiting for a batch to fill runs it now
    idle_cv_.wait(lock, [this] { return callers_ == 0; });
    // Every queued item belongs to a caller, so the queue is empty now.
    exit_ = true;
    server_cv_.notify_all();
  }
  for (std::thread& t : servers_)
    if (t.joinable()) t.join();
}

void BatchingEvaluator::finish_call() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--callers_ == 0 && stopping_) idle_cv_.notify_all();
}

BatchingStats BatchingEvaluator::stats() const {
  BatchingStats s;
  s.evaluations = evaluations_.load();
  s.cache_hits = cache_hits_.load();
  s.backend_queries = backend_queries_.load();
  s.batches = batches_.load();
  s.full_batches = full_batches_.load();
  s.partial_batches = partial_batches_.load();
  s.failed_batches = failed_batches_.load();
  return s;
}

size_t BatchingEvaluator::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void BatchingEvaluator::evaluate(const std::vector<EvalQuery>& queries,
                                 std::vector<EvalResult>& results) const {
  results.resize(queries.size());
  if (queries.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_)
      throw std::logic_error("BatchingEvaluator(" + name_ + "): evaluate() while it is being destroyed");
    ++callers_;
  }
  // From here on the destructor waits for this call: leave() is the call's last touch of `this`.
  struct Leave {
    const BatchingEvaluator* self;
    ~Leave() { self->finish_call(); }
  } leave{this};
  evaluations_ += static_cast<int64_t>(queries.size());

  Call call;
  std::vector<Miss> misses;
  for (size_t i = 0; i < queries.size(); ++i) {
    const EvalQuery& q = queries[i];
    if (q.position == nullptr) throw std::invalid_argument("BatchingEvaluator: a query without a position");
    Miss m;
    m.query = i;
    if (cache_) {
      m.key = eval_cache_key(q, history_wanted_);
      if (cache_->lookup(m.key, q.want_ownership, results[i])) {
        ++cache_hits_;
        continue;
      }
    }
    m.first = call.items.size();
    switch (options_.symmetry) {
      case SymmetryMode::kNone:
        call.items.push_back(q);
        break;
      case SymmetryMode::kSample:
        m.symmetry = sampled_symmetry(q.seed);
        call.items.push_back(m.symmetry == 0 ? q : transform_query(q, m.symmetry, call.transformed));
        break;
      case SymmetryMode::kAverage:
        m.count = go::kNumSymmetries;
        for (int s = 0; s < go::kNumSymmetries; ++s)
          call.items.push_back(s == 0 ? q : transform_query(q, s, call.transformed));
        break;
    }
    misses.push_back(m);
  }
  if (misses.empty()) return;

  call.item_results.resize(call.items.size());
  call.remaining = call.items.size();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    const bool was_empty = queue_.empty();
    const Clock::time_point now = Clock::now();
    for (size_t k = 0; k < call.items.size(); ++k) queue_.push_back(Item{&call, k, now});
    // Wake the servers when there is work for an idle one or a batch is full; otherwise
    // the server already waiting for the oldest query's deadline takes these too.
    if (was_empty || queue_.size() >= max_batch_) server_cv_.notify_all();
    call.done.wait(lock, [&call] { return call.remaining == 0; });
  }
  if (call.error) std::rethrow_exception(call.error);

  for (const Miss& m : misses) {
    const EvalQuery& q = queries[m.query];
    EvalResult& out = results[m.query];
    const int size = q.position->size();
    switch (options_.symmetry) {
      case SymmetryMode::kNone:
        out = std::move(call.item_results[m.first]);
        break;
      case SymmetryMode::kSample:
        out = std::move(call.item_results[m.first]);
        map_result_back(m.symmetry, size, out);
        break;
      case SymmetryMode::kAverage: {
        std::vector<EvalResult> group;
        for (int s = 0; s < m.count; ++s) {
          group.push_back(std::move(call.item_results[m.first + static_cast<size_t>(s)]));
          map_result_back(s, size, group.back());
        }
        out = average_results(group);
        break;
      }
    }
    // EvalResult's contract: ownership only where asked, whatever the backend sends.
    if (!q.want_ownership) out.ownership.clear();
    if (cache_) cache_->insert(m.key, out);
  }
}

void BatchingEvaluator::serve() {
  std::vector<Item> taken;
  std::vector<EvalQuery> batch;
  std::vector<EvalResult> results;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    server_cv_.wait(lock, [this] { return exit_ || !queue_.empty(); });
    if (queue_.empty()) return;  // exit_
    // Wait for a full batch until the oldest query's deadline (while stopping, run now).
    while (!stopping_ && !queue_.empty() && queue_.size() < max_batch_) {
      const Clock::time_point due = queue_.front().enqueued + deadline_;
      if (Clock::now() >= due) break;
      server_cv_.wait_until(lock, due);
    }
    if (queue_.empty()) continue;  // another server took them
    const size_t n = std::min(queue_.size(), max_batch_);
    taken.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();

    // The items and their calls stay put until we report them done below.
    batch.resize(n);
    for (size_t i = 0; i < n; ++i) batch[i] = taken[i].call->items[taken[i].index];
    std::exception_ptr error;
    try {
      backend_->run(batch, results);
      if (results.size() != n)
        throw std::runtime_error("backend '" + name_ + "' returned " + std::to_string(results.size()) +
                                 " results for a batch of " + std::to_string(n));
    } catch (...) {
      error = std::current_exception();
    }
    if (!error)
      for (size_t i = 0; i < n; ++i) taken[i].call->item_results[taken[i].index] = std::move(results[i]);
    ++batches_;
    backend_queries_ += static_cast<int64_t>(n);
    ++(n == max_batch_ ? full_batches_ : partial_batches_);
    if (error) ++failed_batches_;

    lock.lock();
    for (const Item& item : taken) {
      Call& call = *item.call;
      if (error && !call.error) call.error = copy_for_caller(error, name_);
      // Notified under the lock: the caller cannot wake, return and destroy `call` before
      // we are done with it.
      if (--call.remaining == 0) call.done.notify_one();
    }
  }
}

}  // namespace traceplay::search
