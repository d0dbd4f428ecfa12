// The Go net's residual CNN kind (GoNetConfig kind "resnet"), the same interface as the
// transformer for comparison: a 3x3 stem convolution (input planes -> channels, with
// bias), `blocks` pre-activation residual blocks x + conv2(silu(norm2(conv1(silu(norm1(x))))))
// of bias-free 3x3 convolutions, where each norm is the shared RMSNorm block over the
// channels of every point (no batch statistics: outputs never depend on the rest of the
// batch), a final norm, then the heads: policy and ownership 1x1 convolutions per point
// (ownership through tanh), and a global trunk Linear(2 channels + 3 -> channels) on
// [mean over points, max over points, go_net_globals], SiLU, giving the pass logit, the
// value logits and the score. Zero padding at the edges; the features' all-ones plane
// tells the edge apart.
#pragma once

#include <vector>

#include "models/block_rms_norm.h"
#include "models/go_net.h"

namespace traceplay::models {

class GoResidualBlockImpl : public torch::nn::Module {
 public:
  GoResidualBlockImpl(int64_t channels, double eps);
  torch::Tensor forward(const torch::Tensor& x);  // [B, C, N, N]
  RMSNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
};
TORCH_MODULE(GoResidualBlock);

class GoResNetImpl : public GoNetImpl {
 public:
  explicit GoResNetImpl(const GoNetConfig& config);

  torch::nn::Conv2d stem{nullptr};
  std::vector<GoResidualBlock> blocks;  // registered as blocks.{i}
  RMSNorm norm{nullptr};
  torch::nn::Conv2d policy{nullptr}, ownership{nullptr};
  torch::nn::Linear trunk{nullptr}, pass{nullptr}, value{nullptr}, score{nullptr};

 protected:
  GoNetOutputs run(const torch::Tensor& planes, const torch::Tensor& globals) override;
};

// RMSNorm over dimension 1 (channels) of [B, C, N, N].
torch::Tensor channel_norm(RMSNormImpl& norm, const torch::Tensor& x);

}  // namespace traceplay::models
