// Matches between two model versions of a self-play run, played in-process by the
// learner (issue 21's gating): each side is the MCTS bot over its version's net, loaded
// from the model store like the actors' copies and served by one batching evaluator per
// side, so the games in flight fill its batches. Both sides search with the same visits
// (equal visits: the comparison the goals ask for), no root noise, the most visited
// move, a leaf expanded at its first evaluation, resignation as the GTP bot's (below 5%
// once a search has min(visits, 50) root visits). Openings: `random_opening_moves`
// random legal moves, each opening played with both colours (play/match.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "models/go_net_checkpoint.h"
#include "play/match.h"

namespace traceplay::models {

struct GatingSettings {
  int games = 20;           // per gate; 0: no gating (every version goes to the actors)
  int first_games = 0;      // also against v0000 (0: not)
  int64_t visits = 64;      // per move, both sides
  double threshold = 0.55;  // promoted when the score against the best reaches it
  int parallel = 8;         // games in flight
  int random_opening_moves = 2;
  int max_moves = 0;  // 0: 3 * size * size
};

// A (version dir a_dir) against B; A is Black in games 0, 2, ... Throws UserError for a
// checkpoint that does not meet `requirements`.
play::MatchResult play_versions(const std::string& a_dir, const std::string& b_dir,
                                const GoNetRequirements& requirements, const torch::Device& device, int size,
                                double komi, const GatingSettings& settings, uint64_t seed,
                                const std::function<bool()>& should_stop);

}  // namespace traceplay::models
