// One node of the MCTS tree: the move that led to it, its prior and its statistics.
// Values are kept from the view of the player who played `move` (so a parent picks the
// child with the best value for itself); one visit adds one evaluation in [-1, 1].
// Every field is read and written under the search's tree lock (search/mcts.h); the
// children vector is assigned once, when the node is expanded, so pointers to nodes stay
// valid for the whole search.
// Two priors: `clean_prior` is the evaluator's, `prior` is what selection uses. They differ
// only at the root of a search with Dirichlet noise (search/mcts_settings.h), whose priors
// are re-noised from the clean ones on every search (a kept root is never noised twice).
// The field order packs the node into 64 bytes (the Move is 2 bytes, `expanded` fills the gap).
#pragma once

#include <cstdint>
#include <vector>

#include "games/go/types.h"

namespace traceplay::search {

struct MctsNode {
  go::Move move;          // pass for the root
  bool expanded = false;  // children created (once)
  float prior = 0;        // the prior selection uses: clean_prior, mixed with noise at a noised root
  float clean_prior = 0;  // the parent's evaluator prior for `move`, renormalised over the children
  int32_t in_flight = 0;  // virtual losses of evaluations not yet backed up
  int64_t visits = 0;     // evaluations backed up through this node
  double value_sum = 0;   // sum of values for the player who played `move`
  double score_sum = 0;   // sum of score leads (points) for that player
  std::vector<MctsNode> children;

  double mean_value() const { return visits > 0 ? value_sum / static_cast<double>(visits) : 0.0; }
  // Winrate in [0, 1] for the player who played `move`.
  double winrate() const { return (mean_value() + 1.0) / 2.0; }
  int64_t subtree_size() const {
    int64_t n = 1;
    for (const MctsNode& c : children) n += c.subtree_size();
    return n;
  }
};

}  // namespace traceplay::search
