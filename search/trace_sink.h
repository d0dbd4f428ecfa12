// What A* reports while it searches: the Searchformer trace events.
//
// A sink receives `create` (a node was pushed), `close` (a node was popped) and, on
// success, `plan` (each node of the solution, start first), each with the state and
// its g (cost from start) and h (heuristic). Sinks are template parameters of A*, so
// NullSink compiles to nothing: an untraced search pays no cost for tracing.
#pragma once

#include <vector>

namespace traceplay::search {

struct NullSink {
  template <class State>
  void on_create(const State&, int, int) {}
  template <class State>
  void on_close(const State&, int, int) {}
  template <class State>
  void on_plan(const State&, int, int) {}
};

enum class TraceAction : unsigned char { kCreate, kClose, kPlan };

// Keeps every event with a copy of its state: for tests and small tools. Tokenizing
// sinks (search/trace_tokens.h) write tokens directly instead.
template <class State>
struct RecordingSink {
  struct Event {
    TraceAction action;
    State state;
    int g, h;
  };
  std::vector<Event> events;

  void on_create(const State& s, int g, int h) { events.push_back({TraceAction::kCreate, s, g, h}); }
  void on_close(const State& s, int g, int h) { events.push_back({TraceAction::kClose, s, g, h}); }
  void on_plan(const State& s, int g, int h) { events.push_back({TraceAction::kPlan, s, g, h}); }
};

}  // namespace traceplay::search
