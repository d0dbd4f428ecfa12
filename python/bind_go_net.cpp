// traceplay.models, the Go part: a Go network checkpoint (a self-play run's
// models/vNNNN, or a learner's checkpoint) loaded as `traceplay gtp --model` loads it, as
// a traceplay.go.Evaluator that go.analyze and go.GtpEngine search with. Torch-free here:
// apps/model_evaluator.cpp, linked into this module, holds the LibTorch side.
#include "apps/model_evaluator.h"
#include "python/bindings.h"

namespace traceplay::python {

void bind_go_net(py::module_& m) {
  m.def(
      "load_go_net",
      [](const std::string& path, const std::string& device) {
        apps::ModelEvaluator loaded;
        {
          py::gil_scoped_release release;
          loaded = apps::load_model_evaluator(path, device);
        }
        EvaluatorHandle h;
        h.evaluator = std::move(loaded.evaluator);
        h.description = loaded.description;
        h.min_board_size = loaded.min_board_size;
        h.max_board_size = loaded.max_board_size;
        h.neural = true;
        return h;
      },
      py::arg("path"), py::arg("device") = "cpu",
      "A Go network checkpoint (config.json + model.safetensors of a Go net, e.g. a self-play\n"
      "run's models/v0001) as a traceplay.go.Evaluator: go.analyze(board, evaluator=...) then\n"
      "searches with its policy as the prior, its value and its ownership head, as `traceplay\n"
      "gtp --model` does (leaves batched through one forward pass). ValueError with the command\n"
      "line's message for a missing, damaged or Searchformer checkpoint.");
}

}  // namespace traceplay::python
