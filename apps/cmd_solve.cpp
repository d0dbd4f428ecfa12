// Placeholder while the command is written; replaced before landing.
#include "apps/commands.h"
namespace traceplay::apps {
void add_solve_command(CLI::App& app, int& exit_code) { app.add_subcommand("solve", "not yet"); }
}  // namespace traceplay::apps
