// Dataset records for mazes, made as the reference generator makes them (see
// maze_source.cpp): random wall layouts, up to 100 start/goal draws each.
#pragma once

#include <memory>

#include "core/trace_source.h"

namespace traceplay::search {

struct MazeSourceParams {
  int width = 10, height = 10;
  bool deterministic = true;
  int attempts_per_layout = 100;
};

// Throws UserError on bad parameters.
std::unique_ptr<TraceSource> make_maze_source(const MazeSourceParams& params);

}  // namespace traceplay::search
