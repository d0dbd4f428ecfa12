#include "apps/gtp/session.h"

namespace traceplay::gtp {

void LineQueue::push(std::string line) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(std::move(line));
  }
  ready_.notify_all();
}

void LineQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::optional<std::string> LineQueue::pop() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return !lines_.empty() || closed_; });
  if (lines_.empty()) return std::nullopt;
  std::string line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

bool LineQueue::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !lines_.empty() || closed_;
}

void LineSplitter::feed(const char* data, size_t n, const std::function<void(std::string)>& line) {
  for (size_t i = 0; i < n; ++i) {
    const char c = data[i];
    if (c == '\n') {
      line(std::move(partial_));
      partial_.clear();
      overflowed_ = false;
    } else if (partial_.size() < max_) {
      if (!overflowed_) partial_.push_back(c);
    } else {
      overflowed_ = true;
    }
  }
}

void LineSplitter::finish(const std::function<void(std::string)>& line) {
  if (!partial_.empty()) line(std::move(partial_));
  partial_.clear();
  overflowed_ = false;
}

void pump_lines(const std::function<size_t(char*, size_t)>& read, LineQueue& queue) {
  LineSplitter splitter;
  auto push = [&queue](std::string line) { queue.push(std::move(line)); };
  char buffer[4096];
  for (;;) {
    const size_t n = read(buffer, sizeof buffer);
    if (n == 0) break;
    splitter.feed(buffer, n, push);
  }
  splitter.finish(push);
  queue.close();
}

void run_session(Engine& engine, LineQueue& queue, const std::function<void(const std::string&)>& write) {
  Channel channel{write, [&queue] { return queue.pending(); }};
  while (auto line = queue.pop()) {
    if (!engine.execute(*line, channel)) break;
  }
}

}  // namespace traceplay::gtp
