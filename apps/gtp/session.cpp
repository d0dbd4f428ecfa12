#include "apps/gtp/session.h"

namespace traceplay::gtp {

void LineQueue::push(InputLine line) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [this] { return closed_ || lines_.empty() || bytes_ < max_bytes_; });
    if (closed_) return;
    bytes_ += line.text.size();
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
  space_.notify_all();
}

std::optional<InputLine> LineQueue::pop() {
  std::optional<InputLine> line;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return !lines_.empty() || closed_; });
    if (lines_.empty()) return std::nullopt;
    line = std::move(lines_.front());
    lines_.pop_front();
    bytes_ -= line->text.size();
  }
  space_.notify_all();
  return line;
}

bool LineQueue::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !lines_.empty() || closed_;
}

namespace {
// What GTP preprocessing drops or reads as a separator (preprocess.h): not command text.
bool is_blank_or_control(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b <= ' ' || b == 127;
}
}  // namespace

void LineSplitter::feed(const char* data, size_t n, const std::function<void(InputLine)>& line) {
  for (size_t i = 0; i < n; ++i) {
    const char c = data[i];
    if (c == '\n') {
      end_line(line);
      continue;
    }
    if (partial_.size() < max_) {
      partial_.push_back(c);
    } else if (!comment_ && !is_blank_or_control(c)) {
      cut_ = true;
    }
    if (c == '#') comment_ = true;
  }
}

void LineSplitter::end_line(const std::function<void(InputLine)>& line) {
  line(InputLine{std::move(partial_), cut_});
  partial_.clear();
  comment_ = false;
  cut_ = false;
}

void LineSplitter::finish(const std::function<void(InputLine)>& line) {
  if (!partial_.empty()) end_line(line);
}

void pump_lines(const std::function<size_t(char*, size_t)>& read, LineQueue& queue) {
  LineSplitter splitter;
  auto push = [&queue](InputLine line) { queue.push(std::move(line)); };
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
    if (line->cut) {
      engine.refuse_long_line(line->text, kMaxGtpLineBytes, channel);
    } else if (!engine.execute(line->text, channel)) {
      break;
    }
  }
  // After quit, nothing more is read: a reader blocked on a full queue goes on (and
  // drops what it reads) until its input ends.
  queue.close();
}

}  // namespace traceplay::gtp
