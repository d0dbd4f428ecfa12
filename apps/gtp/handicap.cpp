#include "apps/gtp/handicap.h"

#include <algorithm>
#include <cstdlib>

namespace traceplay::gtp {

int max_fixed_handicap(int size) {
  if (size < 7) return 0;
  return (size % 2 == 1 && size >= 9) ? 9 : 4;
}

std::vector<go::Move> fixed_handicap_points(int size, int stones) {
  if (stones < 2 || stones > max_fixed_handicap(size)) return {};
  // The star points sit on the third line up to 11x11 and on the fourth from 12x12 (GNU Go).
  const int lo = size <= 11 ? 2 : 3, hi = size - 1 - lo, mid = size / 2;
  const go::Move upper_right = go::Move::at(hi, lo), lower_left = go::Move::at(lo, hi),
                 upper_left = go::Move::at(lo, lo), lower_right = go::Move::at(hi, hi),
                 center = go::Move::at(mid, mid);
  std::vector<go::Move> points = {upper_right, lower_left};
  if (stones >= 3) points.push_back(upper_left);
  if (stones >= 4) points.push_back(lower_right);
  if (stones >= 6) {
    points.push_back(go::Move::at(lo, mid));
    points.push_back(go::Move::at(hi, mid));
  }
  if (stones >= 8) {
    points.push_back(go::Move::at(mid, lo));
    points.push_back(go::Move::at(mid, hi));
  }
  if (stones % 2 == 1 && stones >= 5) points.push_back(center);
  // Listed as GNU Go lists them: from the top row down, left to right.
  std::sort(points.begin(), points.end(),
            [](go::Move a, go::Move b) { return a.y != b.y ? a.y < b.y : a.x < b.x; });
  return points;
}

std::vector<go::Move> free_handicap_points(int size, int stones) {
  if (stones < 2 || stones > size * size - 1) return {};
  std::vector<go::Move> points = fixed_handicap_points(size, std::min(stones, max_fixed_handicap(size)));
  std::vector<char> taken(static_cast<size_t>(size * size), 0);
  for (go::Move m : points) taken[static_cast<size_t>(m.x + size * m.y)] = 1;
  auto near_chosen = [&](int x, int y) {
    for (go::Move m : points)
      if (std::abs(m.x - x) + std::abs(m.y - y) <= 1) return true;
    return false;
  };
  // First pass: off the edge and not touching a chosen stone; second: anything empty.
  for (int pass = 0; pass < 2 && static_cast<int>(points.size()) < stones; ++pass) {
    for (int y = 0; y < size && static_cast<int>(points.size()) < stones; ++y) {
      for (int x = 0; x < size && static_cast<int>(points.size()) < stones; ++x) {
        if (taken[static_cast<size_t>(x + size * y)]) continue;
        const bool edge = x == 0 || y == 0 || x == size - 1 || y == size - 1;
        if (pass == 0 && (edge || near_chosen(x, y))) continue;
        taken[static_cast<size_t>(x + size * y)] = 1;
        points.push_back(go::Move::at(x, y));
      }
    }
  }
  return points;
}

}  // namespace traceplay::gtp
