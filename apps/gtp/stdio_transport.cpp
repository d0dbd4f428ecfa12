#include "apps/gtp/stdio_transport.h"

#include <cerrno>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "apps/gtp/session.h"

namespace traceplay::gtp {

void serve_stdio(Engine& engine) {
  // The queue outlives this call: after `quit` the reader may still be blocked in read(),
  // and it is detached rather than joined (the process ends right after).
  static LineQueue queue;
  std::thread reader([] {
    pump_lines(
        [](char* buffer, size_t size) -> size_t {
          for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, buffer, size);
            if (n >= 0) return static_cast<size_t>(n);
            if (errno != EINTR) return 0;
          }
        },
        queue);
  });
  reader.detach();
  std::mutex mutex;
  run_session(engine, queue, [&mutex](const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  });
}

}  // namespace traceplay::gtp
