// Placeholder while the command is written; replaced before landing.
#include "apps/commands.h"
namespace traceplay::apps {
void add_bench_command(CLI::App& app, int& exit_code) { app.add_subcommand("bench", "not yet"); }
}  // namespace traceplay::apps
