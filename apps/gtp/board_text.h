// showboard's diagram, as GNU Go draws it: column letters, rows numbered from the bottom,
// X for Black, O for White, + on star points, captures beside the last rows.
#pragma once

#include <string>

#include "games/go/board.h"

namespace traceplay::gtp {

// Starts with a newline (the diagram begins on the line after "="); no empty line inside.
std::string board_diagram(const go::Board& board);

}  // namespace traceplay::gtp
