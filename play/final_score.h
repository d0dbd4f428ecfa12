// How a game that ended by two passes is scored: Tromp-Taylor area (games/go/scoring.h)
// with komi, after removing the stones that the dead-stone estimate (games/go/dead_stones.h)
// calls dead.
//
// Why this rule: light bots do not capture every dead stone before passing, and
// MctsPlayer's pass policy (search/mcts_player.h) passes after the opponent's pass
// exactly when passing wins by this same rule: area after estimate_dead_stones() of the
// board it sees, seeded with its own seed. So the estimate is made on the position the
// second passer saw (the finished game with its last pass taken back: same stones, that
// player to move; the estimate's playouts depend on who is to move), seeded with
// `seed`. With seed equal to the player's (both default to 1), a bot that passed because
// passing wins is never robbed by the scoring. Plain Tromp-Taylor (no removal) would
// count a dead stone's region as neutral and reverse such games.
#pragma once

#include <cstdint>
#include <vector>

#include "games/go/board.h"
#include "games/go/types.h"

namespace traceplay::play {

struct FinalScore {
  double score = 0;            // Black's area - White's - komi (> 0: Black wins, 0: a draw)
  std::vector<go::Move> dead;  // stones removed before counting, row by row
  std::vector<go::Color>
      ownership;  // per point (x + size * y): whose area it is after the removal; kEmpty: neutral
};

// `board`: a finished game (board.game_over(), the last move a pass). Throws
// std::invalid_argument otherwise.
FinalScore score_finished_game(const go::Board& board, uint64_t seed = 1);

}  // namespace traceplay::play
