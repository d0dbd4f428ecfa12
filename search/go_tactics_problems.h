// Curated go-tactics problems from an SGF collection (`gen --domain go-tactics
// --problems FILE`, DESIGN.md "Go tactics"): each game of the file is one problem.
//   - the position is the root node's setup (AB, AW; AE ignored there), on SZ 5..9, the
//     same size for every problem of the file; moves below the root (a solution) are
//     not part of the problem and are ignored;
//   - the side to move is PL (B or W), Black when absent;
//   - the target is the one point of TR (a triangle mark) in the root, a stone with
//     fewer liberties than the goal's safe number; the goal follows from the colours
//     (capture the opponent's chain, save one's own).
// Every broken problem is refused as a whole with "FILE: problem K: reason".
#pragma once

#include <string>
#include <vector>

#include "search/go_tactics_prompt.h"

namespace traceplay::search {

// The problems of `path` (a regular file, core/input_file.h), in file order; throws
// UserError (SgfError for malformed SGF) naming the file and the problem.
std::vector<GoTacticsTask> load_go_tactics_problems(const std::string& path, int safe_liberties);

}  // namespace traceplay::search
