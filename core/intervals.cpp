#include "core/intervals.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/rng.h"

namespace traceplay {

namespace {

// The q-quantile of sorted values, interpolating linearly between the order statistics
// at (size - 1) q (numpy's default, "linear").
double quantile(const std::vector<double>& sorted, double q) {
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const size_t below = static_cast<size_t>(std::floor(h));
  if (below + 1 >= sorted.size()) return sorted.back();
  return sorted[below] + (h - static_cast<double>(below)) * (sorted[below + 1] - sorted[below]);
}

}  // namespace

Interval wilson_interval(int64_t successes, int64_t trials, double z) {
  if (trials < 0 || successes < 0 || successes > trials)
    throw std::invalid_argument("wilson_interval: need 0 <= successes <= trials, got " +
                                std::to_string(successes) + " of " + std::to_string(trials));
  if (trials == 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double center = (p + z2 / (2 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  // At k = 0 (k = n) the bound is 0 (1) in exact arithmetic; rounding must not move it.
  const double lo = successes == 0 ? 0.0 : std::max(0.0, center - half);
  const double hi = successes == trials ? 1.0 : std::min(1.0, center + half);
  return {lo, hi};
}

Interval bootstrap_mean_interval(const std::vector<double>& values, const ResampleOptions& options) {
  if (values.empty()) throw std::invalid_argument("bootstrap_mean_interval: no values");
  if (options.resamples < 1)
    throw std::invalid_argument("bootstrap_mean_interval: resamples must be at least 1, got " +
                                std::to_string(options.resamples));
  for (double v : values)
    if (!std::isfinite(v)) throw std::invalid_argument("bootstrap_mean_interval: a value is not finite");
  const size_t n = values.size();
  Rng rng(options.seed);
  std::vector<double> means(static_cast<size_t>(options.resamples));
  for (double& mean : means) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += values[rng.below(n)];
    mean = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  return {quantile(means, 0.025), quantile(means, 0.975)};
}

Interval paired_bootstrap_interval(const std::vector<double>& a, const std::vector<double>& b,
                                   const ResampleOptions& options) {
  if (a.size() != b.size())
    throw std::invalid_argument("paired_bootstrap_interval: " + std::to_string(a.size()) +
                                " values against " + std::to_string(b.size()) +
                                " (they must be aligned by task)");
  std::vector<double> differences(a.size());
  for (size_t i = 0; i < a.size(); ++i) differences[i] = a[i] - b[i];
  return bootstrap_mean_interval(differences, options);
}

}  // namespace traceplay
