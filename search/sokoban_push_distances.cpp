#include "search/sokoban_push_distances.h"

namespace traceplay::search {

PushDistances compute_push_distances(const sokoban::Level& level) {
  const int n = level.num_cells(), w = level.width();
  PushDistances out;
  out.num_docks = static_cast<int>(level.docks().size());
  out.to_dock.assign(static_cast<size_t>(n) * out.num_docks, kUnreachable);
  out.dead.assign(static_cast<size_t>(n), 1);

  // The worker's region, boxes ignored: every cell a box or the worker can ever use.
  out.blocked.assign(static_cast<size_t>(n), 1);
  std::vector<int> queue{level.worker()};
  out.blocked[static_cast<size_t>(level.worker())] = 0;
  for (size_t head = 0; head < queue.size(); ++head) {
    const int c = queue[head];
    for (int next : {c - w, c + w, c - 1, c + 1}) {
      if (!out.blocked[static_cast<size_t>(next)] || level.is_wall(next)) continue;
      out.blocked[static_cast<size_t>(next)] = 0;
      queue.push_back(next);
    }
  }
  auto open = [&](int c) { return !out.blocked[static_cast<size_t>(c)]; };

  // Backwards from each dock ("pulling" the box): the box at t came from c = t - o when
  // the worker could stand at c - o. The level is closed, so t +- o, t +- 2o stay on
  // the grid for every cell the worker can reach.
  for (int j = 0; j < out.num_docks; ++j) {
    const int dock = level.docks()[static_cast<size_t>(j)];
    auto dist = [&](int c) -> int32_t& { return out.to_dock[static_cast<size_t>(c) * out.num_docks + j]; };
    dist(dock) = 0;
    if (!open(dock)) continue;  // a walled-off dock: only a box already on it uses it
    queue.assign(1, dock);
    for (size_t head = 0; head < queue.size(); ++head) {
      const int t = queue[head];
      for (int o : {-w, w, -1, 1}) {
        const int c = t - o;
        if (!open(c) || !open(c - o) || dist(c) != kUnreachable) continue;
        dist(c) = dist(t) + 1;
        queue.push_back(c);
      }
    }
  }
  for (int c = 0; c < n; ++c)
    for (int j = 0; j < out.num_docks; ++j)
      if (out.at(c, j) < kUnreachable) out.dead[static_cast<size_t>(c)] = 0;
  return out;
}

}  // namespace traceplay::search
