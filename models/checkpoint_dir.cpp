#include "models/checkpoint_dir.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/shard.h"

namespace traceplay::models {

namespace fs = std::filesystem;

std::string find_checkpoint_dir(const std::string& path, const std::string& flag) {
  if (path.empty()) throw UserError(flag + " must name a checkpoint or a training run directory");
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw UserError(flag + " " + path + ": no such file or directory");
  if (!fs::is_directory(st))
    throw UserError(flag + " " + path + ": not a directory (a checkpoint is a directory)");
  const std::string dir = fs::path(path).lexically_normal().string();
  if (fs::exists(dir + "/config.json")) return dir;
  if (fs::exists(dir + "/checkpoint/config.json")) return dir + "/checkpoint";
  throw UserError(
      flag + " " + path +
      ": neither a checkpoint (config.json + model.safetensors) nor a run directory holding checkpoint/");
}

CheckpointSummary read_checkpoint_summary(const std::string& dir) {
  const std::string config_path = dir + "/config.json";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(config_path));
  } catch (const nlohmann::json::exception& e) {
    throw UserError(config_path + ": not JSON (" + e.what() + ")");
  }
  CheckpointSummary s;
  s.dir = dir;
  try {
    if (j.at("format").get<std::string>() != "traceplay-model")
      throw UserError(config_path + ": \"format\" is not \"traceplay-model\"");
    s.mode = j.at("mode").get<std::string>();
    s.vocabulary = j.at("vocabulary").get<std::vector<std::string>>();
    s.domain = j.value("domain", std::string());
    s.step = j.value("step", int64_t{0});
  } catch (const nlohmann::json::exception& e) {
    throw UserError(config_path + ": " + e.what());
  }
  if (s.mode != "search-augmented" && s.mode != "solution-only")
    throw UserError(config_path + ": unknown \"mode\" \"" + s.mode + "\"");
  const std::string weights = dir + "/model.safetensors";
  if (!fs::is_regular_file(weights))
    throw UserError(weights + " is missing: " + dir + " is not a complete checkpoint");
  s.weights_xxh64 = hex16(xxh64_file(weights));
  return s;
}

}  // namespace traceplay::models
