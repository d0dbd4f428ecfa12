// `traceplay selfplay --config FILE [--out DIR]`: self-play and learning on this machine
// (models/selfplay_run.h). The config is read and checked whole before anything is
// written (a bad one: exit 2, one line); Ctrl-C / SIGTERM stop the actor and the learner,
// keep every finished game and version, and exit 130 / 143; the same command resumes.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/commands.h"
#include "apps/torch_commands.h"
#include "core/config.h"
#include "core/error.h"
#include "core/signals.h"
#include "models/selfplay_run.h"

namespace traceplay::apps {

void add_selfplay_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("selfplay", torch_command("selfplay").summary);
  auto config = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--config", *config, "The run's TOML config (experiments/go9.toml)")->required();
  cmd->add_option("--out", *out, "The run directory (default runs/<name>)");
  cmd->add_flag("--json", *json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, config, out, json] {
    const models::SelfPlayRunConfig c = models::SelfPlayRunConfig::from_json(load_toml(*config), *config);
    models::SelfPlayRunOptions options;
    options.out = out->empty() ? "runs/" + c.name : *out;
    install_stop_handlers();
    options.should_stop = [] { return stop_requested(); };
    options.log = [](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    };
    const models::SelfPlayRunResult r = models::run_selfplay(c, options);
    std::printf("selfplay %s: version %d, %llu games, %llu positions in %s\n", c.name.c_str(), r.version,
                static_cast<unsigned long long>(r.games), static_cast<unsigned long long>(r.positions),
                options.out.c_str());
    if (*json)
      std::printf("%s\n", nlohmann::json{{"version", r.version},
                                         {"best", r.best},
                                         {"games", r.games},
                                         {"positions", r.positions},
                                         {"stopped", r.stopped},
                                         {"out", options.out}}
                              .dump()
                              .c_str());
    std::fflush(stdout);
    if (r.stopped) {
      std::fprintf(stderr, "traceplay selfplay: interrupted; run the same command to resume\n");
      exit_code = stop_exit_code();
      return;
    }
    exit_code = kExitOk;
  });
}

}  // namespace traceplay::apps
