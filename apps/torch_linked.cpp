// traceplay-torch's side of apps/torch_commands.h: it links LibTorch (models/), so it runs
// every command itself.
#include <stdexcept>
#include <string>

#include "apps/commands.h"
#include "apps/torch_commands.h"
#include "bench/model_bench.h"

namespace traceplay::apps {

void add_torch_command(CLI::App& app, const TorchCommand& command, int& exit_code) {
  const std::string name = command.name;
  if (name == "run") add_run_command(app, exit_code);
  else if (name == "eval") add_eval_command(app, exit_code);
  else if (name == "train") add_train_command(app, exit_code);
  else if (name == "bootstrap") add_bootstrap_command(app, exit_code);
  else if (name == "selfplay") add_selfplay_command(app, exit_code);
  else throw std::logic_error("torch subcommand without a command: " + name);
}

void hand_over_to_torch_binary() {}

int run_model_bench(std::string_view name, const bench::BenchOptions& options) {
  if (name == "train") return bench::run_train_bench(options);
  if (name == "decode") return bench::run_decode_bench(options);
  if (name == "selfplay") return bench::run_selfplay_bench(options);
  throw std::logic_error("not a model benchmark: " + std::string(name));
}

}  // namespace traceplay::apps
