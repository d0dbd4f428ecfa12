#include "models/go_net_config.h"

#include <set>

#include "core/error.h"
#include "games/go/features.h"

namespace traceplay::models {

int64_t GoNetConfig::input_planes() const {
  go::FeatureOptions options;
  options.history = static_cast<int>(history);
  return go::feature_planes(options);
}

int64_t GoNetConfig::ffn_hidden() const {
  const int64_t hidden = (2 * 4 * dim) / 3;
  return ffn_multiple_of * ((hidden + ffn_multiple_of - 1) / ffn_multiple_of);
}

int64_t GoNetConfig::num_parameters() const {
  const int64_t p = input_planes(), g = kGlobalInputs;
  if (kind == "transformer") {
    const int64_t d = dim, f = ffn_hidden();
    const int64_t input = p * d + d + 4 * max_board_size * d + g * d + d;  // planes, edges, global token
    const int64_t layer = 4 * d * d + 3 * d * f + 2 * d;
    const int64_t output_heads = d                                           // final norm
                                 + 3 * (d + 1)                               // policy, pass, ownership
                                 + (2 * d * d + d) + (3 * d + 3) + (d + 1);  // value trunk, value, score
    return input + layers * layer + output_heads;
  }
  const int64_t c = channels;
  const int64_t stem = p * c * 9 + c;
  const int64_t block = 2 * 9 * c * c + 2 * c;
  const int64_t output_heads = c              // final norm
                               + 2 * (c + 1)  // policy, ownership (1x1 convs)
                               + ((2 * c + g) * c + c) + (c + 1) + (3 * c + 3) +
                               (c + 1);  // trunk, pass, value, score
  return stem + blocks * block + output_heads;
}

void GoNetConfig::validate() const {
  auto positive = [](int64_t v, const char* name) {
    if (v <= 0)
      throw UserError(std::string("go net: \"") + name + "\" must be positive, got " + std::to_string(v));
  };
  if (kind != "transformer" && kind != "resnet")
    throw UserError("go net: \"kind\" must be \"transformer\" or \"resnet\", got \"" + kind + "\"");
  positive(history, "history");
  if (history > 64) throw UserError("go net: \"history\" must be at most 64, got " + std::to_string(history));
  if (max_board_size < kMinBoardSize || max_board_size > 19)
    throw UserError("go net: \"max_board_size\" must be in 5..19, got " + std::to_string(max_board_size));
  if (!(norm_eps > 0)) throw UserError("go net: \"norm_eps\" must be positive");
  if (kind == "transformer") {
    positive(dim, "dim");
    positive(layers, "layers");
    positive(heads, "heads");
    positive(ffn_multiple_of, "ffn_multiple_of");
    if (dim % heads != 0)
      throw UserError("go net: \"dim\" (" + std::to_string(dim) + ") must be divisible by \"heads\" (" +
                      std::to_string(heads) + ")");
    if (head_dim() % 4 != 0)
      throw UserError("go net: the head size dim/heads = " + std::to_string(head_dim()) +
                      " must be a multiple of 4 (2D RoPE rotates pairs in two halves)");
    if (!(rope_base > 1)) throw UserError("go net: \"rope_base\" must be greater than 1");
  } else {
    positive(channels, "channels");
    positive(blocks, "blocks");
  }
}

nlohmann::ordered_json GoNetConfig::to_json() const {
  nlohmann::ordered_json j;
  j["kind"] = kind;
  j["preset"] = preset;
  j["history"] = history;
  j["max_board_size"] = max_board_size;
  j["norm_eps"] = norm_eps;
  if (kind == "transformer") {
    j["dim"] = dim;
    j["layers"] = layers;
    j["heads"] = heads;
    j["ffn_multiple_of"] = ffn_multiple_of;
    j["ffn_hidden"] = ffn_hidden();
    j["rope_base"] = rope_base;
  } else {
    j["channels"] = channels;
    j["blocks"] = blocks;
  }
  return j;
}

GoNetConfig GoNetConfig::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw UserError(where + ": the network config must be an object");
  GoNetConfig c;
  auto string = [&](const char* key, std::string& out, bool required) {
    if (!j.contains(key)) {
      if (required) throw UserError(where + ": \"" + key + "\" is missing");
      return;
    }
    if (!j[key].is_string()) throw UserError(where + ": \"" + key + "\" must be a string");
    out = j[key].get<std::string>();
  };
  auto integer = [&](const char* key, int64_t& out) {
    if (!j.contains(key) || !j[key].is_number_integer())
      throw UserError(where + ": \"" + key + "\" must be an integer");
    out = j[key].get<int64_t>();
  };
  auto number = [&](const char* key, double& out) {
    if (!j.contains(key) || !j[key].is_number())
      throw UserError(where + ": \"" + key + "\" must be a number");
    out = j[key].get<double>();
  };
  string("kind", c.kind, true);
  if (c.kind != "transformer" && c.kind != "resnet")
    throw UserError(where + ": \"kind\" must be \"transformer\" or \"resnet\", got \"" + c.kind + "\"");
  string("preset", c.preset, false);
  std::set<std::string> known{"kind", "preset", "history", "max_board_size", "norm_eps"};
  integer("history", c.history);
  integer("max_board_size", c.max_board_size);
  number("norm_eps", c.norm_eps);
  if (c.kind == "transformer") {
    known.insert({"dim", "layers", "heads", "ffn_multiple_of", "ffn_hidden", "rope_base"});
    integer("dim", c.dim);
    integer("layers", c.layers);
    integer("heads", c.heads);
    integer("ffn_multiple_of", c.ffn_multiple_of);
    number("rope_base", c.rope_base);
  } else {
    known.insert({"channels", "blocks"});
    integer("channels", c.channels);
    integer("blocks", c.blocks);
  }
  for (const auto& item : j.items())
    if (!known.count(item.key()))
      throw UserError(where + ": unknown key \"" + item.key() + "\" for a " + c.kind + " network");
  try {
    c.validate();
  } catch (const UserError& e) {
    throw UserError(where + ": " + e.what());
  }
  if (j.contains("ffn_hidden") &&
      (!j["ffn_hidden"].is_number_integer() || j["ffn_hidden"].get<int64_t>() != c.ffn_hidden()))
    throw UserError(where + ": \"ffn_hidden\" does not match dim and ffn_multiple_of");
  return c;
}

