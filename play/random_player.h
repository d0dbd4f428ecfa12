// The weakest sensible baseline: a uniformly random legal move that does not fill one of
// the mover's own true eyes (go::Position::is_eye, the playouts' rule), and a pass when no
// such move is left; never resigns. Seeded: the same seed and the same games give the
// same moves. Its analysis is empty (no search: root_visits 0, no moves).
#pragma once

#include <cstddef>  // before core/rng.h, which uses size_t without including it
#include <cstdint>

#include "core/rng.h"
#include "search/go_player.h"

namespace traceplay::play {

class RandomPlayer final : public search::GoPlayer {
 public:
  explicit RandomPlayer(uint64_t seed = 1) : rng_(seed) {}

  search::ThinkResult think(const go::Board& board, const search::ThinkRequest& request) override;

 private:
  Rng rng_;
};

}  // namespace traceplay::play
