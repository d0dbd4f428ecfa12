#include "search/dirichlet.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace traceplay::search {

namespace {

// A standard normal draw (Box-Muller; 1 - U is in (0, 1], so the log is finite).
double sample_normal(Rng& rng) {
  const double u1 = 1.0 - rng.uniform01(), u2 = rng.uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace

double sample_log_gamma(double shape, Rng& rng) {
  if (!(shape > 0) || !std::isfinite(shape))
    throw std::invalid_argument("sample_log_gamma: shape must be > 0");
  if (shape < 1) return sample_log_gamma(shape + 1, rng) + std::log(1.0 - rng.uniform01()) / shape;
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = sample_normal(rng);
    double v = 1.0 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = 1.0 - rng.uniform01();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return std::log(d * v);
  }
}

std::vector<double> sample_dirichlet(size_t n, double alpha, Rng& rng) {
  std::vector<double> p(n);
  double top = -std::numeric_limits<double>::infinity();
  for (double& x : p) {
    x = sample_log_gamma(alpha, rng);
    top = std::max(top, x);
  }
  double total = 0;
  for (double& x : p) total += (x = std::exp(x - top));  // the largest is 1: the sum never underflows
  for (double& x : p) x /= total;
  return p;
}

}  // namespace traceplay::search
