// Minimum-cost perfect assignment of n rows to n columns (the Hungarian method with
// potentials, O(n^3)). The Sokoban solver matches boxes to docks with it: each box
// needs its own dock, so the cheapest matching of push distances is a lower bound on
// the pushes left, stronger than sending every box to its nearest dock.
#pragma once

#include <cstdint>
#include <vector>

namespace traceplay::search {

// Cost of an impossible pairing; a matching that needs one costs at least this.
inline constexpr int32_t kNoAssignment = 1 << 24;

class Assignment {
 public:
  // `cost` is row-major n x n; entries >= kNoAssignment mean "not allowed". Returns
  // the minimum total, or kNoAssignment when every perfect assignment needs a
  // forbidden pair. Keeps its buffers between calls.
  int32_t solve(const int32_t* cost, int n);

 private:
  std::vector<int64_t> u_, v_, minv_;  // 64-bit: sums of forbidden costs must not overflow
  std::vector<int> p_, way_;
  std::vector<uint8_t> used_;
};

}  // namespace traceplay::search
