// Random Sokoban levels as the Searchformer reference makes its 7x7 tasks
// (sokoban.py, `generate_level`): a border of walls, `walls` interior walls on random
// free cells, `boxes` boxes on random free cells at least two cells from the border
// (the central 3x3 of a 7x7 level), the worker on a random free cell, and as many
// docks on random free cells. Whether the level is solvable is the caller's question
// (the trace source keeps it only when A* solves it).
#pragma once

#include <optional>

#include "core/rng.h"
#include "games/sokoban/level.h"

namespace traceplay::sokoban {

struct GeneratorParams {
  int width = 7, height = 7;  // including the border
  int walls = 2;              // interior walls
  int boxes = 2;
};

// Throws UserError when the parameters cannot make a level (too small, too full).
void validate(const GeneratorParams& params);

// One draw; nullopt when the draw has too few free cells for every object (the
// reference then made a level with fewer boxes than docks, which no one can solve).
std::optional<Level> generate_level(const GeneratorParams& params, Rng& rng);

}  // namespace traceplay::sokoban
