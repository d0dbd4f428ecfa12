// Sokoban as an A* domain in *trace mode*: the reference's search (sokoban.py,
// AStarSokobanState) with nothing added, so that traces mean what the paper's mean.
//
//   - a node is the worker's cell and the box cells; a child is one worker step in
//     the order up (y-1), down (y+1), left, right, unit cost, pushes included; illegal
//     steps make no child (the reference makes an unchanged "child" that A* always
//     skips, since the same state is already closed with a smaller f);
//   - h = sum over loose boxes (not on a dock) of the Manhattan distance to the nearest
//     open dock (no box on it; the worker may stand there), 0 when no box is loose;
//     infinite when a loose box can move neither horizontally (both side cells inside
//     the grid and not walls) nor vertically;
//   - ties on f: the canonical key (worker cell, then the sorted box cells).
//
// The state is a fixed array of N box cells (sorted, unused slots 0xffff), so a state
// is a small value with no allocation: N is picked per level (sokoban_trace.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "games/sokoban/level.h"
#include "search/astar.h"

namespace traceplay::search {

template <int N>
struct SokobanTraceState {
  uint16_t worker;
  uint16_t boxes[N];  // ascending; slots past the level's box count hold 0xffff

  friend bool operator==(const SokobanTraceState& a, const SokobanTraceState& b) {
    return a.worker == b.worker && std::memcmp(a.boxes, b.boxes, sizeof(a.boxes)) == 0;
  }
};

template <int N>
class SokobanTraceDomain {
 public:
  using State = SokobanTraceState<N>;
  static constexpr bool kDenseStates = false;
  static constexpr bool kTieKeyIsTotal = false;

  explicit SokobanTraceDomain(const sokoban::Level& level)
      : level_(level), width_(level.width()), height_(level.height()), num_boxes_(level.num_boxes()) {
    wall_.resize(static_cast<size_t>(level.num_cells()));
    dock_.resize(static_cast<size_t>(level.num_cells()));
    for (int c = 0; c < level.num_cells(); ++c) {
      wall_[static_cast<size_t>(c)] = level.is_wall(c);
      dock_[static_cast<size_t>(c)] = level.is_dock(c);
    }
  }

  const sokoban::Level& level() const { return level_; }
  int num_boxes() const { return num_boxes_; }

  State start() const {
    State s;
    s.worker = static_cast<uint16_t>(level_.worker());
    std::fill(std::begin(s.boxes), std::end(s.boxes), uint16_t{0xffff});
    for (int i = 0; i < num_boxes_; ++i)
      s.boxes[i] = static_cast<uint16_t>(level_.boxes()[static_cast<size_t>(i)]);
    return s;
  }

  bool is_goal(const State& s) const {
    for (int i = 0; i < num_boxes_; ++i)
      if (!dock_[s.boxes[i]]) return false;
    return true;
  }

  int heuristic(const State& s) const {
    int loose[N];
    int num_loose = 0;
    for (int i = 0; i < num_boxes_; ++i)
      if (!dock_[s.boxes[i]]) loose[num_loose++] = s.boxes[i];
    if (num_loose == 0) return 0;
    for (int k = 0; k < num_loose; ++k)
      if (!movable(loose[k])) return kInfiniteCost;
    int open[N];
    int num_open = 0;
    for (int d : level_.docks())
      if (!has_box(s, d)) open[num_open++] = d;
    int sum = 0;
    for (int k = 0; k < num_loose; ++k) {
      const int bx = loose[k] % width_, by = loose[k] / width_;
      int best = kInfiniteCost;
      for (int j = 0; j < num_open; ++j) {
        const int dx = open[j] % width_ - bx, dy = open[j] / width_ - by;
        best = std::min(best, (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy));
      }
      sum += best;
    }
    return sum;
  }

  template <class Emit>
  void expand(const State& s, Emit&& emit) const {
    const int w = s.worker, x = w % width_, y = w / width_;
    // up, down, left, right: (offset, in-bounds test for one and two cells away)
    if (y >= 1) try_step(s, -width_, y >= 2, emit);
    if (y + 1 < height_) try_step(s, width_, y + 2 < height_, emit);
    if (x >= 1) try_step(s, -1, x >= 2, emit);
    if (x + 1 < width_) try_step(s, 1, x + 2 < width_, emit);
  }

  uint64_t tie_key(const State& s) const {
    uint64_t key = static_cast<uint64_t>(s.worker) << 48;
    for (int i = 0; i < 3 && i < N; ++i) key |= static_cast<uint64_t>(s.boxes[i]) << (32 - 16 * i);
    return key;
  }
  bool tie_less(const State& a, const State& b) const {
    if (a.worker != b.worker) return a.worker < b.worker;
    return std::lexicographical_compare(a.boxes, a.boxes + num_boxes_, b.boxes, b.boxes + num_boxes_);
  }
  uint64_t hash(const State& s) const {
    uint64_t h = s.worker * 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < num_boxes_; ++i) h = (h ^ s.boxes[i]) * 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
  }

 private:
  bool has_box(const State& s, int cell) const {
    for (int i = 0; i < num_boxes_; ++i)
      if (s.boxes[i] == cell) return true;
    return false;
  }
  // The reference's "can move": both side cells inside the grid and not walls
  // (boxes and the worker do not count), horizontally or vertically.
  bool movable(int cell) const {
    const int x = cell % width_, y = cell / width_;
    const bool horizontal = x > 0 && x < width_ - 1 && !wall_[cell - 1] && !wall_[cell + 1];
    const bool vertical = y > 0 && y < height_ - 1 && !wall_[cell - width_] && !wall_[cell + width_];
    return horizontal || vertical;
  }

  template <class Emit>
  void try_step(const State& s, int offset, bool beyond_in_bounds, Emit& emit) const {
    const int next = s.worker + offset;
    if (wall_[next]) return;
    State child = s;
    child.worker = static_cast<uint16_t>(next);
    int i = 0;
    while (i < num_boxes_ && s.boxes[i] != next) ++i;
    if (i < num_boxes_) {  // a push
      const int beyond = next + offset;
      if (!beyond_in_bounds || wall_[beyond] || has_box(s, beyond)) return;
      // Move the box and keep the array sorted (one element out of place).
      child.boxes[i] = static_cast<uint16_t>(beyond);
      while (i > 0 && child.boxes[i - 1] > child.boxes[i]) std::swap(child.boxes[i - 1], child.boxes[i]), --i;
      while (i + 1 < num_boxes_ && child.boxes[i + 1] < child.boxes[i])
        std::swap(child.boxes[i + 1], child.boxes[i]), ++i;
    }
    emit(child, 1);
  }

  const sokoban::Level& level_;
  int width_, height_, num_boxes_;
  std::vector<uint8_t> wall_, dock_;
};

}  // namespace traceplay::search
