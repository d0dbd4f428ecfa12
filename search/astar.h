// Generic A* with Searchformer trace semantics (DESIGN.md, "The reference A*'s exact
// behaviour"), over any domain that provides:
//
//   using State = ...;                         // small value type
//   State start() const;
//   bool is_goal(const State&) const;
//   int heuristic(const State&) const;         // kInfiniteCost: dead end
//   template <class Emit> void expand(const State&, Emit&& emit) const;
//                                              // emit(child, step_cost), reference order
//   uint64_t tie_key(const State&) const;      // deterministic tie-break, smaller first
//   static constexpr bool kTieKeyIsTotal;      // tie_key alone orders distinct states;
//   bool tie_less(const State&, const State&) const;   // else this breaks equal keys
//   static constexpr bool kDenseStates;        // states numbered 0..num_states()-1:
//   size_t num_states() const; size_t state_index(const State&) const;
//   uint64_t hash(const State&) const;         // otherwise hashed (and operator==)
//
// Semantics, as the reference `astar.py`: pop the smallest (f, tie); log close; fail
// when f is infinite; succeed when it is the goal; for each child: skip it when the
// state is open with f <= child f (else the open entry is replaced), skip it when the
// state's closed record has f <= child f (a cheaper path re-opens a closed state),
// never create a child with infinite h; then push and log create. Open entries that
// were replaced stay in the heap and are skipped when popped (lazy deletion), which
// pops in exactly the order of the reference's remove-and-heapify.
//
// Non-deterministic mode (DESIGN.md): children are shuffled with the seeded RNG and
// every pushed node draws a random tie key from it.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/rng.h"
#include "search/state_index.h"
#include "search/trace_sink.h"

namespace traceplay::search {

inline constexpr int kInfiniteCost = std::numeric_limits<int>::max() / 4;

struct AStarOptions {
  bool deterministic = true;
  uint64_t seed = 0;                        // non-deterministic mode only
  uint64_t max_expansions = 0;              // 0: no limit
  double time_limit_s = 0;                  // 0: no limit
  const std::atomic<bool>* stop = nullptr;  // polled; set it to abandon the search
};

enum class SearchStatus { kSolved, kUnsolvable, kLimit };

template <class State>
struct AStarResult {
  SearchStatus status = SearchStatus::kUnsolvable;
  int cost = 0;             // sum of step costs along the plan (solved only)
  uint64_t expansions = 0;  // nodes closed
  uint64_t created = 0;     // nodes pushed
  std::vector<State> plan;  // start first, goal last (solved only)

  bool solved() const { return status == SearchStatus::kSolved; }
};

// Holds the search buffers so that repeated searches (dataset generation) reuse them.
template <class Domain>
class AStar {
 public:
  using State = typename Domain::State;

  template <class Sink = NullSink>
  AStarResult<State> run(const Domain& domain, const AStarOptions& options, Sink& sink) {
    reset(domain);
    random_ties_ = !options.deterministic;
    Rng rng(options.seed);
    AStarResult<State> result;
    const auto started = std::chrono::steady_clock::now();

    const State start = domain.start();
    const int start_h = domain.heuristic(start);
    push(domain, record_of(domain, start), start, 0, start_h, kNoRecord, options, rng);
    sink.on_create(start, 0, start_h);
    ++result.created;

    std::vector<std::pair<State, int>>& children = children_;
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), HeapAfter{this, &domain});
      const Entry top = heap_.back();
      heap_.pop_back();
      const Node node = nodes_[top.node];
      StateRecord& rec = records_[node.record];
      if (rec.open_node != top.node) continue;  // replaced by a cheaper path
      rec.open_node = kNoRecord;
      const int f = top.f;
      rec.closed_f = f;
      const State& state = states_[node.record];
      sink.on_close(state, node.g, node.h);
      ++result.expansions;
      if (node.h >= kInfiniteCost) return result;  // only dead ends are left
      if (domain.is_goal(state)) {
        finish(top.node, result, sink);
        return result;
      }
      if (limit_reached(options, result.expansions, started)) {
        result.status = SearchStatus::kLimit;
        return result;
      }

