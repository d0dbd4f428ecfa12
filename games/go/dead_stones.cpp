#include "games/go/dead_stones.h"

#include <algorithm>

#include "games/go/pass_alive.h"
#include "games/go/playout.h"
#include "games/go/scoring.h"

namespace traceplay::go {

namespace {

struct ChainInfo {
  Color color;
  std::vector<int> stones;  // indices x + n*y
  double survival = 0;
  bool pass_alive = false;
};

// Would c at empty point p be refused or leave c's chain there with at most one liberty
// while capturing nothing? (Filling a shared liberty of a seki is such a move for both.)
bool self_atari(const Position& position, Color c, int p) {
  if (!position.is_legal(c, p)) return true;
  if (position.captures_if_played(c, p) > 0) return false;
  Position after = position;
  after.play(c, p);
  return after.at(p) != c || after.liberties(p) <= 1;
}

// Rule 2: a chain is in seki (so not dead) when one of its liberties, shared with an
// opponent chain, is a self-atari for both sides: neither can fill it. Returns those
// liberties (x + size * y); none means no seki.
std::vector<int> seki_liberties(const Position& position, const std::vector<int>& stones, Color c) {
  const int n = position.size();
  std::vector<int> found;
  for (int j : stones) {
    const int x = j % n, y = j / n;
    const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
    for (int d = 0; d < 4; ++d) {
      const int lx = x + dx[d], ly = y + dy[d];
      if (!position.on_board(lx, ly) || position.at(lx, ly) != Color::kEmpty) continue;
      bool shared = false;
      for (int e = 0; e < 4; ++e) {
        const int qx = lx + dx[e], qy = ly + dy[e];
        shared |= position.on_board(qx, qy) && position.at(qx, qy) == opponent(c);
      }
      const int p = position.point(lx, ly);
      if (shared && self_atari(position, c, p) && self_atari(position, opponent(c), p))
        found.push_back(lx + n * ly);
    }
  }
  return found;
}

}  // namespace

DeadStoneEstimate estimate_dead_stones(const Board& board, const DeadStoneOptions& options) {
  const Position& start = board.position();
  const int n = start.size();
  const size_t points = static_cast<size_t>(n * n);
  const int playouts = options.playouts > 0 ? options.playouts : n <= 9 ? 400 : 200;

  // Ownership by playouts: count, per point, the playouts ending with it Black's / White's.
  std::vector<int> black(points, 0), white(points, 0);
  Rng rng = Rng::stream(options.seed, static_cast<uint64_t>(start.hash()));
  Position scratch(n);
  for (int k = 0; k < playouts; ++k) {
    scratch = start;
    // Both sides start half the playouts: after two passes neither is really "to move".
    run_playout(scratch, k % 2 == 0 ? board.to_move() : opponent(board.to_move()), rng);
    const std::vector<Color> owner = area_owners(scratch);
    for (size_t i = 0; i < points; ++i) {
      black[i] += owner[i] == Color::kBlack;
      white[i] += owner[i] == Color::kWhite;
    }
  }
  DeadStoneEstimate out;
  out.ownership.resize(points);
  out.survival.assign(points, -1.0f);
  for (size_t i = 0; i < points; ++i)
    out.ownership[i] = static_cast<float>(black[i] - white[i]) / static_cast<float>(playouts);

  // Chains with their survival (mean share of playouts their colour kept their points).
  std::vector<int> chain_id(points, -1);
  std::vector<ChainInfo> chains;
  const std::vector<bool> alive_b = pass_alive_stones(start, Color::kBlack);
  const std::vector<bool> alive_w = pass_alive_stones(start, Color::kWhite);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const size_t i = static_cast<size_t>(x + n * y);
      const Color c = start.at(x, y);
      if (c == Color::kEmpty || chain_id[i] >= 0) continue;
      ChainInfo info;
      info.color = c;
      const int rep = start.chain_of(start.point(x, y));
      int s = rep;
      do {
        const int j = start.x_of(s) + n * start.y_of(s);
        chain_id[static_cast<size_t>(j)] = static_cast<int>(chains.size());
        info.stones.push_back(j);
        s = start.next_in_chain(s);
      } while (s != rep);
      double kept = 0;
      for (int j : info.stones) {
        const int own = c == Color::kBlack ? black[static_cast<size_t>(j)] : white[static_cast<size_t>(j)];
        out.survival[static_cast<size_t>(j)] = static_cast<float>(own) / static_cast<float>(playouts);
        kept += static_cast<double>(own) / playouts;
      }
      info.survival = kept / static_cast<double>(info.stones.size());
      info.pass_alive = (c == Color::kBlack ? alive_b : alive_w)[i];
      chains.push_back(std::move(info));
    }
  std::vector<char> dead(chains.size(), 0), seki(chains.size(), 0);
  for (size_t a = 0; a < chains.size(); ++a) {
    const ChainInfo& ch = chains[a];
    if (ch.pass_alive || ch.survival >= options.dead_below) continue;
    const std::vector<int> shared = seki_liberties(start, ch.stones, ch.color);
    if (!shared.empty()) seki[a] = 1;  // (a partner chain seen earlier may have set it)
    dead[a] = !seki[a];
    // The opponent's chains on those liberties are the other side of the seki, even when
    // the playouts let them live more often.
    for (int l : shared) {
      const int lx = l % n, ly = l / n;
      const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
      for (int d = 0; d < 4; ++d) {
        const int qx = lx + dx[d], qy = ly + dy[d];
        if (!start.on_board(qx, qy) || start.at(qx, qy) != opponent(ch.color)) continue;
        const int b = chain_id[static_cast<size_t>(qx + n * qy)];
        if (!chains[static_cast<size_t>(b)].pass_alive) seki[static_cast<size_t>(b)] = 1;
      }
    }
  }
  for (size_t a = 0; a < chains.size(); ++a)
    if (seki[a]) dead[a] = 0;

  // Rule 3: with the dead stones off, each dead chain must sit in the opponent's area.
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<Color> stones = start.stones();
    for (size_t a = 0; a < chains.size(); ++a)
      if (dead[a])
        for (int j : chains[a].stones) stones[static_cast<size_t>(j)] = Color::kEmpty;
    Position removed(n);
    removed.set_stones(stones);
    const std::vector<Color> owner = area_owners(removed);
    for (size_t a = 0; a < chains.size(); ++a) {
      if (!dead[a]) continue;
      for (int j : chains[a].stones)
        if (owner[static_cast<size_t>(j)] != opponent(chains[a].color)) {
          dead[a] = 0;
          changed = true;
          break;
        }
    }
  }

  for (size_t i = 0; i < points; ++i) {
    const int id = chain_id[i];
    if (id < 0) continue;
    const Move m = Move::at(static_cast<int>(i) % n, static_cast<int>(i) / n);
    if (dead[static_cast<size_t>(id)]) out.dead.push_back(m);
    if (seki[static_cast<size_t>(id)]) out.seki.push_back(m);
  }
  return out;
}

}  // namespace traceplay::go
