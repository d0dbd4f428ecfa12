// RMSNorm, the pre-norm of every transformer block (Searchformer, Go net) and the
// channel norm of the Go net's residual CNN: x * rsqrt(mean(x^2) + eps) * weight over the
// last dimension, the variance always in fp32 (the reference's rule, which matters
// under bf16). One parameter: "weight" [dim], initialised to ones.
#pragma once

#include <torch/torch.h>

namespace traceplay::models {

class RMSNormImpl : public torch::nn::Module {
 public:
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;
  double eps;
};
TORCH_MODULE(RMSNorm);

}  // namespace traceplay::models
