#include "games/go/pass_alive.h"

#include <algorithm>

namespace traceplay::go {

std::vector<bool> pass_alive_stones(const Position& position, Color c) {
  const int n = position.size();
  const size_t points = static_cast<size_t>(n * n);
  auto at = [&](int i) { return position.at(i % n, i / n); };
  auto neighbours = [&](int i, int out[4]) {
    int k = 0;
    const int x = i % n, y = i / n;
    if (x > 0) out[k++] = i - 1;
    if (x + 1 < n) out[k++] = i + 1;
    if (y > 0) out[k++] = i - n;
    if (y + 1 < n) out[k++] = i + n;
    return k;
  };

  // Chains of c, numbered 0..; regions (maximal connected non-c sets), numbered 0...
  std::vector<int> chain(points, -1), region(points, -1);
  int chains = 0, regions = 0;
  std::vector<int> stack;
  for (int s = 0; s < n * n; ++s) {
    const bool is_c = at(s) == c;
    std::vector<int>& label = is_c ? chain : region;
    if (label[static_cast<size_t>(s)] >= 0) continue;
    const int id = is_c ? chains++ : regions++;
    label[static_cast<size_t>(s)] = id;
    stack.assign(1, s);
    while (!stack.empty()) {
      const int p = stack.back();
      stack.pop_back();
      int nb[4];
      for (int k = neighbours(p, nb), j = 0; j < k; ++j) {
        const int q = nb[j];
        if ((at(q) == c) == is_c && label[static_cast<size_t>(q)] < 0) {
          label[static_cast<size_t>(q)] = id;
          stack.push_back(q);
        }
      }
    }
  }

  // For each region: the chains bordering it, and those it is vital to (every empty
  // point of the region is adjacent to the chain).
  std::vector<std::vector<int>> borders(static_cast<size_t>(regions)), vital(static_cast<size_t>(regions));
  {
    std::vector<std::vector<int>> empties(static_cast<size_t>(regions));
    for (int p = 0; p < n * n; ++p) {
      const int r = region[static_cast<size_t>(p)];
      if (r < 0) continue;
      if (at(p) == Color::kEmpty) empties[static_cast<size_t>(r)].push_back(p);
      int nb[4];
      for (int k = neighbours(p, nb), j = 0; j < k; ++j) {
        const int ch = chain[static_cast<size_t>(nb[j])];
        auto& b = borders[static_cast<size_t>(r)];
        if (ch >= 0 && std::find(b.begin(), b.end(), ch) == b.end()) b.push_back(ch);
      }
    }
    for (int r = 0; r < regions; ++r)
      for (int ch : borders[static_cast<size_t>(r)]) {
        bool all_liberties = true;
        for (int p : empties[static_cast<size_t>(r)]) {
          bool adjacent = false;
          int nb[4];
          for (int k = neighbours(p, nb), j = 0; j < k; ++j)
            adjacent |= chain[static_cast<size_t>(nb[j])] == ch;
          if (!adjacent) {
            all_liberties = false;
            break;
          }
        }
        if (all_liberties) vital[static_cast<size_t>(r)].push_back(ch);
      }
  }

  // Remove chains with fewer than two vital regions, then regions bordered by a removed
  // chain, until nothing changes.
  std::vector<char> chain_alive(static_cast<size_t>(chains), 1),
      region_alive(static_cast<size_t>(regions), 1);
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<int> vital_count(static_cast<size_t>(chains), 0);
    for (int r = 0; r < regions; ++r)
      if (region_alive[static_cast<size_t>(r)])
        for (int ch : vital[static_cast<size_t>(r)]) ++vital_count[static_cast<size_t>(ch)];
    for (int ch = 0; ch < chains; ++ch)
      if (chain_alive[static_cast<size_t>(ch)] && vital_count[static_cast<size_t>(ch)] < 2) {
        chain_alive[static_cast<size_t>(ch)] = 0;
        changed = true;
      }
    for (int r = 0; r < regions; ++r) {
      if (!region_alive[static_cast<size_t>(r)]) continue;
      for (int ch : borders[static_cast<size_t>(r)])
        if (!chain_alive[static_cast<size_t>(ch)]) {
          region_alive[static_cast<size_t>(r)] = 0;
          changed = true;
          break;
        }
    }
  }

  std::vector<bool> alive(points, false);
  for (int p = 0; p < n * n; ++p) {
    const int ch = chain[static_cast<size_t>(p)];
    if (ch >= 0 && chain_alive[static_cast<size_t>(ch)]) alive[static_cast<size_t>(p)] = true;
  }
  return alive;
}

}  // namespace traceplay::go
