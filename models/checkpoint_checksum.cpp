#include "models/checkpoint_checksum.h"

#include "core/error.h"
#include "core/hash.h"
#include "core/shard.h"

namespace traceplay::models {

std::string weights_checksum(const std::string& weights_path) { return hex16(xxh64_file(weights_path)); }

std::string read_weights_checksum(const nlohmann::json& config, const std::string& config_path) {
  if (!config.contains(kWeightsChecksumKey)) return "";
  const nlohmann::json& value = config[kWeightsChecksumKey];
  try {
    if (value.is_string()) return hex16(parse_hex16(value.get<std::string>()));
  } catch (const UserError&) {
  }
  throw UserError(config_path + ": \"" + kWeightsChecksumKey + "\" must be 16 hex digits");
}

void verify_weights_checksum(const std::string& weights_path, const std::string& expected) {
  if (expected.empty()) return;
  const std::string actual = weights_checksum(weights_path);
  if (actual != expected)
    throw UserError(weights_path + ": checksum " + actual + " does not match its checkpoint's " + expected +
                    " (config.json): the weights are corrupted or not this checkpoint's; not loaded");
}

}  // namespace traceplay::models
