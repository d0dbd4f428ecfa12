// What the binding files share: one init function per area (each bind_<area>.cpp, as
// OpenSpiel's init_pyspiel_*), called by module.cpp, and the conversions of small value
// types that several areas use.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "games/grid.h"
#include "search/evaluator.h"

namespace traceplay::python {

namespace py = pybind11;

void bind_games(py::module_& m);
void bind_search(py::module_& m);
void bind_data(py::module_& m);
void bind_go(py::module_& m);
// The torch-linked module traceplay_models (traceplay.models, imported on first use):
// Searchformer checkpoints, and Go network checkpoints as evaluators.
void bind_models(py::module_& m);
void bind_go_net(py::module_& m);

// A search evaluator Python holds (traceplay.go.Evaluator): a Go network that
// traceplay.models.load_go_net made, handed to the torch-free searches of traceplay.go
// (analyze, GtpEngine) without their module linking LibTorch. Both modules see one
// Python type: pybind11 shares its type registry between modules built alike.
struct EvaluatorHandle {
  std::shared_ptr<const search::Evaluator> evaluator;
  std::string description;
  int min_board_size = 2, max_board_size = 25;  // the board sizes it serves
  bool neural = false;  // a network: searches expand a leaf at its first visit, as `gtp --model`
};

// Grid positions cross the boundary as (x, y) tuples.
inline py::tuple to_py(Pos p) { return py::make_tuple(p.x, p.y); }
inline std::vector<py::tuple> to_py(const std::vector<Pos>& ps) {
  std::vector<py::tuple> out;
  out.reserve(ps.size());
  for (Pos p : ps) out.push_back(to_py(p));
  return out;
}
inline Pos to_pos(const std::pair<int, int>& xy) { return {xy.first, xy.second}; }
inline std::vector<Pos> to_pos(const std::vector<std::pair<int, int>>& xys) {
  std::vector<Pos> out;
  out.reserve(xys.size());
  for (const auto& xy : xys) out.push_back(to_pos(xy));
  return out;
}

// JSON values become the Python objects json.loads makes (dict, list, str, ...).
inline py::object to_py(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}
inline py::object to_py(const nlohmann::ordered_json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}

// A vector moved into a numpy array that owns it (no copy of the elements).
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owned->data(), free_when_done);
}
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  const auto n = static_cast<py::ssize_t>(values.size());
  return to_numpy(std::move(values), {n});
}

}  // namespace traceplay::python
