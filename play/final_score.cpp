#include "play/final_score.h"

#include <stdexcept>

#include "games/go/dead_stones.h"
#include "games/go/scoring.h"

namespace traceplay::play {

FinalScore score_finished_game(const go::Board& board, uint64_t seed) {
  if (!board.game_over() || board.moves().empty() || !board.moves().back().move.is_pass())
    throw std::invalid_argument("score_finished_game: the game has not ended by two passes");
  go::Board seen_by_last_passer = board;
  seen_by_last_passer.undo();
  go::DeadStoneOptions options;
  options.seed = seed;
  FinalScore out;
  out.dead = go::estimate_dead_stones(seen_by_last_passer, options).dead;
  out.score = go::area_score(board, out.dead).score();
  std::vector<go::Color> stones = board.position().stones();
  for (const go::Move& m : out.dead)
    stones[static_cast<size_t>(m.x + board.size() * m.y)] = go::Color::kEmpty;
  go::Position cleared(board.size());
  cleared.set_stones(stones);  // taking stones off never leaves a chain without liberties
  out.ownership = go::area_owners(cleared);
  return out;
}

}  // namespace traceplay::play
