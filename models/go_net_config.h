// The shape of a Go policy-value network (a plain value type, torch-free, so commands
// can check a checkpoint's kind and board sizes before loading torch).
//
// Two kinds with one interface (models/go_net.h):
// - "transformer": one token per intersection (its feature planes projected to dim) plus
//   one global token, a bidirectional stack of pre-RMSNorm blocks (models/block_*.h:
//   attention, SwiGLU), 2D RoPE inside attention and learned edge-distance embeddings on
//   the input (see go_net_transformer.h);
// - "resnet": a pre-activation residual CNN of 3x3 convolutions with RMSNorm over the
//   channels, the same inputs and heads (see go_net_resnet.h), for comparison.
//
// Presets (parameters at history 8, from GoNetConfig::num_parameters, tested against the
// built modules):
//   transformer tiny  d32  2 layers 2 heads         32,423
//   transformer s     d128 4 layers 4 heads        900,231
//   transformer m     d256 8 layers 8 heads      6,586,631
//   transformer l     d384 12 layers 6 heads    21,581,191
//   transformer xl    d512 16 layers 8 heads    51,978,759
//   resnet      tiny  16 channels 2 blocks          13,319
//   resnet      s     64 channels 6 blocks         465,415
//   resnet      m     128 channels 10 blocks     3,012,615
//   resnet      l     192 channels 20 blocks    13,394,695
//   resnet      xl    256 channels 40 blocks    47,393,799
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

struct GoNetConfig {
  std::string kind = "transformer";  // "transformer" | "resnet"
  std::string preset = "custom";     // "tiny", "s", "m", "l", "xl" or "custom"
  int64_t history = 8;               // go::FeatureOptions::history: stone planes of the last k positions
  int64_t max_board_size = 19;       // sizes 5..max_board_size are served (edge tables hold max_board_size)
  double norm_eps = 1e-5;
  // transformer
  int64_t dim = 128;
  int64_t layers = 4;
  int64_t heads = 4;
  int64_t ffn_multiple_of = 64;
  double rope_base = 100.0;  // positions are 0..18: a small base spreads the frequencies over them
  // resnet
  int64_t channels = 64;
  int64_t blocks = 6;

  static constexpr int64_t kMinBoardSize = 5;
  // Global inputs read from the planes (go_net.h): black to move, komi / 15 from the side
  // to move's view, (board size - 12) / 7.
  static constexpr int64_t kGlobalInputs = 3;

  // go::feature_planes of `history`: 2 history + 7.
  int64_t input_planes() const;
  int64_t head_dim() const { return dim / heads; }
  // The Searchformer's rule: int(8 dim / 3) rounded up to a multiple of ffn_multiple_of.
  int64_t ffn_hidden() const;
  // Learned parameters of the kind's modules.
  int64_t num_parameters() const;

  // Throws UserError naming the field.
  void validate() const;

  // {"kind","preset","history","max_board_size","norm_eps", then for a transformer
  // "dim","layers","heads","ffn_multiple_of","ffn_hidden","rope_base", for a resnet
  // "channels","blocks"}. from_json refuses unknown keys and the other kind's keys,
  // naming `where`.
  nlohmann::ordered_json to_json() const;
  static GoNetConfig from_json(const nlohmann::json& j, const std::string& where);

  // A preset of a kind (names above); throws UserError for an unknown kind or name.
  static GoNetConfig preset_named(const std::string& kind, const std::string& name, int64_t history = 8);
};

}  // namespace traceplay::models
