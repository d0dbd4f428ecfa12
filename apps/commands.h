// The subcommands of `traceplay`, one file each (apps/cmd_<name>.cpp). Each adds itself
// to the CLI11 app; its callback throws UserError for bad input (exit 2) and returns
// its exit code through `exit_code`. run, eval, train and bootstrap need LibTorch: they are
// defined in traceplay-torch only and registered through add_torch_command
// (apps/torch_commands.h).
#pragma once

#include <CLI/CLI.hpp>

namespace traceplay::apps {

void add_gen_command(CLI::App& app, int& exit_code);
void add_solve_command(CLI::App& app, int& exit_code);
void add_inspect_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_eval_command(CLI::App& app, int& exit_code);
void add_train_command(CLI::App& app, int& exit_code);
void add_bootstrap_command(CLI::App& app, int& exit_code);
void add_selfplay_command(CLI::App& app, int& exit_code);
void add_gtp_command(CLI::App& app, int& exit_code);
void add_match_command(CLI::App& app, int& exit_code);
void add_learner_command(CLI::App& app, int& exit_code);
void add_actor_command(CLI::App& app, int& exit_code);
void add_keygen_command(CLI::App& app, int& exit_code);
void add_report_command(CLI::App& app, int& exit_code);

}  // namespace traceplay::apps
