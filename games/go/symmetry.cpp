#include "games/go/symmetry.h"

#include <stdexcept>

namespace traceplay::go {

namespace {

void check(int s) {
  if (s < 0 || s >= kNumSymmetries) throw std::invalid_argument("symmetry index must be 0..7");
}

// A symmetry is fixed by where it sends two points of an asymmetric pair on a 3x3
// board; that identifies compositions and inverses without a hand-written table.
int identify(int x0, int y0, int x1, int y1) {
  for (int s = 0; s < kNumSymmetries; ++s) {
    int ax = 0, ay = 0, bx = 1, by = 0;
    apply_symmetry(s, 3, ax, ay);
    apply_symmetry(s, 3, bx, by);
    if (ax == x0 && ay == y0 && bx == x1 && by == y1) return s;
  }
  throw std::logic_error("not a board symmetry");
}

}  // namespace

Move apply_symmetry(int s, Move m, int n) {
  check(s);
  if (m.is_pass()) return m;
  int x = m.x, y = m.y;
  apply_symmetry(s, n, x, y);
  return Move::at(x, y);
}

int compose_symmetries(int first, int second) {
  check(first);
  check(second);
  int ax = 0, ay = 0, bx = 1, by = 0;
  apply_symmetry(first, 3, ax, ay);
  apply_symmetry(first, 3, bx, by);
  apply_symmetry(second, 3, ax, ay);
  apply_symmetry(second, 3, bx, by);
  return identify(ax, ay, bx, by);
}

int inverse_symmetry(int s) {
  check(s);
  for (int t = 0; t < kNumSymmetries; ++t)
    if (compose_symmetries(s, t) == 0) return t;
  throw std::logic_error("no inverse");
}

std::vector<int> symmetry_map(int s, int n) {
  check(s);
  std::vector<int> map(static_cast<size_t>(n * n));
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      int tx = x, ty = y;
      apply_symmetry(s, n, tx, ty);
      map[static_cast<size_t>(x + n * y)] = tx + n * ty;
    }
  return map;
}

void apply_symmetry_planes(int s, int n, int planes, const float* in, float* out) {
  const std::vector<int> map = symmetry_map(s, n);
  const size_t area = static_cast<size_t>(n * n);
  for (int k = 0; k < planes; ++k) {
    const float* src = in + static_cast<size_t>(k) * area;
    float* dst = out + static_cast<size_t>(k) * area;
    for (size_t p = 0; p < area; ++p) dst[map[p]] = src[p];
  }
}

}  // namespace traceplay::go
