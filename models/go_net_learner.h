// The self-play learner's network side: a batch of training positions
// (selfplay/training_position.h) as tensors, one AdamW step of the Go net on it
// (models/go_net_loss.h, the project's flat AdamW and global-norm clipping of
// train_optimizer.h, as the Searchformer trainer), and the publication of the net as a
// model-store version (selfplay/model_store.h: atomic, loadable by `gtp --model`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/go_net.h"
#include "models/go_net_loss.h"
#include "models/train_optimizer.h"
#include "selfplay/model_source.h"
#include "selfplay/training_position.h"

namespace traceplay::models {

struct GoNetBatch {
  torch::Tensor planes;  // [B, C, N, N]
  GoNetTargets targets;  // with a mask per target
};

// Throws std::invalid_argument for an empty batch or positions of different sizes or
// plane counts.
GoNetBatch make_go_net_batch(const std::vector<selfplay::TrainingPosition>& positions,
                             const torch::Device& device);

struct GoNetLearnerOptions {
  double lr = 1e-3;
  AdamWOptions adamw;      // weight decay 0.01, betas (0.9, 0.99)
  double grad_clip = 1.0;  // global gradient norm; 0: none
  GoNetLossWeights weights;
};

struct GoNetStepResult {
  double total = 0, policy = 0, value = 0, score = 0, ownership = 0;  // the batch's loss terms
  double grad_norm = 0;                                               // before clipping
};

class GoNetLearner {
 public:
  // Trains `net` in place (its parameters are re-seated on flat buffers, values kept).
  GoNetLearner(GoNet net, const GoNetLearnerOptions& options);

  // One step on the batch: train mode, loss, gradients, clipping, AdamW.
  GoNetStepResult step(const GoNetBatch& batch);
  // The loss on a batch without a step (eval mode, no gradients).
  GoNetStepResult loss(const GoNetBatch& batch);

  int64_t steps() const { return steps_; }
  const GoNet& net() const { return net_; }

  // The optimizer's state (AdamW's moments and step count) for resuming a run with the
  // same net: a safetensors file ("exp_avg.<param>", "exp_avg_sq.<param>", metadata
  // format "traceplay-go-learner", steps, model_version), written atomically.
  void save_state(const std::string& path, int model_version);
  // Loads it when the file exists and was saved with `model_version` (the net's weights
  // are that version's); returns false otherwise (the moments then start afresh).
  // Throws UserError naming the file for a damaged one or one of another net.
  bool load_state(const std::string& path, int model_version);

 private:
  GoNet net_;
  GoNetLearnerOptions options_;
  FlatParameters params_;
  FlatAdamW optimizer_;
  int64_t steps_ = 0;
};

// Saves `net` as version `version` under `models_dir` (selfplay::publish_version: atomic;
// config.json's extra gets "model_version" and what `extra` holds).
selfplay::ModelVersion publish_go_net(const std::string& models_dir, int version, GoNetImpl& net,
                                      nlohmann::json extra = nlohmann::json::object());

}  // namespace traceplay::models
