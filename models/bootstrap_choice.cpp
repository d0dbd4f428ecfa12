#include "models/bootstrap_choice.h"

namespace traceplay::models {

int64_t shortest_optimal_sample(const std::vector<SampleOutcome>& samples, int64_t own_trace_tokens,
                                bool keep_astar_candidate) {
  int64_t best = -1;
  for (size_t i = 0; i < samples.size(); ++i) {
    const SampleOutcome& s = samples[i];
    if (!s.correct || !s.optimal) continue;
    if (best < 0 || s.trace_tokens < samples[static_cast<size_t>(best)].trace_tokens)
      best = static_cast<int64_t>(i);
  }
  if (best >= 0 && keep_astar_candidate &&
      samples[static_cast<size_t>(best)].trace_tokens >= own_trace_tokens)
    return -1;
  return best;
}

}  // namespace traceplay::models
