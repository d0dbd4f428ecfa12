// Dataset records for Sokoban: generated 7x7-style levels (the paper's tasks) or the
// levels of an .xsb/Boxoban collection, each traced by A* in trace mode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/trace_source.h"

namespace traceplay::search {

struct SokobanSourceParams {
  // Generator (used when `levels_file` is empty).
  int width = 7, height = 7;  // including the border walls
  int walls = 2;              // interior walls
  int boxes = 2;
  // A collection instead of generated levels: every level of the file, in file order.
  std::string levels_file;
  bool deterministic = false;     // the paper's Sokoban data came from non-deterministic A*
  int cost_tokens = 1000;         // vocabulary c0..c(K-1); traces needing more are dropped
  uint64_t max_expansions = 0;    // per level; 0 = no limit (levels over it are dropped)
  uint64_t max_trace_tokens = 0;  // 0 = no limit (longer traces are dropped)
};

// Throws UserError on bad parameters or a malformed collection.
std::unique_ptr<TraceSource> make_sokoban_source(const SokobanSourceParams& params);

}  // namespace traceplay::search
