// Actor -> learner: where finished self-play games go. Self-play logic talks only to this
// interface (and to model_source.h the other way), so the one-machine default and a
// distributed run are the same code over another transport: today the in-process
// GameQueue; the distributed issue puts ZeroMQ under the same interface.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "selfplay/selfplay_game.h"

namespace traceplay::selfplay {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Hands one finished game over. May block while the learner is behind (backpressure:
  // an actor never buffers without bound). Returns false when the sink is closed (the
  // run is stopping): the game was not taken and the caller may keep or drop it.
  virtual bool put(SelfPlayGame game) = 0;
};

// The in-process channel: a bounded FIFO. Actor threads put, the learner takes.
class GameQueue final : public RecordSink {
 public:
  // Throws std::invalid_argument when capacity is 0.
  explicit GameQueue(size_t capacity);

  bool put(SelfPlayGame game) override;
  // The oldest game, waiting up to `timeout` for one; nullopt on timeout, or at once
  // when the queue is closed and empty.
  std::optional<SelfPlayGame> take(std::chrono::milliseconds timeout);
  // After close(), put() returns false (blocked puts wake up and return false) and take()
  // drains what is left. Idempotent.
  void close();

  size_t size() const;
  bool closed() const;
  // Games accepted by put() and handed out by take() since construction.
  uint64_t put_count() const;
  uint64_t take_count() const;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<SelfPlayGame> games_;
  bool closed_ = false;
  uint64_t puts_ = 0, takes_ = 0;
};

}  // namespace traceplay::selfplay
