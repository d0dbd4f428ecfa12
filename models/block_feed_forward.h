// The SwiGLU feed-forward of a transformer block: w2(silu(w1 x) * w3 x), bias-free
// Linear maps "w1" [hidden, dim], "w2" [dim, hidden], "w3" [hidden, dim] (the
// reference's names). w1 and w3 run as one matmul.
#pragma once

#include <torch/torch.h>

namespace traceplay::models {

class FeedForwardImpl : public torch::nn::Module {
 public:
  FeedForwardImpl(int64_t dim, int64_t hidden);
  // x [..., dim] -> [..., dim]. `w13` = fused_w13() when the caller keeps a copy (cached
  // decoding does); otherwise it is concatenated here.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& w13 = {});
  // cat(w1, w3) [2 hidden, dim].
  torch::Tensor fused_w13() const;
  torch::nn::Linear w1{nullptr}, w2{nullptr}, w3{nullptr};
};
TORCH_MODULE(FeedForward);

// A bias-free nn.Linear (PyTorch's default initialisation), as every block uses.
torch::nn::Linear bias_free_linear(int64_t in, int64_t out);

}  // namespace traceplay::models
