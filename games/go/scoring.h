// Area scoring (Tromp-Taylor, as Chinese counting without the dead-stone agreement):
// a player's area is their stones plus the empty regions that reach only their colour;
// the score is Black's area minus White's minus komi. Dead stones, when given, are
// taken off first (so the region they sat in counts for the side that surrounds it).
#pragma once

#include <string>
#include <vector>

#include "games/go/board.h"
#include "games/go/position.h"

namespace traceplay::go {

struct AreaScore {
  int black = 0;  // Black's stones + Black-only empty regions
  int white = 0;
  double komi = 0;
  double score() const { return black - white - komi; }  // > 0: Black wins
};

// Per point (x + size * y): the stone's colour, the colour an empty region reaches
// alone, or kEmpty for a stone-free region reaching both (or neither) colour.
std::vector<Color> area_owners(const Position& position);

AreaScore area_score(const Position& position, double komi);
// The board's position with its rules' komi; `dead` stones are removed before counting.
AreaScore area_score(const Board& board, const std::vector<Move>& dead = {});

// "B+3.5", "W+0.5", "0" (GTP final_score and SGF RE): the margin with at most four
// decimals, trailing zeros dropped.
std::string format_result(double score);

}  // namespace traceplay::go
