#include "apps/match/engine_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace traceplay::match {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

EngineProcess::EngineProcess(const std::string& command, const std::string& stderr_path) {
  ::signal(SIGPIPE, SIG_IGN);
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  const int err_fd = stderr_path.empty()
                         ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                         : ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (err_fd < 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) ::close(fd);
    throw std::runtime_error("cannot open " + (stderr_path.empty() ? std::string("/dev/null") : stderr_path) +
                             ": " + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_fd}) ::close(fd);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_fd, 2);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Also set the group from the parent, so that stop() can reach it even if the child
  // has not run yet.
  ::setpgid(pid, pid);
  pid_ = pid;
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_fd);
  to_engine_ = in_pipe[1];
  from_engine_ = out_pipe[0];
}

EngineProcess::~EngineProcess() { stop(std::chrono::milliseconds(500)); }

bool EngineProcess::write(std::string_view bytes) {
  while (!bytes.empty()) {
    if (to_engine_ < 0) return false;
    const ssize_t n = ::write(to_engine_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;  // EPIPE: the engine has exited
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

EngineProcess::ReadStatus EngineProcess::read_until(std::string_view delimiter, Clock::time_point deadline,
                                                    std::string& out) {
  for (;;) {
    const size_t at = buffer_.find(delimiter);
    if (at != std::string::npos) {
      out = buffer_.substr(0, at + delimiter.size());
      buffer_.erase(0, at + delimiter.size());
      return ReadStatus::kOk;
    }
    if (from_engine_ < 0) return ReadStatus::kClosed;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return ReadStatus::kTimeout;
    pollfd p{from_engine_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return ReadStatus::kClosed;
    }
    if (ready == 0) continue;  // the deadline check above ends the wait
    char chunk[4096];
    const ssize_t n = ::read(from_engine_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close_fd(from_engine_);
      continue;  // a final delimiter may still be in the buffer
    }
    for (ssize_t i = 0; i < n; ++i)
      if (chunk[i] != '\r') buffer_ += chunk[i];
  }
}

void EngineProcess::record_status(int status) {
  if (WIFEXITED(status)) exit_description_ = "exit " + std::to_string(WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) exit_description_ = "signal " + std::to_string(WTERMSIG(status));
}

bool EngineProcess::reap_if_exited() {
  if (pid_ < 0) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    record_status(status);
    // Whatever the engine left running in its group goes with it.
    ::kill(-pid_, SIGKILL);
    pid_ = -1;
    return true;
  }
  return false;
}

void EngineProcess::stop(std::chrono::milliseconds grace) {
  close_fd(to_engine_);
  if (pid_ >= 0) {
    const auto deadline = Clock::now() + grace;
    while (!reap_if_exited() && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (pid_ >= 0) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      record_status(status);
      pid_ = -1;
    }
  }
  close_fd(from_engine_);
}

}  // namespace traceplay::match
