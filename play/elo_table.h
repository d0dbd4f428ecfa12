// An Elo table of many players from the pairwise results of their matches (the self-play
// versions' gating matches): a Bradley-Terry maximum-likelihood fit, as BayesElo and
// KataGo's summarize tools do, anchored at one player (Elo 0).
//
// Model: P(i beats j) = 1 / (1 + 10^((elo_j - elo_i) / 400)); a draw counts half a win
// to each. With r = elo * ln(10) / 400, the log-likelihood of the results is
//   L(r) = sum over pairs (i, j):  s_ij log sigma(r_i - r_j) + (n_ij - s_ij) log sigma(r_j - r_i),
// s_ij = i's score against j in n_ij games. Prior: one virtual draw added to every pair
// that played (half a win each way), so a version that won all its games gets a finite
// rating rather than infinity (BayesElo's "prior draws" in their simplest form); with
// tens of games a pair, it moves the fit by a few Elo.
// The fit: Newton's method on the ratings other than the anchor's (L is concave; the
// step is halved until L does not decrease). The 95% interval of each rating is
// elo +- 1.96 sqrt(C_ii) with C the inverse of -Hessian at the optimum (the observed
// information): the uncertainty relative to the anchor, so it grows along a chain of
// versions each measured against the one before.
// Every player must be connected to the anchor by played pairs; throws
// std::invalid_argument otherwise (its rating would be undefined), or for a result that
// names an unknown player, has games < 1, or a score outside [0, games].
#pragma once

#include <vector>

namespace traceplay::play {

struct PairResult {
  int a = 0, b = 0;    // player ids
  double a_score = 0;  // a's score: wins + draws / 2
  int games = 0;
};

struct RatedPlayer {
  int id = 0;
  double elo = 0;         // relative to the anchor
  double lo = 0, hi = 0;  // the 95% interval (the anchor's: [0, 0])
  int games = 0;          // played (without the virtual draws)
};

// `players`: the ids, in the order of the table returned; `anchor` one of them.
std::vector<RatedPlayer> fit_elo_table(const std::vector<int>& players,
                                       const std::vector<PairResult>& results, int anchor);

}  // namespace traceplay::play
