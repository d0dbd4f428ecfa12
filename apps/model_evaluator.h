// A Go-net checkpoint as the MCTS bot's evaluator (`traceplay gtp --model DIR`). Declared
// torch-free so that cmd_gtp.cpp, compiled into both executables, can name it; defined in
// model_evaluator.cpp (traceplay-torch, which links models/) and, in traceplay, as a logic
// error (torch_handover.cpp): traceplay hands every `gtp --model` command line over to
// traceplay-torch before parsing it (torch_commands.cpp), so it never gets there.
#pragma once

#include <memory>
#include <string>

#include "search/evaluator.h"

namespace traceplay::apps {

struct ModelEvaluator {
  std::shared_ptr<const search::Evaluator> evaluator;  // batches the searches' leaves over the net
  int min_board_size = 5;                              // the board sizes the net serves
  int max_board_size = 19;
  std::string description;  // "transformer tiny (history 8, 9x9 run v0003)"
};

// Loads DIR (config.json + model.safetensors of a Go net: models/go_net_checkpoint.h) on
// `device` ("cpu", "cuda", "cuda:N"). A missing or unreadable directory, another kind of
// checkpoint (a Searchformer's), a damaged one, or a device this machine lacks: UserError
// naming the file or the flag (exit 2 in the CLI).
ModelEvaluator load_model_evaluator(const std::string& dir, const std::string& device = "cpu");

}  // namespace traceplay::apps
