#include "models/go_net_checkpoint.h"

#include <filesystem>
#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "models/checkpoint_checksum.h"
#include "models/safetensors.h"

namespace traceplay::models {

namespace {

const char* const kFixedKeys[] = {"format", "version", "net", kWeightsChecksumKey};
constexpr const char* kFormat = "traceplay-go-net";

std::string file_in(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

bool is_fixed(const std::string& key) {
  for (const char* k : kFixedKeys)
    if (key == k) return true;
  return false;
}

}  // namespace

void save_go_net(const std::string& dir, GoNetImpl& net, const nlohmann::json& extra) {
  if (!extra.is_null() && !extra.is_object())
    throw std::invalid_argument("save_go_net: extra must be a JSON object");
  std::filesystem::create_directories(dir);
  NamedTensors tensors;
  for (const auto& p : net.named_parameters()) tensors.emplace_back(p.key(), p.value());
  save_safetensors(file_in(dir, "model.safetensors"), tensors, {{"format", "pt"}});
  nlohmann::ordered_json config;
  config["format"] = kFormat;
  config["version"] = 1;
  config["net"] = net.config().to_json();
  config[kWeightsChecksumKey] = weights_checksum(file_in(dir, "model.safetensors"));
  if (extra.is_object())
    for (const auto& [key, value] : extra.items()) {
      if (is_fixed(key)) throw std::invalid_argument("save_go_net: extra may not set \"" + key + "\"");
      config[key] = value;
    }
  write_file_atomic(file_in(dir, "config.json"), config.dump(2) + "\n");
}

GoNetInfo load_go_net_info(const std::string& dir, const GoNetRequirements& req) {
  const std::string path = file_in(dir, "config.json");
  if (!std::filesystem::is_regular_file(path))
    throw UserError(path + ": missing (not a Go network checkpoint)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    throw UserError(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw UserError(path + ": not a JSON object");
  const std::string format =
      j.contains("format") && j["format"].is_string() ? j["format"].get<std::string>() : "";
  if (format == "traceplay-model")
    throw UserError(path + ": a Searchformer checkpoint (\"traceplay-model\"), not a Go network");
  if (format != kFormat) throw UserError(path + ": \"format\" must be \"" + kFormat + "\"");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int64_t>() != 1)
    throw UserError(path + ": \"version\" must be 1");
  if (!j.contains("net")) throw UserError(path + ": \"net\" is missing");
  GoNetInfo info;
  info.net = GoNetConfig::from_json(j["net"], path + ": \"net\"");
  info.weights_xxh64 = read_weights_checksum(j, path);
  for (const auto& [key, value] : j.items())
    if (!is_fixed(key)) info.extra[key] = value;
  const GoNetConfig& c = info.net;
  if (!req.kind.empty() && req.kind != c.kind)
    throw UserError(path + ": a " + c.kind + " network, expected a " + req.kind);
  if (req.board_size != 0 &&
      (req.board_size < GoNetConfig::kMinBoardSize || req.board_size > c.max_board_size))
    throw UserError(path + ": the network serves board sizes 5.." + std::to_string(c.max_board_size) +
                    ", not " + std::to_string(req.board_size));
  if (req.history != 0 && req.history != c.history)
    throw UserError(path + ": the network reads " + std::to_string(c.history) +
                    " history positions, expected " + std::to_string(req.history));
  return info;
}

GoNet load_go_net(const std::string& dir, const GoNetRequirements& req, const torch::Device& device,
                  GoNetInfo* info_out) {
  GoNetInfo info = load_go_net_info(dir, req);
  const std::string path = file_in(dir, "model.safetensors");
  verify_weights_checksum(path, info.weights_xxh64);
  std::map<std::string, torch::Tensor> tensors;
  for (auto& [name, t] : load_safetensors(path)) tensors.emplace(name, std::move(t));
  GoNet net = make_go_net(info.net);
  {
    torch::NoGradGuard no_grad;
    std::set<std::string> used;
    for (auto& p : net->named_parameters()) {
      auto it = tensors.find(p.key());
      if (it == tensors.end()) throw UserError(path + ": tensor \"" + p.key() + "\" is missing");
      const auto& t = it->second;
      if (t.sizes() != p.value().sizes())
        throw UserError(path + ": tensor \"" + p.key() + "\" has shape " + c10::str(t.sizes()) +
                        ", the network " + c10::str(p.value().sizes()));
      if (t.scalar_type() != p.value().scalar_type())
        throw UserError(path + ": tensor \"" + p.key() + "\" is " + c10::toString(t.scalar_type()) +
                        ", expected " + c10::toString(p.value().scalar_type()));
      p.value().copy_(t);
      used.insert(p.key());
    }
    for (const auto& [name, t] : tensors)
      if (!used.count(name))
        throw UserError(path + ": tensor \"" + name + "\" is not a parameter of this network");
  }
  net->to(device);
  if (info_out) *info_out = std::move(info);
  return net;
}

}  // namespace traceplay::models
