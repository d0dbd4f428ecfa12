// `traceplay bench startup`: each case is one short command line, spawned (posix_spawn) and
// waited for, alternately through `traceplay` and through `traceplay-torch`; the figure is
// the median wall time in milliseconds over the runs (after one unmeasured warm-up run of
// each, so that both read their libraries from the page cache). Standard output and error
// go to /dev/null; a command that does not exit 0 stops the benchmark with its name.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/startup_bench.h"
#include "bench/temp_dir.h"
#include "core/error.h"

extern char** environ;

namespace traceplay::bench {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct StartupCase {
  std::string name;
  std::vector<std::string> args;  // after the program
  std::string stdin_path;         // "" reads /dev/null
};

std::string command_text(const std::string& program, const std::vector<std::string>& args) {
  std::string text = fs::path(program).filename().string();
  for (const auto& arg : args) text += " " + arg;
  return text;
}

// Runs `program args` to its end; returns its wall time in seconds. Throws naming the
// command when it cannot start or does not exit 0.
double run_once(const std::string& program, const StartupCase& c) {
  std::vector<std::string> words{program};
  words.insert(words.end(), c.args.begin(), c.args.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string input = c.stdin_path.empty() ? "/dev/null" : c.stdin_path;
  posix_spawn_file_actions_addopen(&actions, 0, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const auto start = Clock::now();
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw UserError("cannot run " + program + ": " + std::strerror(spawned));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid: " + std::string(std::strerror(errno)));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("`" + command_text(program, c.args) + "` did not exit 0 (wait status " +
                             std::to_string(status) + ")");
  return seconds;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// The inputs: a 10x10 maze task, a small maze dataset (made by `traceplay gen`, not
// timed) and a GTP session that asks one thing and quits.
std::vector<StartupCase> make_cases(const std::string& binary, const fs::path& dir) {
  const fs::path task = dir / "task.json";
  write_file(task,
             R"({"width": 10, "height": 10, "start": [0, 0], "goal": [9, 9], )"
             R"("walls": [[1, 0], [1, 1], [1, 2], [1, 3], [3, 9], [3, 8], [3, 7], [5, 2], [6, 6], [8, 8]]})");
  const fs::path dataset = dir / "maze";
  run_once(binary, {"gen",
                    {"gen", "--out", dataset.string(), "--domain", "maze", "--width", "9", "--height", "7",
                     "--count", "10", "--seed", "1", "--threads", "1"},
                    ""});
  const fs::path session = dir / "gtp.txt";
  write_file(session, "name\nquit\n");
  return {
      {"version", {"--version"}, ""},
      {"solve-maze-10x10", {"solve", "--domain", "maze", "--task", task.string()}, ""},
      {"inspect", {"inspect", dataset.string()}, ""},
      {"gtp-name-quit", {"gtp"}, session.string()},
      // A torch subcommand: traceplay hands it over, so both load LibTorch; the ratio is
      // the hand-over's cost.
      {"train-help", {"train", "--help"}, ""},
  };
}

}  // namespace

int run_startup_bench(const BenchOptions& options, const std::string& binary,
                      const std::string& peer_binary) {
  for (const auto& program : {binary, peer_binary})
    if (::access(program.c_str(), X_OK) != 0)
      throw UserError("bench startup needs " + program + ": " + std::strerror(errno));
  const int runs = options.quick ? 3 : 11;
  TempDir dir("startup");
  for (const StartupCase& c : make_cases(binary, dir.path())) {
    run_once(binary, c);
    run_once(peer_binary, c);
    std::vector<double> ours, peer;
    for (int i = 0; i < runs; ++i) {  // alternated: a load change hits both sides alike
      ours.push_back(run_once(binary, c) * 1e3);
      peer.push_back(run_once(peer_binary, c) * 1e3);
    }
    const double value = median(ours), peer_value = median(peer);
    const nlohmann::json line{{"bench", "startup"},
                              {"case", c.name},
                              {"threads", 1},
                              {"value", value},
                              {"unit", "ms"},
                              {"command", command_text(binary, c.args)},
                              {"runs", runs},
                              {"min", *std::min_element(ours.begin(), ours.end())},
                              {"peer", fs::path(peer_binary).filename().string()},
                              {"peer_value", peer_value},
                              {"peer_min", *std::min_element(peer.begin(), peer.end())},
                              {"ratio", value / peer_value}};
    std::printf("%s\n", line.dump().c_str());
    std::fflush(stdout);
  }
  return kExitOk;
}

}  // namespace traceplay::bench
