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

// Limits on what a GTP client sends (DESIGN.md, "Limits on untrusted input"): real
// commands are a few dozen bytes (set_free_handicap on 25x25, the longest, a few KB), so
// a line beyond kMaxGtpLineBytes is refused with one `?` reply, and the reader holds
// at most kMaxQueuedGtpBytes of lines the engine has not taken yet (then it stops
// reading, and the client's writes block): a connection costs bounded memory whatever
// it sends.
constexpr size_t kMaxGtpLineBytes = 64 * 1024;
constexpr size_t kMaxQueuedGtpBytes = 1024 * 1024;

// One input line: its bytes without the LF, or, for a line whose command part ran past
// the limit (`cut`), its first bytes only (enough for the id of the refusal).
struct InputLine {
  std::string text;
  bool cut = false;
};

class LineQueue {
 public:
  explicit LineQueue(size_t max_queued_bytes = kMaxQueuedGtpBytes) : max_bytes_(max_queued_bytes) {}
  // Blocks while the queue holds max_queued_bytes (one line is always taken); after
  // close() a line is dropped.
  void push(InputLine line);
  void push(std::string line) { push(InputLine{std::move(line), false}); }
  void close();  // no more input, or no more reading: a blocked push returns
  // Blocks until a line is there (returned) or the input has ended (nullopt).
  std::optional<InputLine> pop();
  bool pending() const;  // a line waits, or the input has ended

 private:
  size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<InputLine> lines_;
  size_t bytes_ = 0;  // of the lines in the queue
  bool closed_ = false;
};

// Splits a byte stream into lines (LF-terminated; a last unterminated line counts).
// A line longer than max_line_bytes keeps only its first max_line_bytes (the rest up to
// LF is dropped, so a hostile client cannot exhaust memory). It is `cut` when what was
// dropped held command text (not only spaces, control characters or a `#` comment):
// such a line gets a `?` reply instead of being executed in part.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line_bytes = kMaxGtpLineBytes) : max_(max_line_bytes) {}
  void feed(const char* data, size_t n, const std::function<void(InputLine)>& line);
  void finish(const std::function<void(InputLine)>& line);  // end of input

 private:
  void end_line(const std::function<void(InputLine)>& line);

  size_t max_;
  std::string partial_;
  bool comment_ = false;  // a '#' came: the rest of the line is a comment
  bool cut_ = false;      // command text was dropped
};

// Reads with `read` (returns bytes read, 0 at end of input) into `queue` until the input
// ends; then closes the queue.
void pump_lines(const std::function<size_t(char*, size_t)>& read, LineQueue& queue);

// Executes queued lines on `engine` until quit or the end of input.
void run_session(Engine& engine, LineQueue& queue, const std::function<void(const std::string&)>& write);

}  // namespace traceplay::gtp
