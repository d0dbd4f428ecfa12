// Model checkpoints (DESIGN.md, pinned): a directory with model.safetensors and
// config.json {"format": "traceplay-model", "version": 1, "arch": TransformerConfig,
// "vocabulary": [...], "mode": "search-augmented"|"solution-only", ...extra}. Training
// adds its train state beside them (models/train.h). Every file is written to a
// temporary name and renamed; a checkpoint directory is replaced as a whole (written as
// DIR.tmp, then swapped in), so a kill never leaves a mix of two checkpoints.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/transformer.h"

namespace traceplay::models {

struct ModelInfo {
  TransformerConfig arch;
  std::vector<std::string> vocabulary;
  std::string mode;                                 // "search-augmented" | "solution-only"
  nlohmann::json extra = nlohmann::json::object();  // domain, dataset identity, step, ...
  std::string weights_xxh64;  // config.json's checksum of model.safetensors ("" in older checkpoints)
};

// Writes model.safetensors and config.json into `dir` (created if missing).
void save_model(const std::string& dir, EncoderDecoderImpl& model, const ModelInfo& info);
// Reads config.json (validated, errors name the file and field).
ModelInfo load_model_info(const std::string& dir);
// Builds the model of config.json and loads its weights onto `device`; throws UserError
// naming the file when a tensor is missing, extra, or of the wrong shape or dtype.
EncoderDecoder load_model(const std::string& dir, ModelInfo* info, const torch::Device& device);

}  // namespace traceplay::models
