// The training checkpoint of a run directory: RUN_DIR/checkpoint/ holds
//   model.safetensors + config.json   the model (models/checkpoint.h; eval reads these)
//   optimizer.safetensors             AdamW's moments, "exp_avg.<param>", "exp_avg_sq.<param>"
//   train_state.json                  step, the run's settings, data position, metrics so far
// A new checkpoint is written whole as RUN_DIR/checkpoint.tmp and swapped in with one
// atomic rename exchange, so a kill at any moment leaves either the old checkpoint or
// the new one, never a mix.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/checkpoint.h"
#include "models/train_optimizer.h"

namespace traceplay::models {

constexpr const char* kTrainStateFile = "train_state.json";
constexpr const char* kTrainStateFormat = "traceplay-train-state";

std::string checkpoint_path(const std::string& run_dir);  // RUN_DIR/checkpoint

// Writes the checkpoint and swaps it in (run_dir must exist).
void write_checkpoint(const std::string& run_dir, EncoderDecoderImpl& model, const ModelInfo& info,
                      const FlatParameters& params, FlatAdamW& optimizer, const nlohmann::json& state);

// RUN_DIR/checkpoint/train_state.json, or nullopt when there is no checkpoint. Throws
// UserError naming the file when it is unreadable or not a train state.
std::optional<nlohmann::json> read_train_state(const std::string& run_dir);

// Loads optimizer.safetensors of RUN_DIR/checkpoint into `optimizer` (every parameter
// of `params` must be there, with its shape); the step count comes from train_state.
void load_optimizer_state(const std::string& run_dir, const FlatParameters& params, FlatAdamW& optimizer);

// What an interrupted swap or write leaves: checkpoint.tmp is removed; a checkpoint.old
// is put back when the checkpoint itself is missing, else removed.
void clean_checkpoint_leftovers(const std::string& run_dir);

}  // namespace traceplay::models
