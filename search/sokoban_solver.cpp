#include "search/sokoban_solver.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "games/sokoban/simulator.h"
#include "search/assignment.h"
#include "search/sokoban_push_distances.h"
#include "search/state_index.h"

namespace traceplay::search {

namespace {
constexpr int32_t kDeadH = kNoAssignment;
}  // namespace

struct SokobanSolver::Impl {
  // One search state: words[r * stride_] = worker cell, then the sorted box cells.
  struct Record {
    uint32_t parent;
    int32_t g;
    int32_t h;          // kDeadH: a dead end, kept so that it is not evaluated again
    uint16_t box_from;  // the push that made this state from its parent
    int16_t offset;
    uint8_t closed;
  };
  struct Entry {
    int32_t f, h, g;
    uint32_t record;
  };
  // Heap order (std::*_heap keep the "largest" first): smallest f, then smallest h
  // (the deepest node, nearest a goal), then the newest record.
  struct After {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.f != b.f) return a.f > b.f;
      if (a.h != b.h) return a.h > b.h;
      return a.record < b.record;
    }
  };

  // --- the level ---------------------------------------------------------------
  void load(const sokoban::Level& level) {
    level_ = &level;
    width_ = level.width();
    num_boxes_ = level.num_boxes();
    stride_ = num_boxes_ + 1;
    distances_ = compute_push_distances(level);
    wall_ = distances_.blocked;
    const size_t n = static_cast<size_t>(level.num_cells());
    dock_.assign(n, 0);
    for (int d : level.docks()) dock_[static_cast<size_t>(d)] = 1;
    box_at_.assign(n, 0);
    seen_.assign(n, 0);
    stamp_ = 0;
    dist_.assign(n, 0);
    from_.assign(n, -1);
    queue_.resize(n);
    costs_.resize(static_cast<size_t>(num_boxes_) * num_boxes_);
  }

  // --- states ------------------------------------------------------------------
  uint64_t hash(const uint16_t* s) const {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < stride_; ++i) h = (h ^ s[i]) * 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 31);
  }
  const uint16_t* state(uint32_t r) const { return words_.data() + static_cast<size_t>(r) * stride_; }
  uint32_t find(const uint16_t* s, uint64_t h) const {
    return index_.find(
        s, h, [this](uint32_t r) { return state(r); },
        [this](const uint16_t* a, const uint16_t* b) {
          return std::memcmp(a, b, sizeof(uint16_t) * static_cast<size_t>(stride_)) == 0;
        });
  }
  uint32_t add(const uint16_t* s, uint64_t h, const Record& record) {
    const auto r = static_cast<uint32_t>(records_.size());
    records_.push_back(record);
    words_.insert(words_.end(), s, s + stride_);
    index_.insert(r, h, [this](uint32_t rec) { return hash(state(rec)); });
    return r;
  }
  void push(uint32_t r) {
    const Record& rec = records_[r];
    heap_.push_back({rec.g + rec.h, rec.h, rec.g, r});
    std::push_heap(heap_.begin(), heap_.end(), After{});
  }

  // Lower bound on the pushes left: the cheapest matching of boxes to docks.
  int32_t heuristic(const uint16_t* boxes) {
    const int n = num_boxes_;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) costs_[static_cast<size_t>(i * n + j)] = distances_.at(boxes[i], j);
    const int32_t h = assignment_.solve(costs_.data(), n);
    return h >= kNoAssignment ? kDeadH : h;
  }

  // --- deadlocks -----------------------------------------------------------------
  // Freeze deadlocks (the Sokoban wiki's test): a box is blocked on an axis when a wall
  // is on either side, dead squares are on both sides, or a frozen box is on either
  // side (the box under test then counts as a wall). Blocked on both axes = frozen.
  // Results: 0 no; 1 yes, and every box that justifies it is on a dock; 2 yes, and
  // some box that justifies it is off a dock (only that is a deadlock). Tracking this
  // per justification, not in a flag, keeps boxes that were tried but did not block
  // out of the verdict.
  int axis_blocked(int c, int o) {
    const int a = c - o, b = c + o;
    if (wall_[static_cast<size_t>(a)] || wall_[static_cast<size_t>(b)]) return 1;
    if (distances_.dead[static_cast<size_t>(a)] && distances_.dead[static_cast<size_t>(b)]) return 1;
    wall_[static_cast<size_t>(c)] = 1;
    int blocked = box_at_[static_cast<size_t>(a)] ? frozen(a) : 0;
    if (!blocked && box_at_[static_cast<size_t>(b)]) blocked = frozen(b);
    wall_[static_cast<size_t>(c)] = 0;
    return blocked;
  }
  int frozen(int c) {
    const int horizontal = axis_blocked(c, 1);
    if (!horizontal) return 0;
    const int vertical = axis_blocked(c, width_);
    if (!vertical) return 0;
    return (horizontal == 2 || vertical == 2 || !dock_[static_cast<size_t>(c)]) ? 2 : 1;
  }
  // After a push to `c` (box_at_ updated): does a frozen group hold a box off a dock?
  bool freeze_deadlock(int c) { return frozen(c) == 2; }

  // --- walking -------------------------------------------------------------------
  // BFS from `start` around walls and boxes: seen_[c] == stamp_ marks reached cells,
  // dist_ their distance, from_ their predecessor.
  void walk_from(int start) {
    ++stamp_;
    size_t head = 0, tail = 0;
    queue_[tail++] = start;
    seen_[static_cast<size_t>(start)] = stamp_;
    dist_[static_cast<size_t>(start)] = 0;
    const int offsets[4] = {-width_, width_, -1, 1};
    while (head < tail) {
      const int c = queue_[head++];
      for (int o : offsets) {
        const int next = c + o;
        const auto i = static_cast<size_t>(next);
        if (seen_[i] == stamp_ || wall_[i] || box_at_[i]) continue;
        seen_[i] = stamp_;
        dist_[i] = dist_[static_cast<size_t>(c)] + 1;
        from_[i] = c;
        queue_[tail++] = next;
      }
    }
  }
  bool reached(int c) const { return seen_[static_cast<size_t>(c)] == stamp_; }

  // --- search --------------------------------------------------------------------
  SolverResult solve(const sokoban::Level& level, const SolverOptions& options) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    load(level);
    records_.clear();
    words_.clear();
    heap_.clear();
    index_.clear();
    SolverResult result;

    std::vector<uint16_t> start(static_cast<size_t>(stride_));
    start[0] = static_cast<uint16_t>(level.worker());
    for (int i = 0; i < num_boxes_; ++i)
      start[static_cast<size_t>(i + 1)] = static_cast<uint16_t>(level.boxes()[static_cast<size_t>(i)]);
    const int32_t h0 = heuristic(start.data() + 1);
    if (h0 >= kDeadH) return result;
    push(add(start.data(), hash(start.data()), {kNoRecord, 0, h0, 0, 0, 0}));

    std::vector<uint16_t> cur(static_cast<size_t>(stride_)), child(static_cast<size_t>(stride_));
    const int offsets[4] = {-width_, width_, -1, 1};
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), After{});
      const Entry top = heap_.back();
      heap_.pop_back();
      if (records_[top.record].closed || records_[top.record].g != top.g) continue;  // stale entry
      records_[top.record].closed = 1;
      ++result.expansions;
      if (top.h == 0) {
        finish(top.record, result);
        return result;
      }
      if (limit_reached(options, result.expansions, started)) {
        result.status = SearchStatus::kLimit;
        return result;
      }

      std::copy(state(top.record), state(top.record) + stride_, cur.begin());
      for (int i = 1; i < stride_; ++i) box_at_[cur[static_cast<size_t>(i)]] = 1;
      walk_from(cur[0]);
      for (int k = 1; k < stride_; ++k) {
        const int box = cur[static_cast<size_t>(k)];
        for (int o : offsets) {
          const int behind = box - o, to = box + o;
          if (!reached(behind)) continue;
          const auto t = static_cast<size_t>(to);
          if (wall_[t] || box_at_[t] || distances_.dead[t]) continue;
          box_at_[static_cast<size_t>(box)] = 0;
          box_at_[t] = 1;
          const bool deadlock = freeze_deadlock(to);
          box_at_[t] = 0;
          box_at_[static_cast<size_t>(box)] = 1;
          if (deadlock) continue;

          // The child: worker where the box was, the box moved, boxes kept sorted.
          std::copy(cur.begin(), cur.end(), child.begin());
          child[0] = static_cast<uint16_t>(box);
          int i = k;
          child[static_cast<size_t>(i)] = static_cast<uint16_t>(to);
          while (i > 1 && child[static_cast<size_t>(i - 1)] > child[static_cast<size_t>(i)])
            std::swap(child[static_cast<size_t>(i - 1)], child[static_cast<size_t>(i)]), --i;
          while (i + 1 < stride_ && child[static_cast<size_t>(i + 1)] < child[static_cast<size_t>(i)])
            std::swap(child[static_cast<size_t>(i + 1)], child[static_cast<size_t>(i)]), ++i;

          const int32_t g = top.g + dist_[static_cast<size_t>(behind)] + 1;
          const uint64_t h = hash(child.data());
          const uint32_t r = find(child.data(), h);
          if (r != kNoRecord) {
            Record& rec = records_[r];
            // h is consistent, so a closed state never gets cheaper.
            if (rec.closed || rec.g <= g) continue;
            rec.g = g;
            rec.parent = top.record;
            rec.box_from = static_cast<uint16_t>(box);
            rec.offset = static_cast<int16_t>(o);
            push(r);
            ++result.generated;
            continue;
          }
          const int32_t child_h = heuristic(child.data() + 1);
          if (child_h >= kDeadH) {
            add(child.data(), h,
                {top.record, g, kDeadH, static_cast<uint16_t>(box), static_cast<int16_t>(o), 1});
            continue;
          }
          push(add(child.data(), h,
                   {top.record, g, child_h, static_cast<uint16_t>(box), static_cast<int16_t>(o), 0}));
          ++result.generated;
        }
      }
      for (int i = 1; i < stride_; ++i) box_at_[cur[static_cast<size_t>(i)]] = 0;
    }
    return result;
  }

  static bool limit_reached(const SolverOptions& options, uint64_t expansions,
                            std::chrono::steady_clock::time_point started) {
    if (options.max_expansions && expansions >= options.max_expansions) return true;
    if ((expansions & 127) == 0) {
      if (options.stop && options.stop->load(std::memory_order_relaxed)) return true;
      if (options.time_limit_s > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >=
              options.time_limit_s)
        return true;
    }
    return false;
  }

  // Rebuilds the move sequence: for each push on the path, the shortest walk to the
  // cell behind the box, then the push. The plan is replayed before it is returned.
  void finish(uint32_t goal, SolverResult& result) {
    std::vector<uint32_t> chain;
    for (uint32_t r = goal; r != kNoRecord; r = records_[r].parent) chain.push_back(r);
    std::reverse(chain.begin(), chain.end());
    const sokoban::Level& level = *level_;
    std::fill(box_at_.begin(), box_at_.end(), 0);
    for (int b : level.boxes()) box_at_[static_cast<size_t>(b)] = 1;
    int worker = level.worker();
    result.plan.assign(1, level.pos(worker));
    std::vector<int> path;
    for (size_t i = 1; i < chain.size(); ++i) {
      const Record& rec = records_[chain[i]];
      const int box = rec.box_from, behind = box - rec.offset;
      walk_from(worker);
      if (!reached(behind)) throw std::logic_error("Sokoban solver: a push on the plan is not reachable");
      path.clear();
      for (int c = behind; c != worker; c = from_[static_cast<size_t>(c)]) path.push_back(c);
      for (auto it = path.rbegin(); it != path.rend(); ++it) result.plan.push_back(level.pos(*it));
      box_at_[static_cast<size_t>(box)] = 0;
      box_at_[static_cast<size_t>(box + rec.offset)] = 1;
      worker = box;
      result.plan.push_back(level.pos(worker));
    }
    std::fill(box_at_.begin(), box_at_.end(), 0);
    result.status = SearchStatus::kSolved;
    result.cost = records_[goal].g;
    result.pushes = static_cast<int>(chain.size()) - 1;
    const PlanCheck check = sokoban::check_plan(level, result.plan);
    if (!check.valid || check.moves != result.cost)
      throw std::logic_error("Sokoban solver: the plan does not replay (" + check.reason + ")");
  }

  const sokoban::Level* level_ = nullptr;
  int width_ = 0, num_boxes_ = 0, stride_ = 1;
  PushDistances distances_;
  std::vector<uint8_t> wall_, dock_, box_at_;
  std::vector<uint32_t> seen_;
  uint32_t stamp_ = 0;
  std::vector<int32_t> dist_;
  std::vector<int> from_, queue_;
  std::vector<int32_t> costs_;
  Assignment assignment_;

  std::vector<Record> records_;
  std::vector<uint16_t> words_;
  std::vector<Entry> heap_;
  FlatStateIndex index_;
};

SokobanSolver::SokobanSolver() : impl_(std::make_unique<Impl>()) {}
SokobanSolver::~SokobanSolver() = default;

SolverResult SokobanSolver::solve(const sokoban::Level& level, const SolverOptions& options) {
  return impl_->solve(level, options);
}

}  // namespace traceplay::search
