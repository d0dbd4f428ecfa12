// A response to a go-tactics task scored against its record (issue [9]; `traceplay eval`
// reports the rate of correct answers). Nothing the response says is trusted, and no
// response makes this throw:
//   correct   = the response's plan is a proven winning first move (meta "winning");
//   wrong     = a legal move (or pass) that is not in the proven set;
//   illegal   = a point that is occupied, suicide, or the prompt's ko point;
//   malformed = no `plan`, `plan` not followed by `x y` on the board or `pass`, anything
//               but one final `eos` after the move (a response cut off before `eos` too).
// Only correct counts as correct. The response is as the sampler writes it: `bos` first
// (tolerated when missing), the trace, the plan, `eos`. The trace (the tokens before the
// first `plan`) is measured as well: its tokens, its simulations (`sim` tokens) and
// whether it reads back as an MCTS trace (search/go_tactics_trace.h).
// The record's prompt and meta come from a dataset, not from the model: when they do not
// fit (a prompt that does not parse, meta without "size" or "winning"), that is a broken
// dataset and throws UserError naming what is missing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "games/go/types.h"

namespace traceplay::search {

enum class TacticsAnswer { kCorrect, kWrong, kIllegal, kMalformed };
const char* to_string(TacticsAnswer answer);

struct GoTacticsScore {
  TacticsAnswer answer = TacticsAnswer::kMalformed;
  std::string reason;        // why not correct ("" when correct; illegal: "occupied", "suicide" or "ko")
  go::Move move;             // the answered move (meaningful unless malformed)
  int64_t trace_tokens = 0;  // tokens after bos before the first `plan` (or eos / the end)
  int64_t simulations = 0;   // `sim` tokens among them
  bool trace_well_formed = false;  // the trace reads back (parse_go_tactics_trace)
  bool correct() const { return answer == TacticsAnswer::kCorrect; }
};

GoTacticsScore score_go_tactics_response(const std::vector<std::string>& response,
                                         const std::vector<std::string>& prompt, const nlohmann::json& meta);

}  // namespace traceplay::search
