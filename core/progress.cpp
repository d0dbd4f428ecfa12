#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace traceplay {

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(::isatty(2) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(uint64_t done) {
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since >= (tty_ ? 0.2 : 10.0)) draw(false);
}

void Progress::finish() { draw(true); }

void Progress::draw(bool final_line) {
  const auto now = std::chrono::steady_clock::now();
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  const double eta = rate > 0 && total_ > done_ ? static_cast<double>(total_ - done_) / rate : 0.0;
  std::fprintf(stderr, "%s%s %llu/%llu %s  %.1f %s/s  %.0fs elapsed  ETA %.0fs%s", tty_ ? "\r\033[K" : "",
               label_.c_str(), static_cast<unsigned long long>(done_),
               static_cast<unsigned long long>(total_), unit_.c_str(), rate, unit_.c_str(), elapsed, eta,
               (tty_ && !final_line) ? "" : "\n");
  std::fflush(stderr);
}

}  // namespace traceplay
