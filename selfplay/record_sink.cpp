#include "selfplay/record_sink.h"

#include <stdexcept>

namespace traceplay::selfplay {

GameQueue::GameQueue(size_t capacity) : capacity_(capacity) {
  if (capacity == 0) throw std::invalid_argument("GameQueue: capacity must be at least 1");
}

bool GameQueue::put(SelfPlayGame game) {
  std::unique_lock<std::mutex> lock(mutex_);
  not_full_.wait(lock, [&] { return closed_ || games_.size() < capacity_; });
  if (closed_) return false;
  games_.push_back(std::move(game));
  ++puts_;
  lock.unlock();
  not_empty_.notify_one();
  return true;
}

std::optional<SelfPlayGame> GameQueue::take(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!not_empty_.wait_for(lock, timeout, [&] { return closed_ || !games_.empty(); })) return std::nullopt;
  if (games_.empty()) return std::nullopt;  // closed and drained
  SelfPlayGame game = std::move(games_.front());
  games_.pop_front();
  ++takes_;
  lock.unlock();
  not_full_.notify_one();
  return game;
}

void GameQueue::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  not_full_.notify_all();
  not_empty_.notify_all();
}

size_t GameQueue::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return games_.size();
}

bool GameQueue::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

uint64_t GameQueue::put_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return puts_;
}

uint64_t GameQueue::take_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return takes_;
}

}  // namespace traceplay::selfplay
