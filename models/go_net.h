// The Go policy-value network's interface, shared by both kinds (go_net_config.h):
// feature planes in (games/go/features.h's layout), four heads out. One net serves every
// board size 5..max_board_size; a batch holds one size.
//
// The policy is NOT masked to legal moves: occupied points and illegal moves get logits
// like any other, and masking is the evaluator's job (it knows the legal moves; the net
// only sees the legal-move plane as an input). Everything is from the side to move's
// view (value, score, ownership), as the features are.
#pragma once

#include <memory>

#include <torch/torch.h>

#include "models/go_net_config.h"

namespace traceplay::models {

struct GoNetOutputs {
  torch::Tensor policy;     // [B, N*N + 1] logits over x + N*y, pass last (unmasked)
  torch::Tensor value;      // [B, 3] logits of win / draw / loss for the side to move
  torch::Tensor score;      // [B] expected final score lead of the side to move, points
  torch::Tensor ownership;  // [B, N*N] in [-1, 1] (tanh): +1 = the side to move's
};

class GoNetImpl : public torch::nn::Module {
 public:
  explicit GoNetImpl(const GoNetConfig& config);
  const GoNetConfig& config() const { return config_; }

  // planes [B, input_planes, N, N] float32 (extract_features of each position), with
  // 5 <= N <= max_board_size. Throws c10::Error naming the wrong dimension.
  GoNetOutputs forward(const torch::Tensor& planes);

 protected:
  // planes checked; globals [B, kGlobalInputs] (go_net_globals).
  virtual GoNetOutputs run(const torch::Tensor& planes, const torch::Tensor& globals) = 0;
  GoNetConfig config_;
};
using GoNet = std::shared_ptr<GoNetImpl>;

// Builds the config's kind (validated), initialised from torch's global generator: seed
// it (torch::manual_seed) first for a reproducible net.
GoNet make_go_net(const GoNetConfig& config);

// The global inputs, read from the planes (features.h puts them on every point, so the
// value at (0, 0) is the whole plane's): [B, 3] = black to move (plane 2h), komi / 15 from
// the side to move's view (plane 2h + 5), (N - 12) / 7. Rules are not an input: the
// engine plays one rule set (area scoring, positional superko); another would add one.
torch::Tensor go_net_globals(const torch::Tensor& planes, int64_t history);

}  // namespace traceplay::models
