#include "play/elo.h"

#include <cmath>
#include <stdexcept>

namespace traceplay::play {
namespace {

constexpr double kZ95 = 1.959963984540054;  // two-sided 95% quantile of the normal

std::optional<double> elo_if_bounded(double p) {
  if (p <= 0 || p >= 1) return std::nullopt;
  return elo_from_score_fraction(p);
}

}  // namespace

double elo_from_score_fraction(double p) { return -400.0 * std::log10(1.0 / p - 1.0); }

EloEstimate estimate_elo(const std::vector<double>& scores) {
  if (scores.empty()) throw std::invalid_argument("estimate_elo: no games");
  const double n = static_cast<double>(scores.size());
  double sum = 0;
  for (double s : scores) sum += s;
  EloEstimate out;
  out.score_fraction = sum / n;
  const double p = out.score_fraction;
  if (p >= 1) {
    out.lo = elo_from_score_fraction(std::pow(0.05, 1.0 / n));
    return out;
  }
  if (p <= 0) {
    out.hi = elo_from_score_fraction(1.0 - std::pow(0.05, 1.0 / n));
    return out;
  }
  double squares = 0;
  for (double s : scores) squares += (s - p) * (s - p);
  const double se = std::sqrt(squares / n) / std::sqrt(n);
  out.elo = elo_from_score_fraction(p);
  out.lo = elo_if_bounded(p - kZ95 * se);
  out.hi = elo_if_bounded(p + kZ95 * se);
  return out;
}

}  // namespace traceplay::play
