#include "play/random_player.h"

#include <vector>

namespace traceplay::play {

search::ThinkResult RandomPlayer::think(const go::Board& board, const search::ThinkRequest&) {
  const go::Color c = board.to_move();
  std::vector<go::Move> moves;
  for (const go::Move& m : board.legal_moves(c))
    if (!board.position().is_eye(c, board.position().point(m))) moves.push_back(m);
  search::ThinkResult result;
  result.move = moves.empty() ? go::Move::pass() : moves[rng_.below(moves.size())];
  return result;
}

}  // namespace traceplay::play
