// traceplay's side of apps/torch_commands.h: it links no LibTorch, so every command line
// that needs torch is handed over to traceplay-torch by execv(): the same process (pid,
// standard streams, signal dispositions reset to default as at any start), the same argv,
// and traceplay-torch's own exit code, help texts and messages.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "apps/model_evaluator.h"
#include "apps/sibling_binary.h"
#include "apps/torch_commands.h"
#include "core/error.h"

namespace traceplay::apps {

void add_torch_command(CLI::App& app, const TorchCommand& command, int& exit_code) {
  // Only --help lists it: main hands a command line naming it over before parsing. Should
  // parsing ever reach it, its arguments go along unparsed and it is handed over all the same.
  auto* cmd = app.add_subcommand(command.name, command.summary);
  cmd->allow_extras();
  cmd->callback([] { hand_over_to_torch_binary(); });
}

void hand_over_to_torch_binary() {
  char** argv = kept_command_line();
  const std::string path = sibling_binary(kTorchBinaryName);
  // Nothing is buffered yet on the usual paths; a flush keeps it so on any other.
  std::fflush(stdout);
  std::fflush(stderr);
  ::execv(path.c_str(), argv);
  const int error = errno;
  throw UserError(std::string("this command needs LibTorch, which only ") + kTorchBinaryName +
                  " links, and " + path + " cannot be run: " + std::strerror(error) + " (build the target " +
                  kTorchBinaryName + "; it must lie beside traceplay)");
}

int run_model_bench(std::string_view name, const bench::BenchOptions& options) {
  hand_over_to_torch_binary();  // returns only by throwing
  return kExitFailure;
}

ModelEvaluator load_model_evaluator(const std::string& dir, const std::string&) {
  // main() hands a `gtp --model` command line over before parsing it (torch_commands.cpp).
  throw std::logic_error("gtp --model reached traceplay, which links no LibTorch: " + dir);
}

}  // namespace traceplay::apps
