// Checkpoint weights carry their checksum, as dataset shards do: config.json's
// "weights_xxh64" is the XXH64 (seed 0, 16 hex digits) of model.safetensors' bytes,
// written after the weights and checked before they are read. A damaged or swapped
// weights file is then named as such ("does not match its checkpoint"), never loaded;
// without the check a flipped byte inside a tensor's data loads silently as another net.
// Both kinds of checkpoint use it (models/checkpoint.h, models/go_net_checkpoint.h).
// Checkpoints written before the key existed have none and load unchecked.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

inline constexpr const char* kWeightsChecksumKey = "weights_xxh64";

// hex16(XXH64) of the file at `weights_path` (core/shard.h's xxh64_file).
std::string weights_checksum(const std::string& weights_path);

// The key's value in `config` (read from `config_path`): "" when absent; UserError naming
// config_path when it is not 16 hex digits.
std::string read_weights_checksum(const nlohmann::json& config, const std::string& config_path);

// Nothing when `expected` is ""; otherwise the file's checksum must equal it (UserError
// naming weights_path otherwise: "corrupted or not this checkpoint's weights").
void verify_weights_checksum(const std::string& weights_path, const std::string& expected);

}  // namespace traceplay::models
