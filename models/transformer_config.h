// The shape of a Searchformer encoder-decoder (a plain value type, torch-free).
//
// As in the reference implementation (facebookresearch/searchformer,
// transformer/model.py): pre-RMSNorm blocks (eps 1e-5, computed in fp32), SwiGLU
// feed-forward with hidden = int(2/3 x 4 d) rounded up to a multiple of 256, no
// biases, RoPE (base 10000, interleaved pairs) in self-attention only, a non-causal
// encoder ending in RMSNorm + a linear map to the decoder's width, and a causal decoder
// with cross-attention masked to the real prompt tokens, ending in RMSNorm + a linear
// map to the vocabulary. Encoder and decoder share dim and heads here (the reference's
// presets all do); they may have different layer counts.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

struct TransformerConfig {
  std::string preset = "custom";  // "s", "m", "l", "xl" or "custom"
  int64_t vocab_size = 0;
  int64_t dim = 192;
  int64_t encoder_layers = 6;
  int64_t decoder_layers = 6;
  int64_t heads = 3;
  int64_t ffn_multiple_of = 256;
  double norm_eps = 1e-5;
  double rope_base = 10000.0;

  int64_t head_dim() const { return dim / heads; }
  // int(2 x 4 dim / 3) rounded up to a multiple of ffn_multiple_of (the reference's rule).
  int64_t ffn_hidden() const;
  // Learned parameters only (the reference also counted its 65k-position RoPE tables).
  int64_t num_parameters() const;

  // Throws UserError naming the field: positive sizes, dim divisible by heads, an even
  // head_dim (RoPE rotates pairs), vocab_size >= 2.
  void validate() const;

  // {"preset","vocab_size","dim","encoder_layers","decoder_layers","heads",
  //  "ffn_multiple_of","ffn_hidden","norm_eps","rope_base"}; from_json checks every
  // field and names `where` in its errors.
  nlohmann::ordered_json to_json() const;
  static TransformerConfig from_json(const nlohmann::json& j, const std::string& where);

  // The paper's sizes: s (192, 6+6 layers, 3 heads), m (384, 8+8, 4), l (768, 9+9, 4),
  // xl (1152, 16+16, 12). Throws UserError for another name.
  static TransformerConfig preset_named(const std::string& name, int64_t vocab_size);
};

}  // namespace traceplay::models
