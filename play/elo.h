// A's Elo difference over B from a match's per-game scores, with a 95% interval.
//
// Each game gives A a score s_i: 1 for a win, 1/2 for a draw, 0 for a loss (forfeits
// count as losses for the side that forfeits). With N games:
//   p  = (wins + draws / 2) / N                        the score fraction
//   e  = elo(p) = -400 log10(1/p - 1)                  the logistic Elo model
//   se = sqrt( sum_i (s_i - p)^2 / N ) / sqrt(N)       standard error of p (normal approx.)
//   interval = [elo(p - 1.96 se), elo(p + 1.96 se)]    the bounds of p mapped through elo()
// A bound of p at or beyond 0 or 1 maps to an infinite Elo and is reported as absent
// (null): the data do not bound it on that side.
// When one side won every game, p is 0 or 1, e is infinite (absent) and se is 0, so the
// normal approximation says nothing; the bound is then the exact one-sided 95% binomial
// (Clopper-Pearson) bound: A won all N games -> p_lo = 0.05^(1/N) (the p at which N wins
// in N games has probability 5%), lower bound elo(p_lo), no upper bound; B won all ->
// p_hi = 1 - 0.05^(1/N), upper bound elo(p_hi), no lower bound.
#pragma once

#include <optional>
#include <vector>

namespace traceplay::play {

struct EloEstimate {
  double score_fraction = 0.5;   // p
  std::optional<double> elo;     // absent when p is 0 or 1
  std::optional<double> lo, hi;  // the 95% interval's bounds; absent when unbounded
};

// -400 log10(1/p - 1) for p in (0, 1).
double elo_from_score_fraction(double p);

// `scores`: A's score in each game, each 0, 0.5 or 1; at least one game.
EloEstimate estimate_elo(const std::vector<double>& scores);

}  // namespace traceplay::play
