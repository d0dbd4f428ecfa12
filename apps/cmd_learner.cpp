// `traceplay learner --bind ADDR --config FILE --out DIR`: builds the dataset of a gen
// config (its [data] table, as `gen --config` reads it) with the layouts made by
// `traceplay actor` processes that connect to ADDR (distributed/README.md). The dataset
// is the one `gen` would write; interrupted, the same command resumes it.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/build_report.h"
#include "apps/commands.h"
#include "apps/dataset_options.h"
#include "apps/distributed_gen.h"
#include "core/error.h"
#include "distributed/curve.h"

namespace traceplay::apps {

namespace {

struct LearnerArgs {
  std::string bind, config, out, curve, authorized;
  double heartbeat_timeout = 10, lease_timeout = 600;
  uint64_t window = 256;
  bool force = false, json = false, quiet = false;
};

}  // namespace

void add_learner_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("learner", "Serve a dataset build to `traceplay actor` processes over ZeroMQ");
  auto a = std::make_shared<LearnerArgs>();
  cmd->add_option("--bind", a->bind, "tcp://HOST:PORT (PORT may be *) or ipc://PATH")->required();
  cmd->add_option("--config", a->config, "The gen config (TOML: a [data] table or top-level keys)")
      ->required();
  cmd->add_option("--out", a->out, "The dataset directory")->required();
  cmd->add_option("--curve", a->curve,
                  "This learner's key file (traceplay keygen): encrypt and authenticate");
  cmd->add_option("--authorized", a->authorized, "With --curve: the actors' public keys, one per line");
  cmd->add_option("--heartbeat-timeout", a->heartbeat_timeout,
                  "Seconds of silence after which an actor is gone (10)")
      ->check(CLI::Range(0.5, 3600.0));
  cmd->add_option("--lease-timeout", a->lease_timeout,
                  "Seconds after which a lease is handed out again (600)")
      ->check(CLI::Range(1.0, 86400.0));
  cmd->add_option("--window", a->window, "Layouts ahead of the writer that may be leased (256)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  cmd->add_flag("--force", a->force, "Replace a dataset made with other parameters");
  cmd->add_flag("--quiet", a->quiet, "No line per actor joining or leaving");
  cmd->add_flag("--json", a->json, "Print a JSON summary (with the learner's counters) as the last line");
  cmd->callback([&exit_code, a] {
    if (a->curve.empty() != a->authorized.empty())
      throw UserError("--curve and --authorized go together (the learner's keys and the actors it lets in)");
    const DatasetSpec spec = load_dataset_spec(a->config);
    distributed::LearnerOptions options;
    options.bind = a->bind;
    options.heartbeat_timeout_s = a->heartbeat_timeout;
    options.lease_timeout_s = a->lease_timeout;
    options.window = a->window;
    options.quiet = a->quiet;
    if (!a->curve.empty()) {
      options.curve.keys = distributed::read_key_pair(a->curve);
      options.curve.authorized = distributed::read_authorized_keys(a->authorized);
    }
    auto stats = std::make_shared<nlohmann::json>();
    const BuildResult result =
        build_dataset(spec, a->out, a->force, !a->quiet, learner_producer(options, spec, a->out, 0, stats));
    print_build_result(result, a->out, a->json, "learner", *stats);
    exit_code = result.exit_code;
  });
}

}  // namespace traceplay::apps
