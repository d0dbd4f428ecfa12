// `traceplay bench astar|sokoban|train|decode|go|mcts|batching|selfplay|startup|transport`: benchmarks
// printing JSON lines (bench/). train, decode and selfplay measure models: traceplay hands them over to
// traceplay-torch (apps/torch_commands.h).
#include <string>

#include "apps/commands.h"
#include "apps/sibling_binary.h"
#include "apps/torch_commands.h"
#include "bench/bench.h"
#include "bench/startup_bench.h"
#include "bench/transport_bench.h"
#include "core/error.h"

namespace traceplay::apps {

void add_bench_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("bench", "Run a benchmark; prints one JSON object a line");
  auto options = std::make_shared<bench::BenchOptions>();
  auto name = std::make_shared<std::string>();
  options->data_dir = TRACEPLAY_DEFAULT_DATA_DIR;
  cmd->add_option("name", *name,
                  "astar | sokoban | train | decode | go | mcts | batching | selfplay | startup | transport")
      ->required()
      ->check(CLI::IsMember({"astar", "sokoban", "train", "decode", "go", "mcts", "batching", "selfplay",
                             "startup", "transport"}));
  cmd->add_option("--threads", options->threads, "Threads for the all-threads cases (0: all cores)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--seconds", options->seconds, "Measuring time per case")->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--data", options->data_dir, "Reference data directory (Sokoban collections)");
  cmd->add_flag("--quick", options->quick, "A short run (for tests)");
  cmd->callback([&exit_code, options, name] {
    if (*name == "astar") exit_code = bench::run_astar_bench(*options);
    else if (*name == "sokoban") exit_code = bench::run_sokoban_bench(*options);
    else if (*name == "go") exit_code = bench::run_go_bench(*options);
    else if (*name == "mcts") exit_code = bench::run_mcts_bench(*options);
    else if (*name == "batching") exit_code = bench::run_batching_bench(*options);
    else if (*name == "transport")
      exit_code = bench::run_transport_bench(*options, sibling_binary("traceplay"));
    else if (*name == "startup")
      exit_code =
          bench::run_startup_bench(*options, sibling_binary("traceplay"), sibling_binary(kTorchBinaryName));
    else exit_code = run_model_bench(*name, *options);
  });
}

}  // namespace traceplay::apps
