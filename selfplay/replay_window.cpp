#include "selfplay/replay_window.h"

#include <algorithm>
#include <stdexcept>

namespace traceplay::selfplay {

ReplayWindow::ReplayWindow(size_t max_positions) : max_positions_(max_positions) {
  if (max_positions_ == 0) throw std::invalid_argument("replay window: max_positions must be >= 1");
}

void ReplayWindow::add(std::shared_ptr<const SelfPlayGame> game) {
  if (game == nullptr || game->moves.empty()) return;
  ++added_;
  const size_t n = game->moves.size();
  ends_.push_back((ends_.empty() ? dropped_ : ends_.back()) + n);
  games_.push_back(std::move(game));
  positions_ += n;
  while (games_.size() > 1 && positions_ > max_positions_) {
    const size_t first = games_.front()->moves.size();
    positions_ -= first;
    dropped_ += first;
    games_.pop_front();
    ends_.pop_front();
  }
  // Keep the prefix sums small: rebase once the dropped offset is as large as the window.
  if (dropped_ > max_positions_) {
    for (size_t& e : ends_) e -= dropped_;
    dropped_ = 0;
  }
}

std::vector<PositionRef> ReplayWindow::sample(size_t n, Rng& rng) const {
  std::vector<PositionRef> out;
  if (positions_ == 0) return out;
  out.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    const size_t r = dropped_ + static_cast<size_t>(rng.below(positions_));
    // The game whose range [end of the previous, end) holds r.
    const size_t g = static_cast<size_t>(std::upper_bound(ends_.begin(), ends_.end(), r) - ends_.begin());
    const size_t start = g == 0 ? dropped_ : ends_[g - 1];
    out.push_back({games_[g], r - start});
  }
  return out;
}

}  // namespace traceplay::selfplay
