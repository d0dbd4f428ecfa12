// traceplay.search: A* with Searchformer traces (maze, Sokoban trace mode) as tokens and
// as structured events (create/close with coordinates and costs), and the move-optimal
// Sokoban solver. Every search releases the GIL.
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "games/maze/maze_task.h"
#include "games/sokoban/level.h"
#include "games/sokoban/simulator.h"
#include "python/bindings.h"
#include "search/astar.h"
#include "search/maze_domain.h"
#include "search/maze_trace.h"
#include "search/plan_tokens.h"
#include "search/sokoban_solver.h"
#include "search/sokoban_trace.h"

namespace traceplay::python {

namespace {

// One trace step: a node pushed ("create") or popped ("close"), the worker's or the
// maze walker's cell, the boxes (Sokoban, loose boxes as in the tokens), g and h.
struct TraceEvent {
  std::string action;
  int x = 0, y = 0;
  std::vector<Pos> boxes;
  int g = 0, h = 0;
};

struct SearchOutcome {
  std::string status;  // "solved", "unsolvable", "limit"
  int cost = 0;
  uint64_t expansions = 0, created = 0;
  std::vector<Pos> plan;
  std::vector<std::string> prompt, trace, plan_tokens;
  std::vector<TraceEvent> events;
  std::string moves;  // Sokoban LURD (solved only)
  int pushes = -1;    // Sokoban (solved only)
};

const char* status_name(search::SearchStatus s) {
  switch (s) {
    case search::SearchStatus::kSolved:
      return "solved";
    case search::SearchStatus::kUnsolvable:
      return "unsolvable";
    case search::SearchStatus::kLimit:
      return "limit";
  }
  return "?";
}

// A seed takes the whole unsigned 64-bit range, as the command line's: eval's t* seeds
// its A* runs with Rng::stream(task id, r).next(), which a Python recomputation of the
// metrics (traceplay_metrics.py) must be able to pass. Negative or wider is bad input.
uint64_t seed_value(const py::int_& seed) {
  if (PyObject_RichCompareBool(seed.ptr(), py::int_(0).ptr(), Py_LT) == 1)
    throw py::value_error("seed must be >= 0, got " + py::repr(seed).cast<std::string>());
  const unsigned long long value = PyLong_AsUnsignedLongLong(seed.ptr());
  if (PyErr_Occurred()) {
    PyErr_Clear();
    throw py::value_error("seed must be below 2**64, got " + py::repr(seed).cast<std::string>());
  }
  return value;
}

search::AStarOptions astar_options(bool deterministic, const py::int_& seed, int64_t max_expansions,
                                   double time_limit) {
  if (max_expansions < 0)
    throw py::value_error("max_expansions must be >= 0, got " + std::to_string(max_expansions));
  if (!(time_limit >= 0)) throw py::value_error("time_limit must be >= 0 seconds");
  search::AStarOptions o;
  o.deterministic = deterministic;
  o.seed = seed_value(seed);
  o.max_expansions = static_cast<uint64_t>(max_expansions);
  o.time_limit_s = time_limit;
  return o;
}

int cost_value(const std::string& token) { return std::stoi(token.substr(1)); }

// The events of a trace, read from its tokens: `create|close <state> c<g> c<h>` where the
// state is `x y` (maze) or `worker x y box x y ...` (Sokoban). The tokens are the ones
// the search just wrote, so their shape is known.
std::vector<TraceEvent> events_of(const std::vector<std::string>& trace) {
  std::vector<TraceEvent> events;
  size_t i = 0;
  while (i < trace.size()) {
    TraceEvent e;
    e.action = trace[i++];
    if (trace[i] == "worker") ++i;
    e.x = std::stoi(trace[i]);
    e.y = std::stoi(trace[i + 1]);
    i += 2;
    while (trace[i] == "box") {
      e.boxes.push_back({std::stoi(trace[i + 1]), std::stoi(trace[i + 2])});
      i += 3;
    }
    e.g = cost_value(trace[i]);
    e.h = cost_value(trace[i + 1]);
    i += 2;
    events.push_back(std::move(e));
  }
  return events;
}

// What both traced searches give alike: the status, the counts and the tokens (the plan's
// positions differ: maze cells or Sokoban player positions, filled by the caller).
template <class Traced>
SearchOutcome outcome_of(Traced&& traced) {
  SearchOutcome out;
  out.status = status_name(traced.result.status);
  out.cost = traced.result.cost;
  out.expansions = traced.result.expansions;
  out.created = traced.result.created;
  out.prompt = std::move(traced.prompt);
  out.trace = std::move(traced.trace);
  out.plan_tokens = std::move(traced.plan);
  out.events = events_of(out.trace);
  return out;
}

SearchOutcome astar_maze(const maze::MazeTask& task, bool deterministic, const py::int_& seed,
                         int64_t max_expansions, double time_limit) {
  const auto options = astar_options(deterministic, seed, max_expansions, time_limit);
  SearchOutcome out;
  {
    py::gil_scoped_release release;
    // The tokens exactly as `traceplay solve --trace` and the datasets write them.
    search::MazeTrace traced = search::trace_maze(task, options);
    std::vector<Pos> plan;
    for (int32_t cell : traced.result.plan) plan.push_back(task.pos(cell));
    out = outcome_of(std::move(traced));
    out.plan = std::move(plan);
  }
  return out;
}

SearchOutcome astar_sokoban(const sokoban::Level& level, bool deterministic, const py::int_& seed,
                            int64_t max_expansions, double time_limit) {
  const auto options = astar_options(deterministic, seed, max_expansions, time_limit);
  SearchOutcome out;
  {
    py::gil_scoped_release release;
    search::SokobanTrace traced = search::trace_sokoban(level, options);
    const bool solved = traced.result.solved();
    std::vector<Pos> plan = traced.result.plan;
    out = outcome_of(std::move(traced));
    out.plan = std::move(plan);
    if (solved) {
      out.moves = sokoban::plan_to_lurd(level, out.plan);
      out.pushes = 0;
      for (char c : out.moves) out.pushes += c >= 'A' && c <= 'Z';
    }
  }
  return out;
}

SearchOutcome solve_sokoban(const sokoban::Level& level, int64_t max_expansions, double time_limit) {
  if (max_expansions < 0)
    throw py::value_error("max_expansions must be >= 0, got " + std::to_string(max_expansions));
  if (!(time_limit >= 0)) throw py::value_error("time_limit must be >= 0 seconds");
  search::SolverOptions options;
  options.max_expansions = static_cast<uint64_t>(max_expansions);
  options.time_limit_s = time_limit;
  SearchOutcome out;
  {
    py::gil_scoped_release release;
    search::SokobanSolver solver;
    search::SolverResult solved = solver.solve(level, options);
    out.status = status_name(solved.status);
    out.cost = solved.cost;
    out.expansions = solved.expansions;
    out.created = solved.generated;
    out.plan = std::move(solved.plan);
    if (solved.solved()) {
      out.plan_tokens = search::plan_tokens(out.plan);
      out.moves = sokoban::plan_to_lurd(level, out.plan);
      out.pushes = solved.pushes;
    }
  }
  return out;
}

// Events as one int32 array of shape (n, 5): action (0 create, 1 close), x, y, g, h.
py::array_t<int32_t> events_array(const SearchOutcome& o) {
  std::vector<int32_t> values;
  values.reserve(o.events.size() * 5);
  for (const auto& e : o.events) {
    values.push_back(e.action == "create" ? 0 : 1);
    values.push_back(e.x);
    values.push_back(e.y);
    values.push_back(e.g);
    values.push_back(e.h);
  }
  return to_numpy(std::move(values), {static_cast<py::ssize_t>(o.events.size()), 5});
}

}  // namespace

void bind_search(py::module_& m) {
  m.doc() = "A* with Searchformer traces (tokens and events) and the Sokoban solver.";

  py::class_<TraceEvent>(m, "TraceEvent",
                         "One trace step: action 'create' (a node pushed) or 'close' (a node popped), the\n"
                         "node's (x, y) (the Sokoban worker's), its loose boxes (Sokoban), g and h.")
      .def_readonly("action", &TraceEvent::action)
      .def_readonly("x", &TraceEvent::x)
      .def_readonly("y", &TraceEvent::y)
      .def_property_readonly("boxes", [](const TraceEvent& e) { return to_py(e.boxes); })
      .def_readonly("g", &TraceEvent::g, "Cost from the start.")
      .def_readonly("h", &TraceEvent::h, "Heuristic to the goal.")
      .def("__repr__", [](const TraceEvent& e) {
        return "<TraceEvent " + e.action + " (" + std::to_string(e.x) + ", " + std::to_string(e.y) +
               ") g=" + std::to_string(e.g) + " h=" + std::to_string(e.h) + ">";
      });

  py::class_<SearchOutcome>(m, "SearchResult", "What one search found, with its trace.")
      .def_readonly("status", &SearchOutcome::status,
                    "'solved', 'unsolvable' or 'limit' (a limit stopped it).")
      .def_property_readonly("solved", [](const SearchOutcome& o) { return o.status == "solved"; })
      .def_readonly("cost", &SearchOutcome::cost, "Moves of the plan (solved only, else 0).")
      .def_readonly("expansions", &SearchOutcome::expansions, "Nodes closed.")
      .def_readonly("created", &SearchOutcome::created, "Nodes pushed (the solver: children generated).")
      .def_property_readonly(
          "plan", [](const SearchOutcome& o) { return to_py(o.plan); },
          "Positions (x, y), start first (solved only).")
      .def_readonly("prompt", &SearchOutcome::prompt, "The task's prompt tokens (A* only).")
      .def_readonly("trace", &SearchOutcome::trace,
                    "The trace tokens, exactly as `traceplay solve --trace` and the datasets write them.")
      .def_readonly("plan_tokens", &SearchOutcome::plan_tokens, "`plan x y ...` tokens.")
      .def_readonly("events", &SearchOutcome::events, "The trace as TraceEvent objects, in order.")
      .def("events_array", &events_array,
           "The events as a numpy int32 array of shape (n, 5): action (0 create, 1 close), x, y,\n"
           "g, h (Sokoban boxes left out).")
      .def_readonly("moves", &SearchOutcome::moves, "Sokoban: the LURD string of the plan (solved only).")
      .def_readonly("pushes", &SearchOutcome::pushes, "Sokoban: pushes in the plan (solved only, else -1).")
      .def("__repr__", [](const SearchOutcome& o) {
        return "<SearchResult " + o.status + ", cost " + std::to_string(o.cost) + ", " +
               std::to_string(o.expansions) + " expansions, " + std::to_string(o.trace.size()) +
               " trace tokens>";
      });

  m.def("astar_maze", &astar_maze, py::arg("task"), py::arg("deterministic") = true, py::arg("seed") = 0,
        py::arg("max_expansions") = 0, py::arg("time_limit") = 0.0,
        "A* on a maze task with the Searchformer reference's exact semantics (`traceplay solve\n"
        "--domain maze --trace`): deterministic by default; `deterministic=False` breaks ties\n"
        "and orders children randomly from `seed` (0 <= seed < 2**64). Limits: 0 = none.\n"
        "Releases the GIL.");
  m.def("astar_sokoban", &astar_sokoban, py::arg("level"), py::arg("deterministic") = true,
        py::arg("seed") = 0, py::arg("max_expansions") = 0, py::arg("time_limit") = 0.0,
        "Trace-mode A* on a Sokoban level (the reference's heuristic; `traceplay solve --domain\n"
        "sokoban --trace`). Releases the GIL.");
  m.def("solve_sokoban", &solve_sokoban, py::arg("level"), py::arg("max_expansions") = 0,
        py::arg("time_limit") = 0.0,
        "The move-optimal solver (`traceplay solve --domain sokoban`): plan, LURD moves, pushes;\n"
        "no trace. Releases the GIL.");
}

}  // namespace traceplay::python
