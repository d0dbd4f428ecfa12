#include "apps/torch_commands.h"

#include <stdexcept>

namespace traceplay::apps {

namespace {

// A torch-free subcommand that needs LibTorch when given this option.
struct TorchOption {
  const char* command;
  const char* option;  // a long option: matches "--x" and "--x=VALUE"
};

// gtp plays with the light-playout MCTS bot, torch-free; an engine asked to play with a
// Go net (--model, apps/model_evaluator.h) starts in traceplay-torch.
const TorchOption kTorchOptions[] = {
    {"gtp", "--model"},
};

bool names_option(std::string_view word, std::string_view option) {
  return word == option || (word.size() > option.size() && word.substr(0, option.size()) == option &&
                            word[option.size()] == '=');
}

char** g_argv = nullptr;

}  // namespace

const std::vector<TorchCommand>& torch_commands() {
  static const std::vector<TorchCommand> commands{
      {"run", "Run a whole experiment from a TOML config (resumable)"},
      {"eval", "Sample responses with a checkpoint, replay every plan, print the paper's metrics"},
      {"train", "Train an encoder-decoder transformer on a trace dataset"},
      {"bootstrap",
       "One bootstrapping step: sample training prompts, keep the shortest optimal traces, write a dataset"},
      {"selfplay", "Go self-play and learning from a TOML config: versions, games, progress (resumable)"},
  };
  return commands;
}

const TorchCommand& torch_command(std::string_view name) {
  for (const TorchCommand& command : torch_commands())
    if (name == command.name) return command;
  throw std::logic_error("not a torch subcommand: " + std::string(name));
}

bool is_torch_bench(std::string_view name) {
  return name == "train" || name == "decode" || name == "selfplay";
}

bool command_line_needs_torch(int argc, char** argv) {
  // The first word that is not an option names the subcommand (main.cpp: the main
  // command's only options take no value); the words after it are its arguments.
  int i = 1;
  while (i < argc && argv[i][0] == '-' && std::string_view(argv[i]) != "--") ++i;
  if (i < argc && std::string_view(argv[i]) == "--") ++i;
  if (i >= argc) return false;
  const std::string_view command = argv[i];
  for (const TorchCommand& torch : torch_commands())
    if (command == torch.name) return true;
  for (const TorchOption& torch : kTorchOptions) {
    if (command != torch.command) continue;
    for (int j = i + 1; j < argc && std::string_view(argv[j]) != "--"; ++j)
      if (names_option(argv[j], torch.option)) return true;
  }
  return false;
}

void keep_command_line(char** argv) { g_argv = argv; }

char** kept_command_line() {
  if (g_argv == nullptr) throw std::logic_error("keep_command_line was not called");
  return g_argv;
}

}  // namespace traceplay::apps
