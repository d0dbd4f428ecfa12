#include "core/signals.h"

#include <csignal>

#include "core/error.h"

namespace traceplay {

namespace {
volatile std::sig_atomic_t g_signal = 0;
std::atomic<bool> g_stop{false};  // lock-free, so setting it is async-signal-safe
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void on_stop_signal(int signal) {
  g_signal = signal;
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

int stop_signal() { return g_signal; }

int stop_exit_code() { return g_signal == SIGTERM ? kExitSigterm : kExitSigint; }

const std::atomic<bool>& stop_flag() { return g_stop; }

void clear_stop_signal() {
  g_signal = 0;
  g_stop = false;
}

}  // namespace traceplay
