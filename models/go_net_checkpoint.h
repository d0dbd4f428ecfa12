// Go network checkpoints, in the Searchformer's form (checkpoint.h): a directory with
// model.safetensors (the parameters by name, F32) and config.json
//   {"format": "traceplay-go-net", "version": 1, "net": GoNetConfig, ...extra}
// (extra: whatever the writer adds, e.g. step, version). Each file is written to a
// temporary name and renamed, the weights first. A Searchformer checkpoint
// ("traceplay-model") or a net of another kind, history or board size is refused with
// one UserError naming the file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/go_net.h"

namespace traceplay::models {

struct GoNetInfo {
  GoNetConfig net;
  nlohmann::json extra = nlohmann::json::object();
  std::string weights_xxh64;  // config.json's checksum of model.safetensors ("" in older checkpoints)
};

// What a caller needs of a checkpoint; empty / 0 = anything.
struct GoNetRequirements {
  std::string kind;        // "transformer" | "resnet"
  int64_t board_size = 0;  // must be within 5..max_board_size
  int64_t history = 0;     // the input planes' history
};

// Writes model.safetensors and config.json into `dir` (created if missing); `extra`
// must be an object without the fixed keys.
void save_go_net(const std::string& dir, GoNetImpl& net,
                 const nlohmann::json& extra = nlohmann::json::object());
// Reads and checks DIR/config.json against `requirements`.
GoNetInfo load_go_net_info(const std::string& dir, const GoNetRequirements& requirements = {});
// Builds the net of config.json and loads its weights onto `device` (every parameter
// present with its shape and dtype, nothing extra).
GoNet load_go_net(const std::string& dir, const GoNetRequirements& requirements, const torch::Device& device,
                  GoNetInfo* info = nullptr);

}  // namespace traceplay::models
