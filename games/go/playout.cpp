#include "games/go/playout.h"

namespace traceplay::go {

int random_playout_move(const Position& position, Color c, Rng& rng) {
  const int n = position.num_empty();
  if (n == 0) return Position::kNoPoint;
  // (32 random bits * n) >> 32: a start index without a division; the bias (n / 2^32)
  // is far below anything a playout could show.
  int i = static_cast<int>(((rng.next() >> 32) * static_cast<uint64_t>(n)) >> 32);
  for (int k = 0; k < n; ++k) {
    const int p = position.empty_point(i);
    if (!position.is_eye(c, p) && !position.is_ko_blocked(c, p) && !position.is_suicide(c, p)) return p;
    if (++i == n) i = 0;
  }
  return Position::kNoPoint;
}

PlayoutResult run_playout(Position& position, Color c, Rng& rng, int max_moves) {
  if (max_moves <= 0) max_moves = 3 * position.size() * position.size();
  PlayoutResult result;
  int passes = 0;
  while (passes < 2 && result.moves < max_moves) {
    const int p = random_playout_move(position, c, rng);
    if (p == Position::kNoPoint) {
      position.pass();
      ++passes;
    } else {
      position.play(c, p);
      passes = 0;
    }
    c = opponent(c);
    ++result.moves;
  }
  result.ended_by_passes = passes >= 2;
  result.area_difference = position.area_difference();
  return result;
}

}  // namespace traceplay::go
