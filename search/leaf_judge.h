// A goal that decides some MCTS leaves before the game's end (search/mcts.h). Go's own
// end is two passes scored by area; a tactics task ends when the target is captured or
// has escaped, or at its horizon (search/go_tactics_goal.h). With a judge, every leaf the
// search selects is shown to it first: a decided leaf is not evaluated and never expanded
// (play past the goal's end means nothing), and its value is backed up as it is.
#pragma once

#include <optional>

#include "games/go/position.h"
#include "games/go/types.h"

namespace traceplay::search {

class LeafJudge {
 public:
  virtual ~LeafJudge() = default;
  // The value in [-1, 1] for `to_move` of `position`, a leaf reached `depth` plies (moves
  // and passes) from the search's root after `passes` consecutive passes, when the goal
  // is decided there; nullopt otherwise. Called from the search threads: const and safe
  // to call concurrently.
  virtual std::optional<double> decided(const go::Position& position, go::Color to_move, int depth,
                                        int passes) const = 0;
};

}  // namespace traceplay::search
