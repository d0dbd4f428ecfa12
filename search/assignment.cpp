#include "search/assignment.h"

#include <algorithm>

namespace traceplay::search {

int32_t Assignment::solve(const int32_t* cost, int n) {
  if (n == 0) return 0;
  // Forbidden pairs cost more than any allowed assignment can, so the optimum uses
  // one only when it must.
  constexpr int64_t kInf = int64_t{1} << 60;
  const size_t m = static_cast<size_t>(n) + 1;
  u_.assign(m, 0);
  v_.assign(m, 0);
  p_.assign(m, 0);
  way_.assign(m, 0);
  for (int i = 1; i <= n; ++i) {
    p_[0] = i;
    int j0 = 0;
    minv_.assign(m, kInf);
    used_.assign(m, 0);
    do {
      used_[static_cast<size_t>(j0)] = 1;
      const int i0 = p_[static_cast<size_t>(j0)];
      int64_t delta = kInf;
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used_[static_cast<size_t>(j)]) continue;
        const int32_t c = std::min(cost[(i0 - 1) * n + (j - 1)], kNoAssignment);
        const int64_t cur = c - u_[static_cast<size_t>(i0)] - v_[static_cast<size_t>(j)];
        if (cur < minv_[static_cast<size_t>(j)]) {
          minv_[static_cast<size_t>(j)] = cur;
          way_[static_cast<size_t>(j)] = j0;
        }
        if (minv_[static_cast<size_t>(j)] < delta) {
          delta = minv_[static_cast<size_t>(j)];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used_[static_cast<size_t>(j)]) {
          u_[static_cast<size_t>(p_[static_cast<size_t>(j)])] += delta;
          v_[static_cast<size_t>(j)] -= delta;
        } else {
          minv_[static_cast<size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (p_[static_cast<size_t>(j0)] != 0);
    do {
      const int j1 = way_[static_cast<size_t>(j0)];
      p_[static_cast<size_t>(j0)] = p_[static_cast<size_t>(j1)];
      j0 = j1;
    } while (j0);
  }
  int64_t total = 0;
  for (int j = 1; j <= n; ++j) {
    const int32_t c = cost[(p_[static_cast<size_t>(j)] - 1) * n + (j - 1)];
    if (c >= kNoAssignment) return kNoAssignment;
    total += c;
  }
  return static_cast<int32_t>(std::min<int64_t>(total, kNoAssignment));
}

}  // namespace traceplay::search
