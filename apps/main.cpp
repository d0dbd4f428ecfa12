// traceplay: one binary, one subcommand per job (DESIGN.md, "Command line").
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "apps/commands.h"
#include "core/error.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using namespace traceplay;
  CLI::App app{"traceplay: search traces, transformers and games"};
  app.set_version_flag("--version", std::string(kVersion) + " (" + kGitSha + ")");
  app.require_subcommand(1);
  int exit_code = kExitOk;
  apps::add_gen_command(app, exit_code);
  apps::add_solve_command(app, exit_code);
  apps::add_inspect_command(app, exit_code);
  apps::add_run_command(app, exit_code);
  apps::add_bench_command(app, exit_code);
  apps::add_eval_command(app, exit_code);
  apps::add_train_command(app, exit_code);
  apps::add_bootstrap_command(app, exit_code);
  apps::add_gtp_command(app, exit_code);
  apps::add_match_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "traceplay: %s (see --help)\n", e.what());
    return kExitBadInput;
  } catch (const UserError& e) {
    std::fprintf(stderr, "traceplay: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "traceplay: internal error: %s\n", e.what());
    return kExitFailure;
  }
  return exit_code;
}
