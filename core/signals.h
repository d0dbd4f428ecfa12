// Cooperative interruption: SIGINT/SIGTERM set a flag that long work polls between
// units (a shard, a checkpoint), so it can save what is done and exit 130/143.
#pragma once

#include <atomic>

namespace traceplay {

// Installs handlers for SIGINT and SIGTERM (idempotent).
void install_stop_handlers();
// 0 when no stop was requested, else the signal number.
int stop_signal();
inline bool stop_requested() { return stop_signal() != 0; }
// The exit code for the received signal (130 for SIGINT, 143 for SIGTERM).
int stop_exit_code();
// The same request as an atomic flag, for code that polls one (AStarOptions::stop).
const std::atomic<bool>& stop_flag();
// For tests: forget a received signal.
void clear_stop_signal();

}  // namespace traceplay