GoNetConfig GoNetConfig::preset_named(const std::string& kind, const std::string& name, int64_t history) {
  GoNetConfig c;
  c.kind = kind;
  c.preset = name;
  c.history = history;
  if (kind == "transformer") {
    if (name == "tiny") {
      c.dim = 32, c.layers = 2, c.heads = 2, c.ffn_multiple_of = 16;
    } else if (name == "s") {
      c.dim = 128, c.layers = 4, c.heads = 4;
    } else if (name == "m") {
      c.dim = 256, c.layers = 8, c.heads = 8;
    } else if (name == "l") {
      c.dim = 384, c.layers = 12, c.heads = 6;
    } else if (name == "xl") {
      c.dim = 512, c.layers = 16, c.heads = 8;
    } else {
      throw UserError("go net: unknown preset \"" + name + "\" (expected tiny, s, m, l or xl)");
    }
  } else if (kind == "resnet") {
    if (name == "tiny") {
      c.channels = 16, c.blocks = 2;
    } else if (name == "s") {
      c.channels = 64, c.blocks = 6;
    } else if (name == "m") {
      c.channels = 128, c.blocks = 10;
    } else if (name == "l") {
      c.channels = 192, c.blocks = 20;
    } else if (name == "xl") {
      c.channels = 256, c.blocks = 40;
    } else {
      throw UserError("go net: unknown preset \"" + name + "\" (expected tiny, s, m, l or xl)");
    }
  } else {
    throw UserError("go net: \"kind\" must be \"transformer\" or \"resnet\", got \"" + kind + "\"");
  }
  c.validate();
  return c;
}

}  // namespace traceplay::models
