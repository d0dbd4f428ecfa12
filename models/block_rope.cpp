#include "models/block_rope.h"

#include <algorithm>

namespace traceplay::models {

torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  auto sizes = x.sizes().vec();
  auto pairs = sizes;
  pairs.back() /= 2;
  pairs.push_back(2);
  auto swapped = x.reshape(pairs).flip({-1}).reshape(sizes);
  return x * cos + swapped * sin;
}

RopeImpl::RopeImpl(int64_t dim, double base, int64_t initial_positions) : dim_(dim), base_(base) {
  TORCH_CHECK(dim > 0 && dim % 2 == 0, "RoPE needs a positive, even width, got ", dim);
  cos_ = register_buffer("cos", torch::empty({0, dim}));
  sin_ = register_buffer("sin", torch::empty({0, dim}));
  ensure(initial_positions);
}

void RopeImpl::ensure(int64_t n) {
  if (n <= cos_.size(0)) return;
  // Tables are plain tensors even when the caller runs under InferenceMode.
  c10::InferenceMode normal(false);
  torch::NoGradGuard no_grad;
  n = std::max(n, 2 * cos_.size(0));
  auto inv_freq = 1.0 / torch::pow(base_, torch::arange(0, dim_, 2, torch::kDouble) / double(dim_));
  auto angles = torch::outer(torch::arange(n, torch::kDouble), inv_freq);  // [n, dim / 2]
  auto c = angles.cos().to(torch::kFloat), s = angles.sin().to(torch::kFloat);
  auto device = cos_.device();
  cos_.set_data(torch::stack({c, c}, -1).view({n, dim_}).to(device));
  sin_.set_data(torch::stack({-s, s}, -1).view({n, dim_}).to(device));
}

RopeTables RopeImpl::first(int64_t n) {
  ensure(n);
  return {cos_.slice(0, 0, n), sin_.slice(0, 0, n)};
}

RopeTables RopeImpl::at(const torch::Tensor& positions) {
  TORCH_CHECK(positions.dim() == 1 && positions.scalar_type() == torch::kLong, "positions must be [N] int64");
  ensure(positions.numel() ? positions.max().item<int64_t>() + 1 : 0);
  return {cos_.index_select(0, positions), sin_.index_select(0, positions)};
}

torch::Tensor RopeImpl::forward(const torch::Tensor& x, const torch::Tensor& positions) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == dim_, "x must be [N, ", dim_, "]");
  return apply_rope(x, at(positions));
}

}  // namespace traceplay::models
