#include "models/transformer_config.h"

#include "core/error.h"

namespace traceplay::models {

int64_t TransformerConfig::ffn_hidden() const {
  // The reference: hidden = int(2 * (4 d) / 3), then rounded up to a multiple.
  const int64_t hidden = (2 * 4 * dim) / 3;
  return ffn_multiple_of * ((hidden + ffn_multiple_of - 1) / ffn_multiple_of);
}

int64_t TransformerConfig::num_parameters() const {
  const int64_t d = dim, f = ffn_hidden();
  const int64_t attention = 4 * d * d, feed_forward = 3 * d * f;
  const int64_t encoder_block = attention + feed_forward + 2 * d;      // + 2 norms
  const int64_t decoder_block = 2 * attention + feed_forward + 3 * d;  // + 3 norms
  const int64_t encoder = vocab_size * d + encoder_layers * encoder_block + d + d * d;
  const int64_t decoder = vocab_size * d + decoder_layers * decoder_block + d + vocab_size * d;
  return encoder + decoder;
}

void TransformerConfig::validate() const {
  auto positive = [](int64_t v, const char* name) {
    if (v <= 0)
      throw UserError(std::string("model: \"") + name + "\" must be positive, got " + std::to_string(v));
  };
  positive(dim, "dim");
  positive(encoder_layers, "encoder_layers");
  positive(decoder_layers, "decoder_layers");
  positive(heads, "heads");
  positive(ffn_multiple_of, "ffn_multiple_of");
  if (vocab_size < 2)
    throw UserError("model: \"vocab_size\" must be at least 2, got " + std::to_string(vocab_size));
  if (dim % heads != 0)
    throw UserError("model: \"dim\" (" + std::to_string(dim) + ") must be divisible by \"heads\" (" +
                    std::to_string(heads) + ")");
  if (head_dim() % 2 != 0)
    throw UserError("model: the head size dim/heads = " + std::to_string(head_dim()) +
                    " must be even (RoPE rotates pairs)");
  if (!(norm_eps > 0)) throw UserError("model: \"norm_eps\" must be positive");
  if (!(rope_base > 1)) throw UserError("model: \"rope_base\" must be greater than 1");
}

nlohmann::ordered_json TransformerConfig::to_json() const {
  nlohmann::ordered_json j;
  j["preset"] = preset;
  j["vocab_size"] = vocab_size;
  j["dim"] = dim;
  j["encoder_layers"] = encoder_layers;
  j["decoder_layers"] = decoder_layers;
  j["heads"] = heads;
  j["ffn_multiple_of"] = ffn_multiple_of;
  j["ffn_hidden"] = ffn_hidden();
  j["norm_eps"] = norm_eps;
  j["rope_base"] = rope_base;
  return j;
}

TransformerConfig TransformerConfig::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw UserError(where + ": the model config must be an object");
  TransformerConfig c;
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
  if (j.contains("preset")) {
    if (!j["preset"].is_string()) throw UserError(where + ": \"preset\" must be a string");
    c.preset = j["preset"].get<std::string>();
  }
  integer("vocab_size", c.vocab_size);
  integer("dim", c.dim);
  integer("encoder_layers", c.encoder_layers);
  integer("decoder_layers", c.decoder_layers);
  integer("heads", c.heads);
  integer("ffn_multiple_of", c.ffn_multiple_of);
  number("norm_eps", c.norm_eps);
  number("rope_base", c.rope_base);
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

TransformerConfig TransformerConfig::preset_named(const std::string& name, int64_t vocab_size) {
  TransformerConfig c;
  c.preset = name;
  c.vocab_size = vocab_size;
  if (name == "s") {
    c.dim = 192, c.encoder_layers = c.decoder_layers = 6, c.heads = 3;
  } else if (name == "m") {
    c.dim = 384, c.encoder_layers = c.decoder_layers = 8, c.heads = 4;
  } else if (name == "l") {
    c.dim = 768, c.encoder_layers = c.decoder_layers = 9, c.heads = 4;
  } else if (name == "xl") {
    c.dim = 1152, c.encoder_layers = c.decoder_layers = 16, c.heads = 12;
  } else {
    throw UserError("model: unknown preset \"" + name + "\" (expected s, m, l or xl)");
  }
  return c;
}

}  // namespace traceplay::models
