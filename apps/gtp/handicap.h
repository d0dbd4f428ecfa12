// Handicap stone placement: GTP's fixed_handicap (spec section 4.1.1, as GNU Go places
// them) and the engine's choice for place_free_handicap.
#pragma once

#include <vector>

#include "games/go/types.h"

namespace traceplay::gtp {

// The largest fixed handicap on a size x size board: 0 below 7x7, 4 on even boards and
// 7x7, 9 on odd boards from 9x9 on.
int max_fixed_handicap(int size);
// The standard points for `stones` (2..max_fixed_handicap); empty when not allowed.
std::vector<go::Move> fixed_handicap_points(int size, int stones);
// `stones` points for a free handicap (2..size*size-1): the fixed points where the board
// has them, then points on the star lines' grid away from the stones already chosen, then
// any remaining point.
std::vector<go::Move> free_handicap_points(int size, int stones);

}  // namespace traceplay::gtp
