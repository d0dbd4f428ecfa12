// `traceplay gtp`: the Go bot (MCTS with light playouts) as a GTP v2 engine.
//   traceplay gtp [--size N] [--komi K] [--visits N | --time-per-move SEC] [--threads T]
//                 [--seed S] [--evaluator rollout|uniform] [--playouts-per-leaf P]
//                 [--model DIR [--device cpu|cuda:N]] [--listen HOST:PORT]
// Without --listen it speaks GTP on stdin/stdout until `quit` or the end of stdin; with
// it, it accepts TCP connections (one engine each, several at once; port 0 picks a free
// port) until killed, and says on stderr where it listens. stdout carries GTP only; logs
// go to stderr. Without --visits/--time-per-move the bot's defaults apply (MctsSettings in
// search/mcts_settings.h: a visit count, at most 10 s); time_settings from the controller
// then take over the time per move. One evaluator (apps/evaluator_factory.h) serves every
// engine: with --listen, all the connections' bots search over it.
#include <algorithm>
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
#include "apps/model_evaluator.h"
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
  std::string model;
  std::string device = "cpu";
  std::string listen;
};

// What the bot searches with: the evaluator and the board sizes it serves.
struct Bot {
  std::shared_ptr<const search::Evaluator> evaluator;
  int min_board_size = go::kMinBoardSize, max_board_size = go::kMaxBoardSize;
  bool neural = false;
};

constexpr int64_t kModelDefaultVisits = 800;

// go::kMaxKomi's range, as GTP's komi command has it; CLI::Range would let "nan" through.
const CLI::Validator kKomi(
    [](std::string& text) {
      char* end = nullptr;
      const double komi = std::strtod(text.c_str(), &end);
      return !text.empty() && *end == '\0' && go::is_valid_komi(komi)
                 ? std::string()
                 : "must be a number in -1000..1000, got " + text;
    },
    "KOMI");

Bot make_bot(const GtpArgs& a) {
  Bot bot;
  if (a.model.empty()) {
    bot.evaluator = make_evaluator(a.evaluator, a.playouts_per_leaf);
    return bot;
  }
  ModelEvaluator m = load_model_evaluator(a.model, a.device);
  if (a.size < m.min_board_size || a.size > m.max_board_size)
    throw UserError(a.model + ": this net plays board sizes " + std::to_string(m.min_board_size) + ".." +
                    std::to_string(m.max_board_size) + ", not --size " + std::to_string(a.size));
  std::fprintf(stderr, "traceplay gtp: playing with %s from %s\n", m.description.c_str(), a.model.c_str());
  bot.evaluator = std::move(m.evaluator);
  bot.min_board_size = m.min_board_size;
  bot.max_board_size = m.max_board_size;
  bot.neural = true;
  return bot;
}

std::unique_ptr<gtp::Engine> make_engine(const GtpArgs& a, const gtp::Clock& clock, const Bot& bot) {
  search::MctsSettings mcts;
  mcts.threads = a.threads;
  mcts.seed = a.seed;
  gtp::EngineOptions options;
  options.board_size = a.size;
  options.komi = a.komi;
  options.min_board_size = bot.min_board_size;
  options.max_board_size = bot.max_board_size;
  options.default_limits.max_visits = a.visits;
  options.default_limits.max_seconds = a.time_per_move;
  if (bot.neural) {
    mcts.expand_visits = 1;
    mcts.resign_min_visits = std::min<int64_t>(mcts.resign_min_visits, 100);
    if (a.visits == 0 && a.time_per_move == 0) options.default_limits.max_visits = kModelDefaultVisits;
  }
  options.name = "traceplay";
  options.version = std::string(kVersion) + "-" + kGitSha;
  options.seed = a.seed;
  return std::make_unique<gtp::Engine>(std::make_unique<search::MctsPlayer>(mcts, bot.evaluator), options,
                                       clock);
}

int run_gtp(const GtpArgs& a) {
  // A controller that goes away must not kill the engine mid-write: the write fails, the
  // input ends, the session ends.
  std::signal(SIGPIPE, SIG_IGN);
  static const gtp::SteadyClock clock;
  const Bot bot = make_bot(a);
  if (a.listen.empty()) {
    auto engine = make_engine(a, clock, bot);
    gtp::serve_stdio(*engine);
    return kExitOk;
  }
  const gtp::ListenAddress address = gtp::parse_listen_address(a.listen);
  gtp::TcpServer server(address, [a, bot] { return make_engine(a, clock, bot); });
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
  auto* evaluator = cmd->add_option("--evaluator", a->evaluator,
                                    "Leaf evaluator: rollout (light playouts) or uniform (value 0)")
                        ->check(CLI::IsMember(evaluator_names()));
  auto* playouts = cmd->add_option("--playouts-per-leaf", a->playouts_per_leaf,
                                   "Playouts per leaf of the rollout evaluator")
                       ->check(CLI::Range(1, 1024));
  auto* model =
      cmd->add_option(
             "--model", a->model,
             "Play with this Go-net checkpoint directory (e.g. runs/NAME/models/v0003; default 800 visits)")
          ->excludes(evaluator)
          ->excludes(playouts);
  cmd->add_option("--device", a->device, "With --model: where the net runs (cpu, cuda, cuda:N)")
      ->needs(model);
  cmd->add_option("--listen", a->listen, "Serve GTP over TCP on HOST:PORT (port 0: any free port)");
  cmd->callback([&exit_code, a] { exit_code = run_gtp(*a); });
}

}  // namespace traceplay::apps
