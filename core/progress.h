// A progress line for long work: redrawn in place on a terminal, plain periodic log
// lines otherwise (DESIGN.md). Writes to stderr so stdout stays machine-readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace traceplay {

class Progress {
 public:
  Progress(std::string label, uint64_t total, std::string unit);
  // Reports `done` units finished; draws at most every 0.2 s (terminal) or 10 s (log).
  void update(uint64_t done);
  // Draws the final state and ends the line.
  void finish();

 private:
  void draw(bool final_line);

  std::string label_, unit_;
  uint64_t total_, done_ = 0;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace traceplay
