// A deliberately slow, obviously correct Go board for the tests: a plain grid, flood
// fill for chains and liberties, captures found by searching every group, ko and superko
// decided by comparing whole grids with earlier grids (no hashing, no incremental state).
// The fast Board is played against it move by move.
#pragma once

#include <set>
#include <utility>
#include <vector>

#include "games/go/rules.h"
#include "games/go/types.h"

namespace traceplay::go::testing {

class ReferenceBoard {
 public:
  using Grid = std::vector<int>;  // 0 empty, 1 black, 2 white; index x + n*y

  ReferenceBoard(int n, Rules rules) : n_(n), rules_(rules), grid_(static_cast<size_t>(n * n), 0) {
    states_.push_back({grid_, 1, {0, 0, 0}, false, 0});
  }

  int at(int x, int y) const { return grid_[idx(x, y)]; }
  int to_move() const { return states_.back().to_move; }
  int captures(int by) const { return states_.back().captures[by]; }
  const Grid& grid() const { return grid_; }

  // The chain through (x, y) and its number of distinct liberties.
  std::pair<std::vector<int>, int> chain(const Grid& g, int i) const {
    const int c = g[static_cast<size_t>(i)];
    std::vector<int> stones{i}, seen(static_cast<size_t>(n_ * n_), 0);
    std::set<int> libs;
    seen[static_cast<size_t>(i)] = 1;
    for (size_t k = 0; k < stones.size(); ++k)
      for (int j : neighbours(stones[k])) {
        if (g[static_cast<size_t>(j)] == 0) libs.insert(j);
        else if (g[static_cast<size_t>(j)] == c && !seen[static_cast<size_t>(j)]) {
          seen[static_cast<size_t>(j)] = 1;
          stones.push_back(j);
        }
      }
    return {stones, static_cast<int>(libs.size())};
  }
  int liberties(int x, int y) const { return chain(grid_, point(x, y)).second; }

  // The grid after colour c plays at (x, y), and how many enemy stones were captured;
  // `suicide` says whether c's own chain had to be removed.
  Grid after(int c, int x, int y, int* captured, bool* suicide) const {
    Grid g = grid_;
    const int i = point(x, y);
    g[static_cast<size_t>(i)] = c;
    *captured = 0;
    for (int j : neighbours(i)) {
      if (g[static_cast<size_t>(j)] != 3 - c) continue;
      auto [stones, libs] = chain(g, j);
      if (libs == 0) {
        for (int s : stones) g[static_cast<size_t>(s)] = 0;
        *captured += static_cast<int>(stones.size());
      }
    }
    auto [own, own_libs] = chain(g, i);
    *suicide = own_libs == 0;
    if (*suicide)
      for (int s : own) g[static_cast<size_t>(s)] = 0;
    return g;
  }

  MoveLegality check(int c, int x, int y) const {
    if (x < 0) return MoveLegality::kLegal;
    if (x >= n_ || y >= n_) return MoveLegality::kOffBoard;
    if (grid_[idx(x, y)] != 0) return MoveLegality::kOccupied;
    int captured;
    bool suicide;
    const Grid g = after(c, x, y, &captured, &suicide);
    // Simple ko: a capture may not bring back the position before the opponent's last
    // (board) move.
    const State& now = states_.back();
    if (captured > 0 && states_.size() >= 2 && now.last_was_board_move && now.last_mover == 3 - c &&
        g == states_[states_.size() - 2].grid)
      return MoveLegality::kKo;
    if (suicide && !rules_.allow_suicide) return MoveLegality::kSuicide;
    if (rules_.superko != Superko::kNone) {
      for (const State& s : states_) {
        const bool same =
            rules_.superko == Superko::kPositional ? s.grid == g : (s.grid == g && s.to_move == 3 - c);
        if (same) return MoveLegality::kSuperko;
      }
    }
    return MoveLegality::kLegal;
  }

  void play(int c, int x, int y) {
    State next = states_.back();
    next.last_mover = c;
    if (x < 0) {
      next.last_was_board_move = false;
    } else {
      int captured;
      bool suicide;
      grid_ = after(c, x, y, &captured, &suicide);
      next.captures[c] += captured;
      next.last_was_board_move = true;
    }
    next.grid = grid_;
    next.to_move = 3 - c;
    states_.push_back(next);
  }

  void undo() {
    states_.pop_back();
    grid_ = states_.back().grid;
  }

  // Tromp-Taylor: stones plus empty regions reaching only one colour; black minus white.
  int area_difference() const {
    int diff = 0;
    std::vector<int> seen(grid_.size(), 0);
    for (int i = 0; i < n_ * n_; ++i) {
      if (grid_[static_cast<size_t>(i)] == 1) ++diff;
      if (grid_[static_cast<size_t>(i)] == 2) --diff;
      if (grid_[static_cast<size_t>(i)] != 0 || seen[static_cast<size_t>(i)]) continue;
      std::vector<int> region{i};
      seen[static_cast<size_t>(i)] = 1;
      bool reach[3] = {false, false, false};
      for (size_t k = 0; k < region.size(); ++k)
        for (int j : neighbours(region[k])) {
          const int v = grid_[static_cast<size_t>(j)];
          if (v == 0 && !seen[static_cast<size_t>(j)]) {
            seen[static_cast<size_t>(j)] = 1;
            region.push_back(j);
          } else if (v != 0) {
            reach[v] = true;
          }
        }
      if (reach[1] && !reach[2]) diff += static_cast<int>(region.size());
      if (reach[2] && !reach[1]) diff -= static_cast<int>(region.size());
    }
    return diff;
  }

  std::vector<int> neighbours(int i) const {
    const int x = i % n_, y = i / n_;
    std::vector<int> out;
    if (x > 0) out.push_back(i - 1);
    if (x + 1 < n_) out.push_back(i + 1);
    if (y > 0) out.push_back(i - n_);
    if (y + 1 < n_) out.push_back(i + n_);
    return out;
  }

 private:
  struct State {
    Grid grid;
    int to_move;
    int captures[3];
    bool last_was_board_move;
    int last_mover;
  };
  size_t idx(int x, int y) const { return static_cast<size_t>(point(x, y)); }
  int point(int x, int y) const { return x + n_ * y; }

  int n_;
  Rules rules_;
  Grid grid_;
  std::vector<State> states_;
};

}  // namespace traceplay::go::testing
