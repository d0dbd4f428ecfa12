// Finding a checkpoint from what a user names, and reading the few facts of its
// config.json that commands need before they load any weights. Torch-free, so apps and
// torch-free modules (bootstrapping, option checks) can use it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace traceplay::models {

// `path` is a checkpoint (config.json + model.safetensors) or a training run directory
// holding checkpoint/; returns the checkpoint directory. Throws UserError naming `flag`
// and the path otherwise (a missing path, a file, a directory without either).
std::string find_checkpoint_dir(const std::string& path, const std::string& flag);

// What config.json says, without the weights.
struct CheckpointSummary {
  std::string dir;     // the checkpoint directory
  std::string mode;    // "search-augmented" | "solution-only"
  std::string domain;  // extra "domain" ("" when not recorded)
  std::vector<std::string> vocabulary;
  int64_t step = 0;           // extra "step": the training step it holds (0 when not recorded)
  std::string weights_xxh64;  // XXH64 of model.safetensors, 16 hex: the checkpoint's identity
};

// Reads DIR/config.json (DIR from find_checkpoint_dir) and hashes its weights file;
// throws UserError naming the file when anything is missing or malformed.
CheckpointSummary read_checkpoint_summary(const std::string& dir);

}  // namespace traceplay::models
