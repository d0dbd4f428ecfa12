// The command lines that need LibTorch, and how they reach it (apps/README.md, "Two
// executables"). `traceplay` links no LibTorch, so that the commands without a model start
// in milliseconds; for a command line that needs torch it replaces itself by its sibling
// `traceplay-torch` (the same sources plus models/), with the same argv. This header is
// torch-free and the table behind it is the one place that names the torch subcommands:
// `traceplay --help` lists them from it without linking them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/bench.h"

namespace traceplay::apps {

// The executable that links LibTorch, looked for next to `traceplay` (/proc/self/exe).
inline constexpr const char* kTorchBinaryName = "traceplay-torch";

struct TorchCommand {
  const char* name;
  const char* summary;  // the one line of `traceplay --help`
};

// run, eval, train, bootstrap, selfplay (in no particular order: main.cpp orders the help).
const std::vector<TorchCommand>& torch_commands();
// The table's entry; std::logic_error for a name that is not in it (a programming error).
const TorchCommand& torch_command(std::string_view name);

// Whether `bench NAME` measures a model (train, decode, selfplay). `bench` itself is torch-free:
// its NAME is a positional among options with values, so it decides after parsing.
bool is_torch_bench(std::string_view name);

// Whether this command line needs LibTorch before parsing: its subcommand is a torch
// subcommand, or a torch-free one given an option that loads a model (the table of such
// options is in torch_commands.cpp: `gtp --model`, gtp's Go-net evaluator).
bool command_line_needs_torch(int argc, char** argv);

// main() keeps its argv here first, for a hand-over decided after parsing (bench).
void keep_command_line(char** argv);
char** kept_command_line();

// Defined once per executable: torch_linked.cpp in traceplay-torch, torch_handover.cpp in
// traceplay.
//
// Registers a torch subcommand: traceplay-torch adds the command itself; traceplay adds a
// subcommand of the same name and summary that only its --help lists (main hands such a
// command line over before parsing it).
void add_torch_command(CLI::App& app, const TorchCommand& command, int& exit_code);
// traceplay-torch: returns at once, it runs the command itself. traceplay: replaces this
// process by traceplay-torch with the kept argv (argv[0] included, so help and messages
// name the program as today; exit code, pid, standard streams and signals are then
// traceplay-torch's own); throws UserError when that binary is missing or cannot run.
void hand_over_to_torch_binary();
// `bench train` / `bench decode` / `bench selfplay`: run here (traceplay-torch) or handed over (traceplay).
int run_model_bench(std::string_view name, const bench::BenchOptions& options);

}  // namespace traceplay::apps
