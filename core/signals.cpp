#include "core/signals.h"

#include <csignal>

#include "core/error.h"

namespace traceplay {

namespace {
// Atomics, not `volatile sig_atomic_t`: the handler may run on any thread (a worker's
// raise(), or wherever the kernel delivers the signal) while another reads the flags;
// lock-free atomics are async-signal-safe and free of data races (ThreadSanitizer found
// the volatile one racing).
std::atomic<int> g_signal{0};
std::atomic<bool> g_stop{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);
extern "C" void on_stop_signal(int signal) {
  g_signal.store(signal, std::memory_order_relaxed);
  g_stop.store(true, std::memory_order_relaxed);
}
}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_signal.load(std::memory_order_relaxed); }

int stop_exit_code() { return stop_signal() == SIGTERM ? kExitSigterm : kExitSigint; }

const std::atomic<bool>& stop_flag() { return g_stop; }

void clear_stop_signal() {
  g_signal = 0;
  g_stop = false;
}

}  // namespace traceplay
