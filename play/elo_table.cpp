#include "play/elo_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace traceplay::play {
namespace {

constexpr double kEloPerNatural = 400.0 / 2.302585092994046;  // 400 / ln 10
constexpr double kPriorDraws = 1.0;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double log_sigmoid(double x) { return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x)); }

// Solves A x = b in place (A symmetric positive definite, small): Gaussian elimination
// with partial pivoting. Returns false when A is singular.
bool solve(std::vector<std::vector<double>> a, std::vector<double>& b) {
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c) {
    size_t pivot = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
    if (std::abs(a[pivot][c]) < 1e-12) return false;
    std::swap(a[c], a[pivot]);
    std::swap(b[c], b[pivot]);
    for (size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      if (f == 0) continue;
      for (size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  for (size_t c = n; c-- > 0;) {
    for (size_t k = c + 1; k < n; ++k) b[c] -= a[c][k] * b[k];
    b[c] /= a[c][c];
  }
  return true;
}

struct Pair {
  size_t a, b;
  double score, games;  // with the prior's draws
};

}  // namespace

std::vector<RatedPlayer> fit_elo_table(const std::vector<int>& players,
                                       const std::vector<PairResult>& results, int anchor) {
  std::map<int, size_t> index;
  for (int id : players)
    if (!index.emplace(id, index.size()).second)
      throw std::invalid_argument("fit_elo_table: player " + std::to_string(id) + " is listed twice");
  const auto anchor_at = index.find(anchor);
  if (anchor_at == index.end()) throw std::invalid_argument("fit_elo_table: the anchor is not a player");
  const size_t n = players.size();

  std::vector<RatedPlayer> table(n);
  for (size_t i = 0; i < n; ++i) table[i].id = players[i];
  // The pairs' totals, a < b by index, each with its virtual draws.
  std::map<std::pair<size_t, size_t>, Pair> pairs;
  for (const PairResult& r : results) {
    const auto ia = index.find(r.a), ib = index.find(r.b);
    if (ia == index.end() || ib == index.end())
      throw std::invalid_argument("fit_elo_table: a result names an unknown player");
    if (ia->second == ib->second) throw std::invalid_argument("fit_elo_table: a player against itself");
    if (r.games < 1 || !(r.a_score >= 0 && r.a_score <= r.games))
      throw std::invalid_argument("fit_elo_table: a result needs games >= 1 and a score in [0, games]");
    const bool swap = ia->second > ib->second;
    const size_t a = swap ? ib->second : ia->second, b = swap ? ia->second : ib->second;
    auto [it, fresh] = pairs.try_emplace({a, b}, Pair{a, b, kPriorDraws / 2, kPriorDraws});
    it->second.score += swap ? r.games - r.a_score : r.a_score;
    it->second.games += r.games;
    table[a].games += r.games;
    table[b].games += r.games;
  }

  // Connectivity to the anchor (a rating is defined only through played pairs).
  std::vector<bool> reached(n, false);
  reached[anchor_at->second] = true;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [key, p] : pairs)
      if (reached[p.a] != reached[p.b]) reached[p.a] = reached[p.b] = grew = true;
  }
  for (size_t i = 0; i < n; ++i)
    if (!reached[i])
      throw std::invalid_argument("fit_elo_table: player " + std::to_string(players[i]) +
                                  " has no chain of games to the anchor");

  // The free ratings: every player but the anchor, at slot free_of[i].
  std::vector<long> free_of(n, -1);
  size_t m = 0;
  for (size_t i = 0; i < n; ++i)
    if (i != anchor_at->second) free_of[i] = static_cast<long>(m++);
  std::vector<double> r(n, 0.0);
  auto log_likelihood = [&](const std::vector<double>& x) {
    double l = 0;
    for (const auto& [key, p] : pairs)
      l += p.score * log_sigmoid(x[p.a] - x[p.b]) + (p.games - p.score) * log_sigmoid(x[p.b] - x[p.a]);
    return l;
  };
  // Gradient and information matrix (-Hessian) over the free ratings.
  auto derivatives = [&](std::vector<double>& gradient, std::vector<std::vector<double>>& information) {
    gradient.assign(m, 0.0);
    information.assign(m, std::vector<double>(m, 0.0));
    for (const auto& [key, p] : pairs) {
      const double s = sigmoid(r[p.a] - r[p.b]);
      const double g = p.score - p.games * s, w = p.games * s * (1 - s);
      const bool free_a = free_of[p.a] >= 0, free_b = free_of[p.b] >= 0;
      const size_t fa = static_cast<size_t>(free_of[p.a]), fb = static_cast<size_t>(free_of[p.b]);
      if (free_a) {
        gradient[fa] += g;
        information[fa][fa] += w;
      }
      if (free_b) {
        gradient[fb] -= g;
        information[fb][fb] += w;
      }
      if (free_a && free_b) {
        information[fa][fb] -= w;
        information[fb][fa] -= w;
      }
    }
  };
  std::vector<double> gradient;
  std::vector<std::vector<double>> information;
  for (int iteration = 0; iteration < 100 && m > 0; ++iteration) {
    derivatives(gradient, information);
    std::vector<double> step = gradient;
    if (!solve(information, step)) throw std::logic_error("fit_elo_table: singular information matrix");
    const double before = log_likelihood(r);
    double scale = 1, largest = 0;
    std::vector<double> next = r;
    for (int halvings = 0; halvings < 30; ++halvings, scale /= 2) {
      for (size_t i = 0; i < n; ++i)
        if (free_of[i] >= 0) next[i] = r[i] + scale * step[static_cast<size_t>(free_of[i])];
      if (log_likelihood(next) >= before - 1e-12) break;
    }
    for (size_t i = 0; i < n; ++i) largest = std::max(largest, std::abs(next[i] - r[i]));
    r = next;
    if (largest < 1e-10) break;
  }

  derivatives(gradient, information);
  for (size_t i = 0; i < n; ++i) {
    table[i].elo = kEloPerNatural * r[i];
    if (free_of[i] < 0) {
      table[i].lo = table[i].hi = table[i].elo;
      continue;
    }
    // C_ii: solve information * x = e_i.
    std::vector<double> unit(m, 0.0);
    unit[static_cast<size_t>(free_of[i])] = 1;
    if (!solve(information, unit)) throw std::logic_error("fit_elo_table: singular information matrix");
    const double half = 1.959963984540054 * kEloPerNatural * std::sqrt(unit[static_cast<size_t>(free_of[i])]);
    table[i].lo = table[i].elo - half;
    table[i].hi = table[i].elo + half;
  }
  return table;
}

}  // namespace traceplay::play