      children.clear();
      domain.expand(state,
                    [&](const State& child, int step_cost) { children.emplace_back(child, step_cost); });
      if (!options.deterministic) rng.shuffle(children);
      for (const auto& [child, step_cost] : children) {
        const int h = domain.heuristic(child);
        if (h >= kInfiniteCost) continue;
        const int g = node.g + step_cost;
        const int child_f = g + h;
        const uint32_t r = record_of(domain, child);
        StateRecord& child_rec = records_[r];
        if (child_rec.open_node != kNoRecord) {
          if (child_rec.open_f <= child_f) continue;
          child_rec.open_node = kNoRecord;  // the old entry goes stale in the heap
        }
        if (child_rec.closed_f <= child_f) continue;
        push(domain, r, child, g, h, top.node, options, rng);
        sink.on_create(child, g, h);
        ++result.created;
      }
    }
    return result;
  }

  AStarResult<State> run(const Domain& domain, const AStarOptions& options = {}) {
    NullSink sink;
    return run(domain, options, sink);
  }

 private:
  struct StateRecord {
    uint32_t open_node = kNoRecord;  // the node in the open list for this state, if any
    int open_f = 0;
    int closed_f = std::numeric_limits<int>::max();  // f when last closed; max: never
  };
  struct Node {
    uint32_t record;
    uint32_t parent;
    int g, h;
  };
  struct Entry {
    int f;
    uint32_t node;
    uint64_t tie;
  };
  // Heap order: std::*_heap keep the largest first, so "after" means larger (f, tie).
  struct HeapAfter {
    const AStar* self;
    const Domain* domain;
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.f != b.f) return a.f > b.f;
      if (a.tie != b.tie) return a.tie > b.tie;
      if constexpr (Domain::kTieKeyIsTotal) {
        return false;
      } else {
        if (self->random_ties_) return false;
        return domain->tie_less(self->state_of_node(b.node), self->state_of_node(a.node));
      }
    }
  };

  const State& state_of_node(uint32_t n) const { return states_[nodes_[n].record]; }

  void reset(const Domain& domain) {
    heap_.clear();
    nodes_.clear();
    if constexpr (Domain::kDenseStates) {
      records_.assign(domain.num_states(), StateRecord{});
      states_.resize(domain.num_states());
    } else {
      records_.clear();
      states_.clear();
      index_.clear();
    }
  }

  uint32_t record_of(const Domain& domain, const State& state) {
    if constexpr (Domain::kDenseStates) {
      const auto r = static_cast<uint32_t>(domain.state_index(state));
      states_[r] = state;
      return r;
    } else {
      const uint64_t h = domain.hash(state);
      uint32_t r = index_.find(
          state, h, [this](uint32_t rec) -> const State& { return states_[rec]; },
          [](const State& a, const State& b) { return a == b; });
      if (r != kNoRecord) return r;
      r = static_cast<uint32_t>(records_.size());
      records_.emplace_back();
      states_.push_back(state);
      index_.insert(r, h, [&](uint32_t rec) { return domain.hash(states_[rec]); });
      return r;
    }
  }

  void push(const Domain& domain, uint32_t record, const State& state, int g, int h, uint32_t parent,
            const AStarOptions& options, Rng& rng) {
    const auto n = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back({record, parent, g, h});
    StateRecord& rec = records_[record];
    rec.open_node = n;
    rec.open_f = g + h;
    const uint64_t tie = options.deterministic ? domain.tie_key(state) : rng.next();
    heap_.push_back({g + h, n, tie});
    std::push_heap(heap_.begin(), heap_.end(), HeapAfter{this, &domain});
  }

  template <class Sink>
  void finish(uint32_t goal_node, AStarResult<State>& result, Sink& sink) {
    std::vector<uint32_t> chain;
    for (uint32_t n = goal_node; n != kNoRecord; n = nodes_[n].parent) chain.push_back(n);
    std::reverse(chain.begin(), chain.end());
    result.plan.reserve(chain.size());
    for (uint32_t n : chain) {
      const Node& node = nodes_[n];
      sink.on_plan(states_[node.record], node.g, node.h);
      result.plan.push_back(states_[node.record]);
    }
    result.status = SearchStatus::kSolved;
    result.cost = nodes_[goal_node].g;
  }

  static bool limit_reached(const AStarOptions& options, uint64_t expansions,
                            std::chrono::steady_clock::time_point started) {
    if (options.max_expansions && expansions >= options.max_expansions) return true;
    if ((expansions & 255) == 0) {
      if (options.stop && options.stop->load(std::memory_order_relaxed)) return true;
      if (options.time_limit_s > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >=
              options.time_limit_s)
        return true;
    }
    return false;
  }

  std::vector<Entry> heap_;
  std::vector<Node> nodes_;
  std::vector<StateRecord> records_;
  std::vector<State> states_;
  std::vector<std::pair<State, int>> children_;
  FlatStateIndex index_;
  bool random_ties_ = false;
};

}  // namespace traceplay::search
