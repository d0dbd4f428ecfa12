#include "games/go/scoring.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace traceplay::go {

std::vector<Color> area_owners(const Position& position) {
  const int n = position.size();
  std::vector<Color> owner(static_cast<size_t>(n * n), Color::kEmpty);
  std::vector<char> seen(static_cast<size_t>(n * n), 0);
  std::vector<int> region;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const size_t i = static_cast<size_t>(x + n * y);
      if (position.at(x, y) != Color::kEmpty) {
        owner[i] = position.at(x, y);
        continue;
      }
      if (seen[i]) continue;
      // Flood the empty region from (x, y), noting which colours it reaches.
      region.assign(1, static_cast<int>(i));
      seen[i] = 1;
      bool reaches[3] = {false, false, false};
      for (size_t k = 0; k < region.size(); ++k) {
        const int rx = region[k] % n, ry = region[k] / n;
        const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
        for (int d = 0; d < 4; ++d) {
          const int qx = rx + dx[d], qy = ry + dy[d];
          if (!position.on_board(qx, qy)) continue;
          const Color c = position.at(qx, qy);
          const size_t j = static_cast<size_t>(qx + n * qy);
          if (c != Color::kEmpty) reaches[static_cast<int>(c)] = true;
          else if (!seen[j]) {
            seen[j] = 1;
            region.push_back(static_cast<int>(j));
          }
        }
      }
      const Color c = reaches[1] && !reaches[2]   ? Color::kBlack
                      : reaches[2] && !reaches[1] ? Color::kWhite
                                                  : Color::kEmpty;
      for (int r : region) owner[static_cast<size_t>(r)] = c;
    }
  return owner;
}

AreaScore area_score(const Position& position, double komi) {
  AreaScore s;
  s.komi = komi;
  for (Color c : area_owners(position)) {
    s.black += c == Color::kBlack;
    s.white += c == Color::kWhite;
  }
  return s;
}

AreaScore area_score(const Board& board, const std::vector<Move>& dead) {
  if (dead.empty()) return area_score(board.position(), board.rules().komi);
  std::vector<Color> stones = board.position().stones();
  for (const Move& m : dead) {
    if (m.is_pass() || !board.position().on_board(m.x, m.y))
      throw std::invalid_argument("area_score: a dead stone is off the board");
    stones[static_cast<size_t>(m.x + board.size() * m.y)] = Color::kEmpty;
  }
  Position position(board.size());
  position.set_stones(stones);  // taking stones off never leaves a chain without liberties
  return area_score(position, board.rules().komi);
}

std::string format_result(double score) {
  if (std::fabs(score) < 1e-9) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", std::fabs(score));
  std::string margin = buf;
  while (margin.back() == '0') margin.pop_back();
  if (margin.back() == '.') margin.pop_back();
  return (score > 0 ? "B+" : "W+") + margin;
}

}  // namespace traceplay::go
