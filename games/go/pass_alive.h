// Benson's algorithm: the chains of one colour that are unconditionally alive ("pass-
// alive"): they cannot be captured even if their owner passes every move. A chain is
// pass-alive when it has two "vital" regions among a set of chains that all have two:
// a region is a maximal connected set of points not of that colour, and it is vital to
// a chain when every empty point of the region is a liberty of the chain. The
// dead-stone estimator never calls such a chain dead, whatever the playouts say.
#pragma once

#include <vector>

#include "games/go/position.h"

namespace traceplay::go {

// Per point (x + size * y): true where a stone of colour c belongs to a pass-alive chain.
std::vector<bool> pass_alive_stones(const Position& position, Color c);

}  // namespace traceplay::go
