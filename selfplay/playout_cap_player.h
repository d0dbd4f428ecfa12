// Playout-cap randomisation (KataGo, Wu 2019, section 3.1): each move is a full search
// with probability full_fraction and a fast one otherwise. Only full searches become
// policy targets, so the data gets many more games (value targets) for the same compute
// while every policy target still comes from a strong search. Root noise is added on full
// searches only (a fast search is there to play a good move, not to explore).
//
// Implemented as a GoPlayer over two MctsPlayers sharing one evaluator: "full" (the
// settings' Dirichlet noise) and "fast" (the same settings without noise). Each keeps its
// own tree between moves, so tree reuse works within each kind of search; a fast search
// does not start from the full one's tree (a cost measured in visits only, never in
// correctness). The move-choice temperature is the settings' for both.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/rng.h"
#include "search/evaluator.h"
#include "search/go_player.h"
#include "search/mcts_player.h"
#include "search/mcts_settings.h"

namespace traceplay::selfplay {

struct PlayoutCap {
  int64_t full_visits = 600;  // KataGo's 9x9-to-19x19 self-play value
  int64_t fast_visits = 100;
  double full_fraction = 0.25;  // probability of a full search per move
  // Throws std::invalid_argument: visits < 1, fast > full, fraction outside [0, 1].
  void validate() const;
};

class PlayoutCapPlayer final : public search::GoPlayer {
 public:
  // settings.seed seeds both searches and the full/fast draw. Throws
  // std::invalid_argument for bad settings or cap, or no evaluator.
  PlayoutCapPlayer(const search::MctsSettings& settings, const PlayoutCap& cap,
                   std::shared_ptr<const search::Evaluator> evaluator);

  // Draws full or fast, then thinks with that kind's visit limit (the request's limits
  // are replaced; its other fields are kept).
  search::ThinkResult think(const go::Board& board, const search::ThinkRequest& request) override;
  void new_game() override;

  // One entry per think() since new_game(): true for a full search.
  const std::vector<bool>& full_searches() const { return full_; }

 private:
  PlayoutCap cap_;
  search::MctsPlayer full_player_, fast_player_;
  Rng rng_;
  std::vector<bool> full_;
};

}  // namespace traceplay::selfplay
