#include "models/checkpoint.h"

#include <filesystem>
#include <map>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "models/checkpoint_checksum.h"
#include "models/safetensors.h"

namespace traceplay::models {

namespace {

const char* const kFixedKeys[] = {"format", "version", "arch", "vocabulary", "mode", kWeightsChecksumKey};

std::string file_in(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

}  // namespace

void save_model(const std::string& dir, EncoderDecoderImpl& model, const ModelInfo& info) {
  if (info.mode != "search-augmented" && info.mode != "solution-only")
    throw std::invalid_argument("save_model: mode \"" + info.mode +
                                "\" is neither search-augmented nor solution-only");
  if (static_cast<int64_t>(info.vocabulary.size()) != model.config().vocab_size)
    throw std::invalid_argument("save_model: the vocabulary has " + std::to_string(info.vocabulary.size()) +
                                " tokens, the model " + std::to_string(model.config().vocab_size));
  std::filesystem::create_directories(dir);
  NamedTensors tensors;
  for (const auto& p : model.named_parameters()) tensors.emplace_back(p.key(), p.value());
  save_safetensors(file_in(dir, "model.safetensors"), tensors, {{"format", "pt"}});

  nlohmann::ordered_json config;
  config["format"] = "traceplay-model";
  config["version"] = 1;
  config["arch"] = model.config().to_json();
  config["vocabulary"] = info.vocabulary;
  config["mode"] = info.mode;
  config[kWeightsChecksumKey] = weights_checksum(file_in(dir, "model.safetensors"));
  if (!info.extra.is_null()) {
    if (!info.extra.is_object()) throw std::invalid_argument("save_model: extra must be a JSON object");
    for (const auto& [key, value] : info.extra.items()) {
      for (const char* fixed : kFixedKeys)
        if (key == fixed) throw std::invalid_argument("save_model: extra may not set \"" + key + "\"");
      config[key] = value;
    }
  }
  write_file_atomic(file_in(dir, "config.json"), config.dump(2) + "\n");
}

ModelInfo load_model_info(const std::string& dir) {
  const std::string path = file_in(dir, "config.json");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    throw UserError(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw UserError(path + ": not a JSON object");
  if (j.value("format", "") != "traceplay-model")
    throw UserError(path + ": \"format\" must be \"traceplay-model\" (is this a model checkpoint?)");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int64_t>() != 1)
    throw UserError(path + ": \"version\" must be 1");
  ModelInfo info;
  if (!j.contains("arch")) throw UserError(path + ": \"arch\" is missing");
  info.arch = TransformerConfig::from_json(j["arch"], path + ": \"arch\"");
  if (!j.contains("vocabulary") || !j["vocabulary"].is_array())
    throw UserError(path + ": \"vocabulary\" must be an array of strings");
  for (const auto& t : j["vocabulary"]) {
    if (!t.is_string()) throw UserError(path + ": \"vocabulary\" holds " + t.dump() + ", not a string");
    info.vocabulary.push_back(t.get<std::string>());
  }
  if (static_cast<int64_t>(info.vocabulary.size()) != info.arch.vocab_size)
    throw UserError(path + ": \"vocabulary\" has " + std::to_string(info.vocabulary.size()) +
                    " tokens but \"arch\".\"vocab_size\" is " + std::to_string(info.arch.vocab_size));
  if (!j.contains("mode") || !j["mode"].is_string() ||
      (j["mode"] != "search-augmented" && j["mode"] != "solution-only"))
    throw UserError(path + ": \"mode\" must be \"search-augmented\" or \"solution-only\"");
  info.mode = j["mode"].get<std::string>();
  info.weights_xxh64 = read_weights_checksum(j, path);
  for (const auto& [key, value] : j.items()) {
    bool fixed = false;
    for (const char* k : kFixedKeys) fixed = fixed || key == k;
    if (!fixed) info.extra[key] = value;
  }
  return info;
}

EncoderDecoder load_model(const std::string& dir, ModelInfo* info_out, const torch::Device& device) {
  ModelInfo info = load_model_info(dir);
  const std::string path = file_in(dir, "model.safetensors");
  verify_weights_checksum(path, info.weights_xxh64);
  std::map<std::string, torch::Tensor> tensors;
  for (auto& [name, t] : load_safetensors(path)) tensors.emplace(name, std::move(t));
  EncoderDecoder model(info.arch);
  {
    torch::NoGradGuard no_grad;
    std::set<std::string> used;
    for (auto& p : model->named_parameters()) {
      auto it = tensors.find(p.key());
      if (it == tensors.end()) throw UserError(path + ": tensor \"" + p.key() + "\" is missing");
      const auto& t = it->second;
      if (t.sizes() != p.value().sizes())
        throw UserError(path + ": tensor \"" + p.key() + "\" has shape " + c10::str(t.sizes()) +
                        ", the model " + c10::str(p.value().sizes()) +
                        " (config.json: " + info.arch.to_json().dump() + ")");
      if (t.scalar_type() != p.value().scalar_type())
        throw UserError(path + ": tensor \"" + p.key() + "\" is " + c10::toString(t.scalar_type()) +
                        ", expected " + c10::toString(p.value().scalar_type()));
      p.value().copy_(t);
      used.insert(p.key());
    }
    for (const auto& [name, t] : tensors)
      if (!used.count(name))
        throw UserError(path + ": tensor \"" + name + "\" is not a parameter of this model");
  }
  model->to(device);
  if (info_out) *info_out = std::move(info);
  return model;
}

}  // namespace traceplay::models
