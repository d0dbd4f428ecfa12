#include "models/block_feed_forward.h"

namespace traceplay::models {

torch::nn::Linear bias_free_linear(int64_t in, int64_t out) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t hidden) {
  w1 = register_module("w1", bias_free_linear(dim, hidden));
  w2 = register_module("w2", bias_free_linear(hidden, dim));
  w3 = register_module("w3", bias_free_linear(dim, hidden));
}

torch::Tensor FeedForwardImpl::fused_w13() const { return torch::cat({w1->weight, w3->weight}, 0); }

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x, const torch::Tensor& w13) {
  auto ab = torch::linear(x, w13.defined() ? w13 : fused_w13()).chunk(2, -1);
  return torch::linear(torch::silu(ab[0]) * ab[1], w2->weight);
}

}  // namespace traceplay::models
