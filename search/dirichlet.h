// Dirichlet samples from the project's Rng (core/rng.h), so that the root noise of a
// seeded search is the same on every platform (std::gamma_distribution is
// implementation-defined). Gamma draws by Marsaglia and Tsang (2000), with the shape < 1
// boost Gamma(a) = Gamma(a + 1) * U^(1/a) done in logs: with the small concentrations of
// root noise (about 0.03 per move on 19x19) U^(1/a) underflows doubles now and then, and
// normalising in logs keeps every sample a proper distribution.
#pragma once

#include <cstddef>
#include <vector>

#include "core/rng.h"

namespace traceplay::search {

// log of a Gamma(shape, 1) draw; shape > 0.
double sample_log_gamma(double shape, Rng& rng);

// n probabilities ~ Dirichlet(alpha, ..., alpha): non-negative, summing to 1; alpha > 0.
std::vector<double> sample_dirichlet(size_t n, double alpha, Rng& rng);

}  // namespace traceplay::search
