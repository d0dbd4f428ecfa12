// traceplay and traceplay-torch: one command, one subcommand per job (DESIGN.md, "Command
// line"). Both executables are built from this main: traceplay links no LibTorch and hands
// the command lines that need it over to traceplay-torch (apps/torch_commands.h).
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "apps/commands.h"
#include "apps/torch_commands.h"
#include "core/error.h"
#include "core/escape.h"
#include "core/version.h"
#include "search/dataset_domains.h"

namespace {

// The first word that is not an option names the subcommand (the main command's only
// options, --help and --version, take no value). CLI11 answers --help before it looks
// at that word, so `traceplay nosuchcommand --help` would print the main help and exit
// 0: an unknown word is refused here first, whatever follows it.
const char* unknown_command(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") return i + 1 < argc ? argv[i + 1] : nullptr;
    if (!word.empty() && word[0] == '-') continue;
    const auto named = app.get_subcommands([&](const CLI::App* sub) { return sub->check_name(word); });
    return named.empty() ? argv[i] : nullptr;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace traceplay;
  // Every dataset read checks its vocabulary against its domain's (core/domain_vocabulary.h).
  search::register_dataset_domains();
  CLI::App app{"traceplay: search traces, transformers and games"};
  app.set_version_flag("--version", std::string(kVersion) + " (" + kGitSha + ")");
  app.require_subcommand(1);
  int exit_code = kExitOk;
  apps::keep_command_line(argv);
  apps::add_gen_command(app, exit_code);
  apps::add_solve_command(app, exit_code);
  apps::add_inspect_command(app, exit_code);
  apps::add_torch_command(app, apps::torch_command("run"), exit_code);
  apps::add_bench_command(app, exit_code);
  apps::add_torch_command(app, apps::torch_command("eval"), exit_code);
  apps::add_torch_command(app, apps::torch_command("train"), exit_code);
  apps::add_torch_command(app, apps::torch_command("bootstrap"), exit_code);
  apps::add_torch_command(app, apps::torch_command("selfplay"), exit_code);
  apps::add_gtp_command(app, exit_code);
  apps::add_match_command(app, exit_code);
  apps::add_learner_command(app, exit_code);
  apps::add_actor_command(app, exit_code);
  apps::add_keygen_command(app, exit_code);
  apps::add_report_command(app, exit_code);
  if (const char* unknown = unknown_command(app, argc, argv)) {
    std::fprintf(stderr, "traceplay: unknown command \"%s\" (see --help)\n", escaped(unknown).c_str());
    return kExitBadInput;
  }
  try {
    // traceplay: replaced here by traceplay-torch when the command needs it; traceplay-torch
    // goes on. Help texts of torch subcommands thus come from the command itself.
    if (apps::command_line_needs_torch(argc, argv)) apps::hand_over_to_torch_binary();
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "traceplay: %s (see --help)\n", escaped(e.what()).c_str());
    return kExitBadInput;
  } catch (const UserError& e) {
    std::fprintf(stderr, "traceplay: %s\n", escaped(e.what()).c_str());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "traceplay: internal error: %s\n", escaped(e.what()).c_str());
    return kExitFailure;
  }
  return exit_code;
}
