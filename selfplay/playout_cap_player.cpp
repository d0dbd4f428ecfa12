#include "selfplay/playout_cap_player.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace traceplay::selfplay {

void PlayoutCap::validate() const {
  if (full_visits < 1 || fast_visits < 1)
    throw std::invalid_argument("playout cap: full_visits and fast_visits must be >= 1");
  if (fast_visits > full_visits)
    throw std::invalid_argument("playout cap: fast_visits (" + std::to_string(fast_visits) +
                                ") must not exceed full_visits (" + std::to_string(full_visits) + ")");
  if (!(full_fraction >= 0 && full_fraction <= 1))
    throw std::invalid_argument("playout cap: full_fraction must be in [0, 1]");
}

namespace {

search::MctsSettings without_noise(search::MctsSettings s) {
  s.dirichlet_fraction = 0;
  s.seed ^= 0x9e3779b97f4a7c15ULL;  // the fast searches' own streams
  return s;
}

const PlayoutCap& checked(const PlayoutCap& cap) {
  cap.validate();
  return cap;
}

}  // namespace

PlayoutCapPlayer::PlayoutCapPlayer(const search::MctsSettings& settings, const PlayoutCap& cap,
                                   std::shared_ptr<const search::Evaluator> evaluator)
    : cap_(checked(cap)),
      full_player_(settings, evaluator),
      fast_player_(without_noise(settings), evaluator),
      rng_(Rng::stream(settings.seed, 0x706c61796f7574ULL)) {}

search::ThinkResult PlayoutCapPlayer::think(const go::Board& board, const search::ThinkRequest& request) {
  const bool full =
      cap_.full_fraction >= 1 || (cap_.full_fraction > 0 && rng_.uniform01() < cap_.full_fraction);
  full_.push_back(full);
  search::ThinkRequest r = request;
  r.limits.max_visits = full ? cap_.full_visits : cap_.fast_visits;
  r.limits.max_seconds = 0;
  return full ? full_player_.think(board, r) : fast_player_.think(board, r);
}

void PlayoutCapPlayer::new_game() {
  full_player_.new_game();
  fast_player_.new_game();
  full_.clear();
}

}  // namespace traceplay::selfplay
