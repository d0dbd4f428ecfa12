// `traceplay bench selfplay` (traceplay-torch): the Go net in self-play on 9x9, CPU.
// - case "net-batch-<B>": GoNetBackend::run on B queries of a mid-game position,
//   network evaluations/s for B = 1, 8, 64; B = 1 is the peer, so "ratio" is the
//   per-evaluation gain of batching (issue 21's goal: >= 5 at B = 64).
// - case "games-in-flight-<G>": a SelfPlayActor with G games in flight over one
//   BatchingEvaluator (deadline 500 us, no cache: every leaf is a network evaluation),
//   playout cap 32 / 8 visits, a fixed number of games: self-play positions/s, network
//   evaluations/s and the mean batch; G = 1 is the peer, so "ratio" is what filling
//   batches from many games buys end to end.
// - case "mcts-threads-<T>": one MCTS search (MctsPlayer, a fresh tree per search) from
//   the same position with T search threads over one BatchingEvaluator (no cache): tree
//   simulations/s for all threads and per thread; T = 1 is the peer (threads gather
//   their leaves into shared batches, so T threads can beat T x one thread's rate only
//   through larger batches, and lose to virtual-loss collisions).
// The net is the transformer preset "s" (0.9M parameters; "tiny" with --quick) with
// random weights: the speed of a forward pass does not depend on the weights, while the
// game lengths do (random weights play long, aimless games; the counts are per position).
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "bench/model_bench.h"
#include "games/go/board.h"
#include "models/go_net.h"
#include "models/go_net_backend.h"
#include "models/torch_runtime.h"
#include "search/batching_evaluator.h"
#include "search/mcts_player.h"
#include "search/mcts_settings.h"
#include "selfplay/model_source.h"
#include "selfplay/record_sink.h"
#include "selfplay/selfplay_actor.h"

