// The 8 symmetries of a square board (the dihedral group D4), for data augmentation and
// for averaging a network over orientations. Symmetry s (0..7): if bit 2 is set,
// transpose (x, y) -> (y, x) first; then bit 0 mirrors x (x -> n-1-x) and bit 1 mirrors
// y. 0 is the identity. Passes map to passes.
#pragma once

#include <vector>

#include "games/go/types.h"

namespace traceplay::go {

constexpr int kNumSymmetries = 8;

// (x, y) under symmetry s on an n x n board.
inline void apply_symmetry(int s, int n, int& x, int& y) {
  if (s & 4) {
    const int t = x;
    x = y;
    y = t;
  }
  if (s & 1) x = n - 1 - x;
  if (s & 2) y = n - 1 - y;
}

Move apply_symmetry(int s, Move m, int n);
// The symmetry that undoes s.
int inverse_symmetry(int s);
// The symmetry equal to applying `first`, then `second`.
int compose_symmetries(int first, int second);

// map[x + n*y] = x' + n*y' where (x', y') is (x, y) under s.
std::vector<int> symmetry_map(int s, int n);
// Applies s to `planes` planes of n*n floats: out[k][s(p)] = in[k][p]; in and out must
// not overlap.
void apply_symmetry_planes(int s, int n, int planes, const float* in, float* out);

}  // namespace traceplay::go
