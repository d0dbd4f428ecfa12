// Which sampled response a bootstrapping step keeps for one training prompt (the
// Searchformer's rule, section 4.3 of Lehnert et al. 2024): among the responses whose
// plan is correct and optimal, the one with the fewest trace tokens (ties: the lowest
// sample index, so the choice is deterministic); none qualifies -> the record keeps its
// own trace. With `keep_astar_candidate` the record's own trace competes as well: a
// response wins only with strictly fewer trace tokens. Torch-free.
#pragma once

#include <cstdint>
#include <vector>

#include "models/eval_metrics.h"

namespace traceplay::models {

// The index into `samples` of the response to keep, or -1 to keep the record's trace
// (`own_trace_tokens` long).
int64_t shortest_optimal_sample(const std::vector<SampleOutcome>& samples, int64_t own_trace_tokens,
                                bool keep_astar_candidate);

}  // namespace traceplay::models
