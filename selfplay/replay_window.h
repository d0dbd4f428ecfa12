// The learner's sliding window of recent self-play games (AlphaZero's replay buffer,
// KataGo's shuffle window): positions are sampled uniformly from the newest
// max_positions positions' games, so the net trains on the data of its recent versions
// and old games fall out as new ones arrive. A game enters or leaves whole; the window
// keeps the newest games whose positions add up to at most max_positions (and always the
// newest game, however long). Sampling is with replacement from core/rng.h: a seeded
// learner draws the same samples on every machine. One thread (the learner's).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "core/rng.h"
#include "selfplay/selfplay_game.h"

namespace traceplay::selfplay {

struct PositionRef {
  std::shared_ptr<const SelfPlayGame> game;
  size_t move_index = 0;
};

class ReplayWindow {
 public:
  // Throws std::invalid_argument when max_positions is 0.
  explicit ReplayWindow(size_t max_positions);

  // Adds a finished game as the newest; drops the oldest games past the window. A game
  // without moves is ignored.
  void add(std::shared_ptr<const SelfPlayGame> game);

  // n positions drawn uniformly (with replacement) from the window; empty when it is.
  std::vector<PositionRef> sample(size_t n, Rng& rng) const;

  size_t games() const { return games_.size(); }
  size_t positions() const { return positions_; }
  uint64_t games_added() const { return added_; }  // since construction, dropped ones included

 private:
  size_t max_positions_;
  std::deque<std::shared_ptr<const SelfPlayGame>> games_;
  std::deque<size_t> ends_;  // ends_[k]: positions of games_[0..k] (prefix sums, rebased on drops)
  size_t dropped_ = 0;       // positions dropped off the front since the last rebase
  size_t positions_ = 0;
  uint64_t added_ = 0;
};

}  // namespace traceplay::selfplay
