// The MCTS bot behind GoPlayer: a tree search (search/mcts.h) over a shared evaluator
// (several players, say the games of a self-play actor, share one), plus the decisions a
// game needs on top of the search: which move, when to pass and when to resign, and
// keeping the tree between moves. Its settings are search/mcts_settings.h's.
//
// Pass policy (so that a human and GNU Go accept the bot's games):
// - after the opponent's pass, pass when passing wins by area scoring with the dead-stone
//   estimate (games/go/dead_stones.h); otherwise play on (capture what is dead);
// - otherwise pass only when the search prefers passing (pass has the most visits and
//   no other move does better: a better winrate, or about the same winrate and a score
//   lead better by more than half a point, so a won game still takes its dame), or when no
//   sensible move is left (every legal move fills one of our own true eyes).
// Move choice at temperature T = settings.temperature_at(moves played, board size):
// - T = 0: the most visited move under the pass policy above (the default);
// - T > 0: the pass policy decides first whether to pass; when it plays a move, the move
//   is sampled among the root's non-pass children with visits, with probability
//   proportional to visits^(1/T) (search/visit_sampling.h), from the stream
//   Rng::stream(seed ^ salt, k) of this player's k-th think (deterministic for a seed and
//   one thread; successive games of one player differ). So temperature spreads the
//   moves, never the passes: a sampled pass would end a self-play game at random.
// Limits: those of the request; when it has none and no should_stop either, the settings'
// max_visits / max_seconds. No limits but a should_stop (analysis) searches until it says stop.
// Resign when allowed and the policy's move (the most visited one, whatever was sampled:
// resignation judges the position, not the sample) has a winrate below resign_threshold,
// as has the root, after at least resign_min_visits root visits.
#pragma once

#include <cstdint>
#include <memory>
#include "search/evaluator.h"
#include "search/go_player.h"
#include "search/mcts.h"
#include "search/mcts_settings.h"

namespace traceplay::search {

// One think() at a time per player (the tree is the player's); run several players for
// several games at once.
class MctsPlayer final : public GoPlayer {
 public:
  // Throws std::invalid_argument for impossible settings (MctsSettings::validate) or no
  // evaluator. The evaluator is shared: it must be safe to call from several players'
  // search threads at once (search/evaluator.h's contract).
  MctsPlayer(const MctsSettings& settings, std::shared_ptr<const Evaluator> evaluator);
  ~MctsPlayer() override;

  ThinkResult think(const go::Board& board, const ThinkRequest& request) override;
  void new_game() override;

  const MctsSettings& settings() const { return settings_; }
  const Evaluator& evaluator() const { return *evaluator_; }

 private:
  ThinkLimits limits_for(const go::Board& board, const ThinkRequest& request) const;

  MctsSettings settings_;
  std::shared_ptr<const Evaluator> evaluator_;
  std::unique_ptr<Mcts> search_;
  uint64_t think_count_ = 0;  // numbers the move-sampling streams
};

}  // namespace traceplay::search
