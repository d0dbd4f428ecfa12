// The MCTS trace of a go-tactics task as tokens (DESIGN.md, "Trace format", pinned):
//
//   trace: per simulation, in the order the search ran them (one thread),
//            sim [x y | pass]... v<K>
//          the moves from the root to the simulation's leaf (none for the root's own
//          first evaluation), then the leaf's value bucket;
//   value bucket: the leaf's value v in [-1, 1] from the view of the prompt's side to
//          move, rounded to the nearest multiple of 1/4: K = floor(4 (v + 1) + 1/2),
//          0..8, so v0 = a sure loss, v4 = even, v8 = a sure win (the goal decided at the
//          leaf is exactly v0 or v8; 4 rollouts a leaf give every other bucket in 0, 2, 4,
//          6, 8: the odd ones are there for other rollout counts).
//   The simulations count is the number of `sim` tokens.
#pragma once

#include <string>
#include <vector>

#include "games/go/types.h"

namespace traceplay::search {

constexpr int kValueBuckets = 9;

// The bucket of a value (clamped to [-1, 1]; nan is refused with std::invalid_argument).
int value_bucket(double value);
std::string value_bucket_token(int bucket);  // "v0".."v8"

// One simulation as the trace writes it.
struct TraceSimulation {
  std::vector<go::Move> path;
  int bucket = 0;
  bool operator==(const TraceSimulation& o) const { return path == o.path && bucket == o.bucket; }
};

std::vector<std::string> go_tactics_trace(const std::vector<TraceSimulation>& simulations);

// Reads a trace back (the tokens before `plan`); throws UserError naming the first token
// out of place (a move before any `sim`, a coordinate off the board or without its
// partner, a simulation without its value bucket, an unknown token).
std::vector<TraceSimulation> parse_go_tactics_trace(const std::vector<std::string>& tokens, int size);

}  // namespace traceplay::search
