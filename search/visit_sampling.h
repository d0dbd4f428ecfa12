// The move choice at a temperature: candidate i with probability proportional to
// visits[i]^(1/T) (AlphaZero's pi ~ N^(1/T)). Computed in logs, relative to the most
// visited candidate, so that small temperatures (1/T of 100 and more) neither overflow
// nor lose the order: as T goes to 0 the choice becomes the most visited one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/rng.h"

namespace traceplay::search {

// The probabilities of the candidates at temperature T > 0 (0 for candidates without
// visits). All visits 0: uniform. Throws std::invalid_argument for T <= 0 or no candidate.
std::vector<double> visit_probabilities(const std::vector<int64_t>& visits, double temperature);

// One draw from visit_probabilities (an index into visits).
size_t sample_by_visits(const std::vector<int64_t>& visits, double temperature, Rng& rng);

}  // namespace traceplay::search
