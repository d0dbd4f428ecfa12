#include "core/prepared_layout.h"

#include <condition_variable>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/shard.h"
#include "core/signals.h"

namespace traceplay {

PreparedLayout prepare_layout(LayoutWorker& worker, uint64_t seed, uint64_t k) {
  PreparedLayout prepared;
  for (auto& record : worker.generate(seed, k)) {
    PreparedRecord p{record.id,           record.layout,     {}, record.prompt.size(),
                     record.trace.size(), record.plan.size()};
    append_record_json(p.line, record);
    prepared.push_back(std::move(p));
  }
  return prepared;
}

namespace {

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return at_ == bytes_.size(); }
  uint64_t u64() { return little_endian(8); }
  uint32_t u32() { return static_cast<uint32_t>(little_endian(4)); }
  std::string text(size_t n) {
    need(n);
    std::string s(bytes_.substr(at_, n));
    at_ += n;
    return s;
  }

 private:
  void need(size_t n) const {
    if (bytes_.size() - at_ < n)
      throw UserError("a layout's bytes end early (" + std::to_string(bytes_.size()) + " bytes)");
  }
  uint64_t little_endian(int n) {
    need(static_cast<size_t>(n));
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    at_ += static_cast<size_t>(n);
    return v;
  }
  std::string_view bytes_;
  size_t at_ = 0;
};

}  // namespace

std::string encode_layout(const PreparedLayout& layout) {
  std::string out;
  for (const auto& r : layout) {
    if (r.line.size() > UINT32_MAX) throw UserError("a record line over 4 GiB cannot be sent");
    put_u64(out, r.id);
    put_u64(out, r.layout);
    put_u64(out, r.prompt_length);
    put_u64(out, r.trace_length);
    put_u64(out, r.plan_length);
    put_u32(out, static_cast<uint32_t>(r.line.size()));
    out += r.line;
  }
  return out;
}

PreparedLayout decode_layout(std::string_view bytes) {
  PreparedLayout layout;
  Cursor c(bytes);
  while (!c.done()) {
    PreparedRecord r;
    r.id = c.u64();
    r.layout = c.u64();
    r.prompt_length = c.u64();
    r.trace_length = c.u64();
    r.plan_length = c.u64();
    r.line = c.text(c.u32());
    layout.push_back(std::move(r));
  }
  return layout;
}

namespace {

// Worker threads claim layouts first, first..limit-1 in order, never more than
// `window` ahead of the consumer, and park the results until take(k) asks for them.
// The results depend only on (seed, k), so the consumer sees the same sequence for
// any number of threads.
class ThreadProducer : public LayoutProducer {
 public:
  ThreadProducer(const TraceSource& source, const LayoutRange& range)
      : seed_(range.seed),
        next_(range.first),
        consumed_(range.first),
        limit_(range.limit),
        window_(2 * static_cast<uint64_t>(range.threads) + 2) {
    for (int t = 0; t < range.threads; ++t) {
      auto worker = source.make_worker();
      worker->set_stop(&stop_flag());
      threads_.emplace_back([this, w = std::move(worker)] { run(*w); });
    }
  }

  ~ThreadProducer() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    for (auto& t : threads_) t.join();
  }

  PreparedLayout take(uint64_t k) override {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return error_ || ready_.count(k) != 0; });
    if (error_) std::rethrow_exception(error_);
    PreparedLayout layout = std::move(ready_[k]);
    ready_.erase(k);
    consumed_ = k + 1;
    lock.unlock();
    changed_.notify_all();
    return layout;
  }

 private:
  void run(LayoutWorker& worker) {
    for (;;) {
      uint64_t k;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock,
                      [&] { return closing_ || error_ || next_ >= limit_ || next_ < consumed_ + window_; });
        if (closing_ || error_ || next_ >= limit_) return;
        k = next_++;
      }
      PreparedLayout prepared;
      try {
        prepared = prepare_layout(worker, seed_, k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
        changed_.notify_all();
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ready_.emplace(k, std::move(prepared));
      }
      changed_.notify_all();
    }
  }

  const uint64_t seed_;
  uint64_t next_, consumed_;
  const uint64_t limit_, window_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, PreparedLayout> ready_;
  std::exception_ptr error_;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

std::unique_ptr<LayoutProducer> make_thread_producer(const TraceSource& source, const LayoutRange& range) {
  return std::make_unique<ThreadProducer>(source, range);
}

}  // namespace traceplay
