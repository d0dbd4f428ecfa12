// One GTP conversation: a reader thread turns the input bytes into lines and queues them;
// the engine takes them one by one. While the engine runs an analysis, the queue tells it
// that a line is waiting (or the input ended), which stops the analysis; that line is
// then executed as usual. Used by both transports (stdio, TCP).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "apps/gtp/engine.h"

namespace traceplay::gtp {

class LineQueue {
 public:
  void push(std::string line);
  void close();  // no more input
  // Blocks until a line is there (returned) or the input has ended (nullopt).
  std::optional<std::string> pop();
  bool pending() const;  // a line waits, or the input has ended

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> lines_;
  bool closed_ = false;
};

// Splits a byte stream into lines (LF-terminated; a last unterminated line counts).
// A line longer than max_line_bytes is cut there (the rest up to LF is dropped), so a
// hostile client cannot exhaust memory; the cut line still gets its one response.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line_bytes = 64 * 1024) : max_(max_line_bytes) {}
  void feed(const char* data, size_t n, const std::function<void(std::string)>& line);
  void finish(const std::function<void(std::string)>& line);  // end of input

 private:
  size_t max_;
  std::string partial_;
  bool overflowed_ = false;
};

// Reads with `read` (returns bytes read, 0 at end of input) into `queue` until the input
// ends; then closes the queue.
void pump_lines(const std::function<size_t(char*, size_t)>& read, LineQueue& queue);

// Executes queued lines on `engine` until quit or the end of input.
void run_session(Engine& engine, LineQueue& queue, const std::function<void(const std::string&)>& write);

}  // namespace traceplay::gtp
