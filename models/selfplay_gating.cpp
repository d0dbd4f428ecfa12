#include "models/selfplay_gating.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "models/go_net_backend.h"
#include "search/batching_evaluator.h"
#include "search/mcts_player.h"
#include "search/mcts_settings.h"

namespace traceplay::models {

namespace {

std::shared_ptr<const search::Evaluator> version_evaluator(const std::string& dir,
                                                           const GoNetRequirements& req,
                                                           const torch::Device& device, int parallel) {
  GoNet net = load_go_net(dir, req, device);
  return std::make_shared<search::BatchingEvaluator>(
      std::make_shared<GoNetBackend>(std::move(net), 8 * parallel));
}

search::MctsSettings gating_mcts(int64_t visits) {
  search::MctsSettings s;
  s.expand_visits = 1;
  s.max_visits = visits;
  s.max_seconds = 0;
  s.resign_min_visits = std::min<int64_t>(visits, 50);
  return s;
}

}  // namespace

play::MatchResult play_versions(const std::string& a_dir, const std::string& b_dir,
                                const GoNetRequirements& requirements, const torch::Device& device, int size,
                                double komi, const GatingSettings& settings, uint64_t seed,
                                const std::function<bool()>& should_stop) {
  const auto a_eval = version_evaluator(a_dir, requirements, device, settings.parallel);
  const auto b_eval = version_evaluator(b_dir, requirements, device, settings.parallel);
  // A fresh player per game, so that a game does not depend on which thread played what
  // before it (a kept tree, a used seed); the games differ by their openings.
  search::MctsSettings mcts = gating_mcts(settings.visits);
  mcts.seed = seed;
  const play::PlayerFactory a = [&] { return std::make_unique<search::MctsPlayer>(mcts, a_eval); };
  const play::PlayerFactory b = [&] { return std::make_unique<search::MctsPlayer>(mcts, b_eval); };
  play::MatchSettings m;
  m.games = settings.games;
  m.game.size = size;
  m.game.rules.komi = komi;
  m.game.max_moves = settings.max_moves;
  m.game.random_opening_moves = settings.random_opening_moves;
  m.game.should_stop = should_stop;
  m.a.name = a_dir;
  m.b.name = b_dir;
  m.a.limits.max_visits = m.b.limits.max_visits = settings.visits;
  m.seed = seed;
  return play::play_match_in_parallel(a, b, m, settings.parallel);
}

}  // namespace traceplay::models
