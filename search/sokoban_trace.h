// Sokoban traces as Searchformer tokens (DESIGN.md, pinned; the reference's
// WithBoxSokobanTokenizer):
//   prompt  `worker x y box x y ... dock x y ... wall x y ...` (boxes not on a dock,
//           docks without a box, walls; each group sorted by the string "x-y");
//   step    `create|close worker x y box x y ... c<g> c<h>` (loose boxes only, same order);
//   plan    `plan x y ...` (the worker's positions).
// Vocabulary: coordinates 0..max(W,H)-1, c0..c(K-1), `worker box dock wall create
// close plan`. Tracing runs trace mode (search/sokoban_domain.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/vocabulary.h"
#include "games/grid.h"
#include "games/sokoban/level.h"
#include "search/astar.h"

namespace traceplay::search {

Vocabulary sokoban_vocabulary(int max_side, int cost_tokens);

std::vector<std::string> sokoban_prompt(const sokoban::Level& level);
// The `dock x y` and `wall x y` triples of the prompt, in order: a record's "layout".
std::vector<std::string> sokoban_layout_tokens(const std::vector<std::string>& prompt);
// The level a prompt describes, on a width x height grid (for replaying plans that a
// model wrote). Boxes that start on a dock are not in a prompt, as in the reference.
// Throws UserError naming the token for anything that is not a well-formed prompt.
sokoban::Level level_from_prompt(const std::vector<std::string>& prompt, int width, int height);

// Token ids of one Sokoban vocabulary, looked up once so that tracing writes ids.
struct SokobanTokenIds {
  SokobanTokenIds(const Vocabulary& vocabulary, int max_side, int cost_tokens);
  int32_t worker, box, dock, wall, create, close, plan;
  std::vector<int32_t> coordinate;  // by value
  std::vector<int32_t> cost;        // c<value>, value < K
};

struct SokobanTraceResult {
  SearchStatus status = SearchStatus::kUnsolvable;
  int cost = 0;
  uint64_t expansions = 0, created = 0;
  std::vector<Pos> plan;  // worker positions, start first (solved only)
  bool solved() const { return status == SearchStatus::kSolved; }
};

// Runs trace-mode A* on levels one after another, keeping the search buffers.
// Levels may have up to 64 boxes (the state is a fixed array; more throws UserError).
class SokobanTracer {
 public:
  SokobanTracer();
  ~SokobanTracer();
  SokobanTracer(const SokobanTracer&) = delete;
  SokobanTracer& operator=(const SokobanTracer&) = delete;

  // Untraced (no sink): the plain reference search, for cross-checks.
  SokobanTraceResult run(const sokoban::Level& level, const AStarOptions& options);
  // Trace and plan as token strings.
  SokobanTraceResult run(const sokoban::Level& level, const AStarOptions& options,
                         std::vector<std::string>& trace, std::vector<std::string>& plan);
  // Trace and plan as token ids; `cost_overflow` is set when some g or h needs a cost
  // token >= K (the trace is then incomplete and must be dropped).
  SokobanTraceResult run(const sokoban::Level& level, const AStarOptions& options, const SokobanTokenIds& ids,
                         std::vector<int32_t>& trace, std::vector<int32_t>& plan, bool& cost_overflow);

 private:
  struct Engines;
  std::unique_ptr<Engines> engines_;
};

// One traced search as token strings: for `solve --trace`, tests and tools.
struct SokobanTrace {
  SokobanTraceResult result;
  std::vector<std::string> prompt, trace, plan;
};
SokobanTrace trace_sokoban(const sokoban::Level& level, const AStarOptions& options = {});

}  // namespace traceplay::search
