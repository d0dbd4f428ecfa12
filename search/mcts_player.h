// The MCTS bot behind GoPlayer: a tree search (search/mcts.h) over an evaluator (light
// rollouts by default), plus the decisions a game needs on top of the search: when to
// pass and when to resign, and keeping the tree between moves.
//
// Pass policy (so that a human and GNU Go accept the bot's games):
// - after the opponent's pass, pass when passing wins by area scoring with the dead-stone
//   estimate (games/go/dead_stones.h); otherwise play on (capture what is dead);
// - otherwise pass only when the search prefers passing (pass has the most visits and
//   no other move does better: a better winrate, or about the same winrate and a score
//   lead better by more than half a point, so a won game still takes its dame), or when no
//   sensible move is left (every legal move fills one of our own true eyes).
// Limits: those of the request; when it has none and no should_stop either, the options'
// defaults below. No limits but a should_stop (analysis) searches until it says stop.
// Resign when allowed and the best move's winrate is below resign_threshold after at
// least resign_min_visits root visits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "search/evaluator.h"
#include "search/go_player.h"
#include "search/mcts.h"

namespace traceplay::search {

struct MctsOptions {
  int threads = 1;                  // search threads (1: deterministic for a seed)
  uint64_t seed = 1;
  double c_puct = 2.0;              // PUCT exploration constant (2: best of 1, 2, 4 on the tactics tests)
  bool use_uct = false;             // UCB1 (c_uct) instead of PUCT
  double c_uct = 0.7;
  int virtual_loss = 1;             // losses a thread adds to a path it is evaluating
  int expand_visits = 2;            // a leaf gets children on its expand_visits-th evaluation
  double resign_threshold = 0.05;   // 0 disables resigning
  int64_t resign_min_visits = 500;  // resign only after this many root visits
  // Limits used when ThinkRequest::limits has none: visits, wall time (whichever first).
  // 0 visits: 8000 (about 0.3 s on 9x9 and 0.6 s on 19x19 on one core here).
  int64_t max_visits = 0;
  double max_seconds = 10.0;
  std::string evaluator = "rollout";  // rollout | uniform
  int playouts_per_leaf = 1;          // rollout evaluator
  bool reuse_tree = true;             // keep the subtree of the moves played since the last think
  int64_t max_tree_nodes = 1'000'000;  // memory cap (about 64 bytes a node); leaves past it are not expanded
};

// One think() at a time per player (the tree is the player's); run several players for
// several games at once.
class MctsPlayer final : public GoPlayer {
 public:
  // Throws std::invalid_argument for bad options (threads < 1, unknown evaluator, ...).
  explicit MctsPlayer(const MctsOptions& options = {});
  ~MctsPlayer() override;

  ThinkResult think(const go::Board& board, const ThinkRequest& request) override;
  void new_game() override;

  const MctsOptions& options() const { return options_; }

 private:
  ThinkLimits limits_for(const go::Board& board, const ThinkRequest& request) const;

  MctsOptions options_;
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<Mcts> search_;
};

}  // namespace traceplay::search
