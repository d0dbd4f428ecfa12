// Reading a decoder response back into a plan, for evaluating model outputs.
//
// A response is `[bos] trace... plan x y plan x y ... [eos]` (the trace may be empty,
// as in solution-only models). Parsing never trusts the model: every malformed
// sequence is rejected with the position and what was expected there, never a crash.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "games/grid.h"

namespace traceplay::search {

struct ParsedResponse {
  bool ok = false;
  std::string error;      // "token 17: expected a coordinate, got \"wall\"" when !ok
  int trace_tokens = 0;   // tokens before the first "plan", bos excluded (DESIGN.md)
  std::vector<Pos> plan;  // the positions of the plan, in order
  bool has_eos = false;
};

// `max_coordinate`: coordinates must lie in [0, max_coordinate).
ParsedResponse parse_plan_response(const std::vector<std::string>& tokens, int max_coordinate);

// The plan tokens of a position sequence: "plan x y" for each.
std::vector<std::string> plan_tokens(const std::vector<Pos>& plan);

}  // namespace traceplay::search
