// A child process spoken to over pipes: the transport under the GTP client.
//
// The command runs as `/bin/sh -c COMMAND` (so it is split, quoted and expanded exactly
// as a shell would; it is the user's own command line), in a process group of its own,
// so that stop() also reaches whatever the shell or the engine started. stdin/stdout
// are pipes; stderr goes to a log file (appended) or to /dev/null, never to our stdout.
// All pipe ends are close-on-exec, so one engine never holds another's pipes open.
// Writing to an engine that has exited gives an error, not SIGPIPE (SIGPIPE is ignored
// process-wide once an EngineProcess is made).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace traceplay::match {

class EngineProcess {
 public:
  using Clock = std::chrono::steady_clock;
  enum class ReadStatus { kOk, kTimeout, kClosed };

  // Throws std::runtime_error when the pipes or the fork fail (not when the command
  // does not exist: the shell then exits 127, which the first read sees as kClosed).
  EngineProcess(const std::string& command, const std::string& stderr_path);
  ~EngineProcess();  // stop() with a short grace
  EngineProcess(const EngineProcess&) = delete;
  EngineProcess& operator=(const EngineProcess&) = delete;

  // Writes all of `bytes`; false when the engine no longer reads its input.
  bool write(std::string_view bytes);
  // Reads until the buffered output holds `delimiter`, then moves everything up to and
  // including it into `out`. Carriage returns are dropped as they arrive (GTP lines end
  // in LF; some engines send CRLF). kClosed: the engine closed its output (exited).
  ReadStatus read_until(std::string_view delimiter, Clock::time_point deadline, std::string& out);

  // Closes the engine's input, waits up to `grace` for it to exit, then kills its
  // process group (SIGKILL) and reaps it. Idempotent.
  void stop(std::chrono::milliseconds grace);
  bool stopped() const { return pid_ < 0; }
  // How the process ended ("exit 0", "signal 9"), once stopped or seen to exit.
  const std::string& exit_description() const { return exit_description_; }
  // Reaps the process if it has already exited (without waiting); true if it has.
  bool reap_if_exited();

 private:
  void record_status(int status);

  pid_t pid_ = -1;
  int to_engine_ = -1;    // write end of the engine's stdin
  int from_engine_ = -1;  // read end of the engine's stdout
  std::string buffer_;
  std::string exit_description_;
};

}  // namespace traceplay::match
