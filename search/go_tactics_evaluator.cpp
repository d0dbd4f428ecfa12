#include "search/go_tactics_evaluator.h"

#include <algorithm>
#include <stdexcept>

#include "core/rng.h"
#include "games/go/playout.h"

namespace traceplay::search {

namespace {

// The empty points next to the chain through p (each once), in chain order.
std::vector<int> chain_liberties(const go::Position& pos, int p) {
  std::vector<int> out;
  const int s = pos.stride();
  int q = p;
  do {
    for (const int n : {q - s, q - 1, q + 1, q + s})
      if (pos.cell(n) == 0 && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    q = pos.next_in_chain(q);
  } while (q != p);
  return out;
}

}  // namespace

GoTacticsEvaluator::GoTacticsEvaluator(const GoTacticsGoal& goal, int playouts, GoTacticsPrior prior_kind)
    : goal_(goal), playouts_(playouts), prior_kind_(prior_kind) {
  if (playouts < 1) throw std::invalid_argument("GoTacticsEvaluator: playouts must be >= 1");
}

double GoTacticsEvaluator::rollout(const go::Position& position, go::Color to_move, int plies_left,
                                   int passes, Rng& rng) const {
  go::Position pos = position;
  go::Color c = to_move;
  std::vector<int> options;
  for (;;) {
    if (const std::optional<double> v = goal_.decided_with(pos, c, plies_left, passes))
      return c == to_move ? *v : -*v;
    int p = go::Position::kNoPoint;
    if (rng.below(2) == 0) {
      options.clear();
      for (const int lib : chain_liberties(pos, goal_.target_point()))
        if (pos.is_legal(c, lib)) options.push_back(lib);
      if (!options.empty()) p = options[rng.below(options.size())];
    }
    if (p == go::Position::kNoPoint) p = go::random_playout_move(pos, c, rng);
    if (p == go::Position::kNoPoint) {
      pos.pass();
      ++passes;
    } else {
      pos.play(c, p);
      passes = 0;
    }
    c = go::opponent(c);
    --plies_left;
  }
}

std::vector<float> GoTacticsEvaluator::prior(const go::Position& pos) const {
  const int n = pos.size();
  std::vector<float> weights(static_cast<size_t>(n * n + 1), 1.0f);
  auto index = [&](int p) { return static_cast<size_t>(pos.x_of(p) + n * pos.y_of(p)); };
  const int target = goal_.target_point();
  if (prior_kind_ == GoTacticsPrior::kSolverOrder && pos.at(target) == goal_.defender()) {
    const go::Color attacker = go::opponent(goal_.defender());
    const int s = pos.stride();
    std::vector<int> seen_chains;
    int q = target;
    do {
      for (const int nb : {q - s, q - 1, q + 1, q + s}) {
        if (pos.at(nb) != attacker) continue;
        const int chain = pos.chain_of(nb);
        if (std::find(seen_chains.begin(), seen_chains.end(), chain) != seen_chains.end()) continue;
        seen_chains.push_back(chain);
        if (pos.liberties(nb) >= goal_.goal().safe_liberties) continue;
        for (const int lib : chain_liberties(pos, nb))
          weights[index(lib)] = std::max(weights[index(lib)], 2.0f);
      }
      q = pos.next_in_chain(q);
    } while (q != target);
    for (const int lib : chain_liberties(pos, target)) weights[index(lib)] = 4.0f;
  }
  float total = 0;
  for (const float w : weights) total += w;
  for (float& w : weights) w /= total;
  return weights;
}

void GoTacticsEvaluator::evaluate(const std::vector<EvalQuery>& queries,
                                  std::vector<EvalResult>& results) const {
  results.resize(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    const EvalQuery& q = queries[i];
    EvalResult& r = results[i];
    double value = 0;
    for (int k = 0; k < playouts_; ++k) {
      Rng rng = Rng::stream(q.seed, static_cast<uint64_t>(k));
      value += rollout(*q.position, q.to_move, goal_.goal().horizon - q.depth, q.consecutive_passes, rng);
    }
    r.value = static_cast<float>(value / playouts_);
    r.prior = prior(*q.position);
    r.has_score = false;
    r.score = 0;
    r.ownership.clear();
  }
}

}  // namespace traceplay::search
