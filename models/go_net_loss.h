// The Go net's training loss: policy cross-entropy against the root visit distribution,
// value cross-entropy against a win/draw/loss target, a Huber loss on the score lead
// (in units of score_scale points) and the mean squared error of the ownership, each a
// mean over the positions that have that target (a mask per term: a position without
// a full search has no policy target, a game without a final position no ownership).
// A term whose mask is all zero is 0 (and gives no gradient).
#pragma once

#include <torch/torch.h>

#include "models/go_net.h"

namespace traceplay::models {

struct GoNetTargets {
  torch::Tensor policy;     // [B, N*N + 1] visit distribution (rows sum to 1)
  torch::Tensor value;      // [B, 3] win / draw / loss probabilities for the side to move
  torch::Tensor score;      // [B] final score lead of the side to move, points
  torch::Tensor ownership;  // [B, N*N] in [-1, 1], +1 = the side to move's
  // [B] weights: 1 = the position has this target, 0 = it has not; undefined = all have it.
  torch::Tensor policy_mask, value_mask, score_mask, ownership_mask;
};

struct GoNetLossWeights {
  double policy = 1.0;
  double value = 1.0;
  double score = 1.0;
  double ownership = 1.0;
  double score_scale = 10.0;  // points per unit of the Huber loss (delta 1 unit)
};

struct GoNetLoss {
  torch::Tensor total;                            // the weighted sum (a scalar with gradients)
  torch::Tensor policy, value, score, ownership;  // each term before weighting
};

// Throws c10::Error when a target's shape does not match the outputs.
GoNetLoss go_net_loss(const GoNetOutputs& outputs, const GoNetTargets& targets,
                      const GoNetLossWeights& weights = {});

}  // namespace traceplay::models
