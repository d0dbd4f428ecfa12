#include "models/go_net_resnet.h"

namespace traceplay::models {

namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, bool bias) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(bias));
}

torch::nn::Linear linear(int64_t in, int64_t out) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out));
}

}  // namespace

torch::Tensor channel_norm(RMSNormImpl& norm, const torch::Tensor& x) {
  return norm.forward(x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
}

GoResidualBlockImpl::GoResidualBlockImpl(int64_t channels, double eps) {
  norm1 = register_module("norm1", RMSNorm(channels, eps));
  conv1 = register_module("conv1", conv(channels, channels, 3, false));
  norm2 = register_module("norm2", RMSNorm(channels, eps));
  conv2 = register_module("conv2", conv(channels, channels, 3, false));
}

torch::Tensor GoResidualBlockImpl::forward(const torch::Tensor& x) {
  auto h = conv1(torch::silu(channel_norm(*norm1, x)));
  return x + conv2(torch::silu(channel_norm(*norm2, h)));
}

GoResNetImpl::GoResNetImpl(const GoNetConfig& config) : GoNetImpl(config) {
  const int64_t c = config.channels;
  stem = register_module("stem", conv(config.input_planes(), c, 3, true));
  auto list = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.blocks; ++i) {
    blocks.emplace_back(c, config.norm_eps);
    list->push_back(blocks.back());
  }
  norm = register_module("norm", RMSNorm(c, config.norm_eps));
  policy = register_module("policy", conv(c, 1, 1, true));
  ownership = register_module("ownership", conv(c, 1, 1, true));
  trunk = register_module("trunk", linear(2 * c + GoNetConfig::kGlobalInputs, c));
  pass = register_module("pass", linear(c, 1));
  value = register_module("value", linear(c, 3));
  score = register_module("score", linear(c, 1));
}

GoNetOutputs GoResNetImpl::run(const torch::Tensor& planes, const torch::Tensor& globals) {
  auto x = stem(planes);
  for (auto& block : blocks) x = block->forward(x);
  x = channel_norm(*norm, x);  // [B, C, N, N]
  auto flat = x.flatten(2);    // [B, C, N*N], points x + N*y as the planes
  auto pooled = torch::cat({flat.mean(2), std::get<0>(flat.max(2)), globals}, 1);
  auto t = torch::silu(trunk(pooled));
  GoNetOutputs out;
  out.policy = torch::cat({policy(x).flatten(1), pass(t)}, 1);
  out.ownership = torch::tanh(ownership(x).flatten(1));
  out.value = value(t);
  out.score = score(t).squeeze(-1);
  return out;
}

}  // namespace traceplay::models
