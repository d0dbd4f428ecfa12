#include "search/visit_sampling.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace traceplay::search {

std::vector<double> visit_probabilities(const std::vector<int64_t>& visits, double temperature) {
  if (!(temperature > 0)) throw std::invalid_argument("visit sampling: the temperature must be > 0");
  if (visits.empty()) throw std::invalid_argument("visit sampling: no candidate");
  const int64_t most = *std::max_element(visits.begin(), visits.end());
  std::vector<double> p(visits.size(), 0.0);
  if (most <= 0) {
    std::fill(p.begin(), p.end(), 1.0 / static_cast<double>(p.size()));
    return p;
  }
  const double log_most = std::log(static_cast<double>(most));
  double total = 0;
  for (size_t i = 0; i < visits.size(); ++i)
    if (visits[i] > 0)
      total += p[i] = std::exp((std::log(static_cast<double>(visits[i])) - log_most) / temperature);
  for (double& x : p) x /= total;  // total >= 1: the most visited weighs exactly 1
  return p;
}

size_t sample_by_visits(const std::vector<int64_t>& visits, double temperature, Rng& rng) {
  const std::vector<double> p = visit_probabilities(visits, temperature);
  double u = rng.uniform01();
  size_t last = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] <= 0) continue;
    last = i;
    if (u < p[i]) return i;
    u -= p[i];
  }
  return last;  // rounding left u just above the total: the last candidate with a share
}

}  // namespace traceplay::search
