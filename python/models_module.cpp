// The Python module `traceplay_models`, seen as traceplay.models: the bindings that need
// LibTorch (Searchformer checkpoints in bind_models.cpp, Go networks in bind_go_net.cpp).
// A second extension so that `import traceplay` stays torch-free and fast; traceplay
// imports this one on first use of traceplay.models (module.cpp). It links Debian's
// LibTorch, the very libtorch_cpu.so that python3-torch loads, so importing torch before
// or after it is safe (python/README.md).
#include "core/error.h"
#include "games/sokoban/level.h"
#include "python/bindings.h"
#include "search/dataset_domains.h"

namespace py = pybind11;

PYBIND11_MODULE(traceplay_models, m) {
  m.doc() =
      "traceplay.models: Searchformer checkpoints (load, load_tasks, Model.generate with the\n"
      "KV-cache sampler and the simulator's check, Model.log_likelihood) and Go network\n"
      "checkpoints as MCTS evaluators (load_go_net). Links LibTorch. Bad input raises\n"
      "ValueError with the command line's message.";
  // go.Evaluator, which load_go_net returns, is registered by traceplay.
  py::module_::import("traceplay");
  // This module holds its own copy of core's dataset check, registered here as in traceplay.
  traceplay::search::register_dataset_domains();
  py::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const traceplay::UserError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const traceplay::sokoban::LevelError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  traceplay::python::bind_models(m);
  traceplay::python::bind_go_net(m);
}
