#include "models/go_net_transformer.h"

namespace traceplay::models {

namespace {

torch::nn::Linear linear(int64_t in, int64_t out) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out));
}

}  // namespace

GoTransformerLayerImpl::GoTransformerLayerImpl(const GoNetConfig& c) {
  attention = register_module("attention", Attention(c.dim, c.heads));
  feed_forward = register_module("feed_forward", FeedForward(c.dim, c.ffn_hidden()));
  attention_norm = register_module("attention_norm", RMSNorm(c.dim, c.norm_eps));
  ffn_norm = register_module("ffn_norm", RMSNorm(c.dim, c.norm_eps));
}

torch::Tensor GoTransformerLayerImpl::forward(const torch::Tensor& x, const RopeTables& rope) {
  auto h = x + attention->forward(attention_norm(x), {}, {}, rope);
  return h + feed_forward(ffn_norm(h));
}

GoTransformerImpl::GoTransformerImpl(const GoNetConfig& config) : GoNetImpl(config) {
  const int64_t d = config.dim, m = config.max_board_size;
  input = register_module("input", linear(config.input_planes(), d));
  auto table = [&](const char* name) { return register_parameter(name, torch::randn({m, d}) * 0.02); };
  edge_left = table("edge_left");
  edge_right = table("edge_right");
  edge_top = table("edge_top");
  edge_bottom = table("edge_bottom");
  global_input = register_module("global_input", linear(GoNetConfig::kGlobalInputs, d));
  auto list = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.layers; ++i) {
    layers.emplace_back(config);
    list->push_back(layers.back());
  }
  norm = register_module("norm", RMSNorm(d, config.norm_eps));
  policy = register_module("policy", linear(d, 1));
  pass = register_module("pass", linear(d, 1));
  ownership = register_module("ownership", linear(d, 1));
  trunk = register_module("trunk", linear(2 * d, d));
  value = register_module("value", linear(d, 3));
  score = register_module("score", linear(d, 1));
  rope = register_module("rope", Rope(config.head_dim() / 2, config.rope_base, config.max_board_size));
}

RopeTables GoTransformerImpl::rope_2d(int64_t n) {
  auto coords = torch::arange(n, torch::TensorOptions().dtype(torch::kLong).device(edge_left.device()));
  auto xs = coords.repeat({n}), ys = coords.repeat_interleave(n);  // point x + n*y
  const RopeTables t = rope->first(n);                             // [n, head_dim / 2]; no device sync
  const int64_t hd = config_.head_dim();
  auto cos = torch::cat({t.cos.index_select(0, xs), t.cos.index_select(0, ys)}, 1);
  auto sin = torch::cat({t.sin.index_select(0, xs), t.sin.index_select(0, ys)}, 1);
  cos = torch::cat({torch::ones({1, hd}, cos.options()), cos}, 0);
  sin = torch::cat({torch::zeros({1, hd}, sin.options()), sin}, 0);
  return {cos, sin};
}

GoNetOutputs GoTransformerImpl::run(const torch::Tensor& planes, const torch::Tensor& globals) {
  const int64_t n = planes.size(2);
  auto coords = torch::arange(n, torch::TensorOptions().dtype(torch::kLong).device(edge_left.device()));
  auto flipped = coords.flip({0});
  // [n*n, dim] in the order x + n*y: column terms repeat per row, row terms per column.
  auto columns = (edge_left.index_select(0, coords) + edge_right.index_select(0, flipped)).repeat({n, 1});
  auto rows =
      (edge_top.index_select(0, coords) + edge_bottom.index_select(0, flipped)).repeat_interleave(n, 0);
  auto points = input(planes.flatten(2).transpose(1, 2)) + columns + rows;  // [B, n*n, dim]
  auto x = torch::cat({global_input(globals).unsqueeze(1), points}, 1);
  const RopeTables tables = rope_2d(n);
  for (auto& layer : layers) x = layer->forward(x, tables);
  x = norm(x);
  auto global = x.select(1, 0), board = x.slice(1, 1);
  GoNetOutputs out;
  out.policy = torch::cat({policy(board).squeeze(-1), pass(global)}, 1);
  out.ownership = torch::tanh(ownership(board).squeeze(-1));
  auto t = torch::silu(trunk(torch::cat({global, board.mean(1)}, 1)));
  out.value = value(t);
  out.score = score(t).squeeze(-1);
  return out;
}

}  // namespace traceplay::models
