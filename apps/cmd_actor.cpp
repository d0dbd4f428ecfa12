// `traceplay actor --connect ADDR`: works for a learner (distributed/gen_actor.h) until
// it says done (exit 0), goes silent for --give-up seconds (exit 1) or a signal stops
// it (130/143). Unacknowledged results wait in --outbox across restarts.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "apps/commands.h"
#include "apps/distributed_gen.h"
#include "core/error.h"
#include "core/signals.h"
#include "distributed/curve.h"

namespace traceplay::apps {

namespace {

struct ActorArgs {
  std::string connect, outbox = ".traceplay-actor", name, curve, server_key;
  int threads = 0;
  double give_up = 60, resend = 10;
  bool quiet = false;
};

}  // namespace

void add_actor_command(CLI::App& app, int& exit_code) {
  auto* cmd =
      app.add_subcommand("actor", "Make layouts for a `traceplay learner` (or `gen --actors`) over ZeroMQ");
  auto a = std::make_shared<ActorArgs>();
  cmd->add_option("--connect", a->connect, "The learner: tcp://HOST:PORT or ipc://PATH")->required();
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_option("--outbox", a->outbox,
                  "Directory of results not yet acknowledged (one per actor; default .traceplay-actor)");
  cmd->add_option("--name", a->name, "Name in the learner's log (default HOST:PID)");
  cmd->add_option("--give-up", a->give_up,
                  "Exit 1 after this many seconds without word from the learner (60)")
      ->check(CLI::Range(1.0, 86400.0));
  cmd->add_option("--resend", a->resend, "Send an unacknowledged result again after this many seconds (10)")
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--curve", a->curve, "This actor's key file (traceplay keygen)");
  cmd->add_option("--server-key", a->server_key, "With --curve: the learner's public key file (.pub)");
  cmd->add_flag("--quiet", a->quiet, "No summary line at the end");
  cmd->callback([&exit_code, a] {
    if (a->curve.empty() != a->server_key.empty())
      throw UserError(
          "--curve and --server-key go together (this actor's keys and the learner's public key)");
    distributed::ActorOptions options;
    options.connect = a->connect;
    options.threads =
        a->threads > 0 ? a->threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    options.outbox = a->outbox;
    options.name = a->name;
    options.give_up_s = a->give_up;
    options.resend_s = a->resend;
    if (!a->curve.empty()) {
      options.curve.keys = distributed::read_key_pair(a->curve);
      options.curve.server_public_key = distributed::read_public_key(a->server_key);
    }
    install_stop_handlers();
    const distributed::ActorResult result = distributed::run_gen_actor(options, make_gen_job);
    if (result.exit_code != 0) std::fprintf(stderr, "traceplay actor: %s\n", result.reason.c_str());
    if (!a->quiet) {
      nlohmann::json line = result.stats;
      line["exit"] = result.exit_code;
      line["reason"] = result.reason;
      std::printf("%s\n", line.dump().c_str());
      std::fflush(stdout);
    }
    exit_code = result.exit_code;
  });
}

}  // namespace traceplay::apps
