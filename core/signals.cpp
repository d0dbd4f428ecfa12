#include "core/signals.h"

#include <csignal>

#include "core/error.h"

namespace traceplay {

namespace {
volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_stop_signal(int signal) { g_signal = signal; }
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

void clear_stop_signal() { g_signal = 0; }

}  // namespace traceplay
