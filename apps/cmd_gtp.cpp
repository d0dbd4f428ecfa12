// `traceplay gtp`: the Go bot (MCTS with light playouts) as a GTP v2 engine.
//   traceplay gtp [--size N] [--komi K] [--visits N | --time-per-move SEC] [--threads T]
//                 [--seed S] [--evaluator rollout|uniform] [--playouts-per-leaf P]
//                 [--listen HOST:PORT]
// Without --listen it speaks GTP on stdin/stdout until `quit` or the end of stdin; with
// it, it accepts TCP connections (one engine each, several at once; port 0 picks a free
// port) until killed, and says on stderr where it listens. stdout carries GTP only; logs
// go to stderr. Without --visits/--time-per-move the bot's defaults apply (MctsSettings in
// search/mcts_settings.h: a visit count, at most 10 s); time_settings from the controller
// then take over the time per move. One evaluator (apps/evaluator_factory.h) serves every
// engine: with --listen, all the connections' bots search over it.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "apps/cli_validators.h"
#include "apps/commands.h"
#include "apps/evaluator_factory.h"
#include "apps/gtp/engine.h"
#include "apps/gtp/stdio_transport.h"
#include "apps/gtp/tcp_server.h"
#include "core/error.h"
#include "core/version.h"
#include "games/go/rules.h"
#include "search/evaluator.h"
#include "search/mcts_player.h"
#include "search/mcts_settings.h"

namespace traceplay::apps {

namespace {

struct GtpArgs {
  int size = 19;
  double komi = 7.5;
  int64_t visits = 0;
  double time_per_move = 0;
  int threads = 1;
  uint64_t seed = 1;
  std::string evaluator = "rollout";
  int playouts_per_leaf = 1;
  std::string listen;
};

// go::kMaxKomi's range, as GTP's komi command has it; CLI::Range would let "nan" through.
const CLI::Validator kKomi(
    [](std::string& text) {
      char* end = nullptr;
      const double komi = std::strtod(text.c_str(), &end);
      return !text.empty() && *end == '\0' && go::is_valid_komi(komi) ? std::string()
                                                                     : "must be a number in -1000..1000, got " + text;
    },
    "KOMI");

std::unique_ptr<gtp::Engine> make_engine(const GtpArgs& a, const gtp::Clock& clock,
                                         std::shared_ptr<const search::Evaluator> evaluator) {
  search::MctsSettings mcts;
  mcts.threads = a.threads;
  mcts.seed = a.seed;
  gtp::EngineOptions options;
  options.board_size = a.size;
  options.komi = a.komi;
  options.default_limits.max_visits = a.visits;
  options.default_limits.max_seconds = a.time_per_move;
  options.name = "traceplay";
  options.version = std::string(kVersion) + "-" + kGitSha;
  options.seed = a.seed;
  return std::make_unique<gtp::Engine>(std::make_unique<search::MctsPlayer>(mcts, std::move(evaluator)), options,
                                       clock);
}

int run_gtp(const GtpArgs& a) {
  // A controller that goes away must not kill the engine mid-write: the write fails, the
  // input ends, the session ends.
  std::signal(SIGPIPE, SIG_IGN);
  static const gtp::SteadyClock clock;
  const std::shared_ptr<const search::Evaluator> evaluator = make_evaluator(a.evaluator, a.playouts_per_leaf);
  if (a.listen.empty()) {
    auto engine = make_engine(a, clock, evaluator);
    gtp::serve_stdio(*engine);
    return kExitOk;
  }
  const gtp::ListenAddress address = gtp::parse_listen_address(a.listen);
  gtp::TcpServer server(address, [a, evaluator] { return make_engine(a, clock, evaluator); });
  std::fprintf(stderr, "traceplay gtp: listening on %s:%u\n", address.host.c_str(),
               static_cast<unsigned>(server.port()));
  std::fflush(stderr);
  server.run();
  return kExitOk;
}

}  // namespace

void add_gtp_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("gtp", "Play Go as a GTP v2 engine (stdin/stdout, or TCP with --listen)");
  auto a = std::make_shared<GtpArgs>();
  cmd->add_option("--size", a->size, "Board size at start (2..25)")->check(CLI::Range(2, 25));
  cmd->add_option("--komi", a->komi, "Komi at start")->check(kKomi);
  auto* visits = cmd->add_option("--visits", a->visits, "Visits per move (default: the bot's)")
                     ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  auto* time = cmd->add_option("--time-per-move", a->time_per_move, "Seconds per move (default: the bot's)")
                   ->check(CLI::Range(0.001, 1e6));
  visits->excludes(time);
  cmd->add_option("--threads", a->threads, "Search threads")->check(CLI::Range(1, 1024));
  cmd->add_option("--seed", a->seed, "Seed of the search and of the dead-stone estimate")->check(kDigits);
  cmd->add_option("--evaluator", a->evaluator, "Leaf evaluator: rollout (light playouts) or uniform (value 0)")
      ->check(CLI::IsMember(evaluator_names()));
  cmd->add_option("--playouts-per-leaf", a->playouts_per_leaf, "Playouts per leaf of the rollout evaluator")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--listen", a->listen, "Serve GTP over TCP on HOST:PORT (port 0: any free port)");
  cmd->callback([&exit_code, a] { exit_code = run_gtp(*a); });
}

}  // namespace traceplay::apps
