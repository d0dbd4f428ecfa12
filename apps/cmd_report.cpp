// traceplay report RUN_DIR [--out DIR]: an HTML page with PNG figures beside it for a run
// directory (DESIGN.md, "Interfaces": Python [7]). The report is Python + matplotlib
// (python/report/, run by Debian's /usr/bin/python3): this command checks that both are
// there and execs the interpreter on that folder with the same arguments, so the exit
// code (2 for bad input, one line), messages and signals are the generator's own. No
// LibTorch: it runs in `traceplay` and starts in milliseconds.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/commands.h"
#include "core/error.h"

namespace traceplay::apps {

namespace {

constexpr const char* kPython = "/usr/bin/python3";

// The generator's folder: TRACEPLAY_REPORT_DIR in the environment, else the source
// tree's python/report/ this binary was built from (apps/CMakeLists.txt passes it in, as
// it passes the shared data folder), so a build finds the generator of its own checkout.
std::string report_dir() {
  if (const char* dir = std::getenv("TRACEPLAY_REPORT_DIR"); dir && *dir) return dir;
  return TRACEPLAY_REPORT_SOURCE_DIR;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("report", "write an HTML report with figures for a run directory (run or selfplay)");
  auto run_dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  cmd->add_option("RUN_DIR", *run_dir,
                  "a run directory: runs/<name> of `traceplay run` or of `traceplay selfplay`")
      ->required();
  cmd->add_option(
      "--out", *out,
      "the folder for report.html (its figures embedded) and the figures' PNGs (default RUN_DIR/report)");
  cmd->callback([run_dir, out, &exit_code] {
    const std::string dir = report_dir();
    const std::string main_file = dir + "/__main__.py";
    if (::access(kPython, X_OK) != 0)
      throw UserError(std::string("report needs Debian's ") + kPython +
                      " (scripts/bootstrap-deps installs it)");
    if (::access(main_file.c_str(), R_OK) != 0)
      throw UserError("report generator not found: " + main_file +
                      " (set TRACEPLAY_REPORT_DIR to python/report)");
    std::vector<std::string> args{kPython, dir};
    if (!out->empty()) args.insert(args.end(), {"--out", *out});
    args.insert(args.end(), {"--", *run_dir});  // a RUN_DIR that starts with '-' is still a path
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(nullptr);
    ::execv(kPython, argv.data());
    exit_code = kExitBadInput;
    throw UserError(std::string("cannot start ") + kPython + ": " + std::strerror(errno));
  });
}

}  // namespace traceplay::apps
