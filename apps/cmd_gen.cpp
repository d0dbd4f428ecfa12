// Placeholder while the command is written; replaced before landing.
#include "apps/commands.h"
namespace traceplay::apps {
void add_gen_command(CLI::App& app, int& exit_code) { app.add_subcommand("gen", "not yet"); }
}  // namespace traceplay::apps
