#include "apps/train_launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/signals.h"

namespace traceplay::apps {

namespace {

// A port that was free a moment ago (the kernel's pick for port 0 on loopback).
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

std::vector<std::string> own_arguments_without_nproc() {
  const std::string raw = read_file("/proc/self/cmdline");
  std::vector<std::string> args;
  for (size_t begin = 0; begin < raw.size();) {
    const size_t end = raw.find('\0', begin);
    args.push_back(raw.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--nproc") {
      ++i;  // and its value
      continue;
    }
    if (args[i].rfind("--nproc=", 0) == 0) continue;
    out.push_back(args[i]);
  }
  return out;
}

int launch_ranks(int nproc, const std::vector<std::string>& arguments) {
  install_stop_handlers();
  const std::string master = "127.0.0.1:" + std::to_string(free_loopback_port());
  std::vector<pid_t> pids(static_cast<size_t>(nproc), -1);
  std::vector<int> codes(static_cast<size_t>(nproc), -1);
  for (int rank = 0; rank < nproc; ++rank) {
    std::vector<std::string> args = arguments;
    args.insert(args.end(),
                {"--world-size", std::to_string(nproc), "--rank", std::to_string(rank), "--master", master});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork() failed");
    if (pid == 0) {
      ::execv("/proc/self/exe", argv.data());
      std::perror("traceplay train: exec");
      ::_exit(127);
    }
    pids[static_cast<size_t>(rank)] = pid;
  }

  // Wait for every rank; forward a stop request once; when a rank fails, stop the rest.
  bool forwarded = false, failed = false;
  int first_failure = -1, running = nproc;
  auto stop_others = [&](int signal) {
    for (int r = 0; r < nproc; ++r)
      if (codes[static_cast<size_t>(r)] < 0) ::kill(pids[static_cast<size_t>(r)], signal);
  };
  auto failed_since = std::chrono::steady_clock::now();
  while (running > 0) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (int r = 0; r < nproc; ++r) {
        if (pids[static_cast<size_t>(r)] != pid) continue;
        codes[static_cast<size_t>(r)] = exit_code_of(status);
        --running;
        const int code = codes[static_cast<size_t>(r)];
        const bool stop_exit =
            (forwarded || stop_requested()) && (code == kExitSigint || code == kExitSigterm);
        if (code != 0 && !stop_exit && !failed) {
          failed = true;
          first_failure = r;
          failed_since = std::chrono::steady_clock::now();
          if (running > 0)
            std::fprintf(stderr, "traceplay train: rank %d failed (exit code %d); stopping the other ranks\n",
                         r, code);
          stop_others(SIGTERM);
        }
      }
      continue;
    }
    if (stop_requested() && !forwarded) {
      forwarded = true;
      stop_others(stop_signal());
    }
    // Ranks blocked in a collective with a dead peer may not see SIGTERM's flag soon.
    if (failed && std::chrono::steady_clock::now() - failed_since > std::chrono::seconds(10))
      stop_others(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (failed) return codes[static_cast<size_t>(first_failure)];
  return codes[0];
}

}  // namespace traceplay::apps