namespace traceplay::bench {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void print(const nlohmann::ordered_json& j) {
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

}  // namespace

int run_selfplay_bench(const BenchOptions& options) {
  models::configure_threads(options.threads);
  const int threads = torch::get_num_threads();
  const std::string preset = options.quick ? "tiny" : "s";
  torch::manual_seed(0);
  models::GoNet net = models::make_go_net(models::GoNetConfig::preset_named("transformer", preset));
  auto backend = std::make_shared<models::GoNetBackend>(net, 64);

  // Network evaluations/s by batch size, on one position of 40 moves.
  go::Board board(9);
  std::vector<go::Position> before;
  for (int k = 0; k < 40; ++k) {
    const go::Move m = go::Move::at((k * 7) % 9, (k * 4 + k / 9) % 9);
    if (!board.is_legal(board.to_move(), m)) continue;
    before.push_back(board.position());
    board.play(m);
  }
  const double seconds = options.quick ? 0.1 : options.seconds;
  double per_eval_at_1 = 0;
  for (int batch : {1, 8, 64}) {
    search::EvalQuery q;
    q.position = &board.position();
    q.to_move = board.to_move();
    q.komi = board.rules().komi;
    for (auto it = before.rbegin();
         it != before.rend() && static_cast<int>(q.history.size()) < backend->history_wanted(); ++it)
      q.history.push_back(&*it);
    const std::vector<search::EvalQuery> queries(static_cast<size_t>(batch), q);
    std::vector<search::EvalResult> results;
    backend->run(queries, results);  // warm-up
    int64_t runs = 0;
    const auto start = Clock::now();
    while (runs < 3 || since(start) < seconds) {
      backend->run(queries, results);
      ++runs;
    }
    const double rate = static_cast<double>(runs * batch) / since(start);
    if (batch == 1) per_eval_at_1 = rate;
    nlohmann::ordered_json j{{"bench", "selfplay"},
                             {"case", "net-batch-" + std::to_string(batch)},
                             {"threads", threads},
                             {"value", rate},
                             {"unit", "evaluations/s"},
                             {"net", "transformer-" + preset},
                             {"board", 9}};
    if (batch != 1) {
      j["peer"] = "net-batch-1";
      j["peer_value"] = per_eval_at_1;
      j["ratio"] = rate / per_eval_at_1;
    }
    print(j);
  }

  // Simulations/s of one search by search threads.
  double simulations_at_1 = 0;
  for (int search_threads : {1, 4, 16}) {
    search::BatchingOptions batching;
    batching.cache_entries = 0;
    auto evaluator = std::make_shared<search::BatchingEvaluator>(backend, batching);
    search::MctsSettings mcts;
    mcts.threads = search_threads;
    mcts.expand_visits = 1;
    mcts.reuse_tree = false;
    search::MctsPlayer player(mcts, evaluator);
    search::ThinkRequest request;
    request.limits.max_visits = options.quick ? 128 : 1600;
    request.allow_resign = false;
    player.think(board, request);  // warm-up
    int64_t simulations = 0;
    int searches = 0;
    const auto start = Clock::now();
    while (searches < 2 || since(start) < seconds) {
      player.new_game();
      simulations += player.think(board, request).analysis.root_visits;
      ++searches;
    }
    const double elapsed = since(start);
    const double rate = static_cast<double>(simulations) / elapsed;
    if (search_threads == 1) simulations_at_1 = rate;
    const search::BatchingStats es = evaluator->stats();
    nlohmann::ordered_json j{{"bench", "selfplay"},
                             {"case", "mcts-threads-" + std::to_string(search_threads)},
                             {"threads", threads},
                             {"value", rate},
                             {"unit", "simulations/s"},
                             {"per_search_thread", rate / search_threads},
                             {"mean_batch", es.mean_batch()},
                             {"visits_per_search", request.limits.max_visits},
                             {"net", "transformer-" + preset},
                             {"board", 9}};
    if (search_threads != 1) {
      j["peer"] = "mcts-threads-1";
      j["peer_value"] = simulations_at_1;
      j["ratio"] = rate / simulations_at_1;
    }
    print(j);
  }

  // Self-play positions/s by games in flight.
  double positions_at_1 = 0;
  for (int games_in_flight : {1, 16}) {
    search::BatchingOptions batching;
    batching.cache_entries = 0;
    auto evaluator = std::make_shared<search::BatchingEvaluator>(backend, batching);
    selfplay::ActorSettings settings;
    settings.size = 9;
    settings.cap.full_visits = 32;
    settings.cap.fast_visits = 8;
    settings.games_in_flight = games_in_flight;
    settings.max_moves = options.quick ? 40 : 0;
    selfplay::SelfPlayActor actor(settings, [&](const selfplay::ModelVersion&) { return evaluator; });
    selfplay::ModelBoard models;
    models.publish({0, "", 0});
    selfplay::GameQueue queue(1 << 12);
    const uint64_t games = static_cast<uint64_t>(options.quick ? games_in_flight : 2 * games_in_flight);
    const auto start = Clock::now();
    actor.run(models, queue, {}, games);
    const double elapsed = since(start);
    const selfplay::ActorStats st = actor.stats();
    const search::BatchingStats es = evaluator->stats();
    const double rate = static_cast<double>(st.moves) / elapsed;
    if (games_in_flight == 1) positions_at_1 = rate;
    nlohmann::ordered_json j{{"bench", "selfplay"},
                             {"case", "games-in-flight-" + std::to_string(games_in_flight)},
                             {"threads", threads},
                             {"value", rate},
                             {"unit", "positions/s"},
                             {"evaluations_per_s", static_cast<double>(es.evaluations) / elapsed},
                             {"per_game_in_flight", rate / games_in_flight},
                             {"mean_batch", es.mean_batch()},
                             {"games", st.games},
                             {"positions", st.moves},
                             {"net", "transformer-" + preset},
                             {"board", 9}};
    if (games_in_flight != 1) {
      j["peer"] = "games-in-flight-1";
      j["peer_value"] = positions_at_1;
      j["ratio"] = rate / positions_at_1;
    }
    print(j);
  }
  return 0;
}

}  // namespace traceplay::bench
