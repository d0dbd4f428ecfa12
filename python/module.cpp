// The Python module `traceplay`: one submodule per area, each bound in its own file
// (bind_<area>.cpp, as OpenSpiel's init_pyspiel_*), and the C++ errors as Python sees
// them. Bad input (traceplay::UserError, a malformed Sokoban level, an invalid argument)
// is ValueError with the command line's message; nothing a caller passes crashes the
// interpreter.
#include <stdexcept>

#include "core/error.h"
#include "core/version.h"
#include "games/sokoban/level.h"
#include "python/bindings.h"
#include "search/dataset_domains.h"

namespace py = pybind11;

PYBIND11_MODULE(traceplay, m) {
  m.doc() =
      "traceplay: search traces, datasets and Go on the C++ core (torch-free).\n\n"
      "Submodules: games (mazes, Sokoban), search (A* with traces, the Sokoban solver),\n"
      "data (vocabularies, datasets), go (board, SGF, features, MCTS, GTP engine), and\n"
      "models (Searchformer and Go network checkpoints; links LibTorch, imported on first\n"
      "use: `from traceplay import models`).\n"
      "Bad input raises ValueError with the command line's message.";
  // The dataset reader checks a manifest's vocabulary against its domain's (as main does).
  traceplay::search::register_dataset_domains();

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const traceplay::UserError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const traceplay::sokoban::LevelError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  // Each area is a submodule, also importable by name (import traceplay.go).
  py::object modules = py::module_::import("sys").attr("modules");
  const std::pair<const char*, void (*)(py::module_&)> areas[] = {
      {"games", traceplay::python::bind_games},
      {"search", traceplay::python::bind_search},
      {"data", traceplay::python::bind_data},
      {"go", traceplay::python::bind_go},
  };
  for (const auto& [name, bind] : areas) {
    py::module_ sub = m.def_submodule(name);
    bind(sub);
    modules[py::str(std::string("traceplay.") + name)] = sub;
  }
  m.attr("__version__") = std::string(traceplay::kVersion) + "-" + traceplay::kGitSha;

  // traceplay.models links LibTorch, so it is a second extension beside this one
  // (traceplay_models, python/README.md), imported on first use (PEP 562): `import
  // traceplay` stays torch-free and fast, as `traceplay` hands only model commands over to
  // `traceplay-torch`.
  m.def("__getattr__", [](const std::string& name) -> py::object {
    if (name != "models") throw py::attribute_error("module 'traceplay' has no attribute '" + name + "'");
    py::module_ models = py::module_::import("traceplay_models");
    py::module_::import("traceplay").attr("models") = models;
    py::module_::import("sys").attr("modules")["traceplay.models"] = models;
    return std::move(models);
  });
  m.def("__dir__", []() {
    py::list names(py::module_::import("traceplay").attr("__dict__").attr("keys")());
    if (!names.contains("models")) names.append("models");
    return names;
  });
}
