#include "models/go_net.h"

#include "models/go_net_resnet.h"
#include "models/go_net_transformer.h"

namespace traceplay::models {

GoNetImpl::GoNetImpl(const GoNetConfig& config) : config_(config) { config_.validate(); }

GoNetOutputs GoNetImpl::forward(const torch::Tensor& planes) {
  TORCH_CHECK(planes.dim() == 4, "go net: planes must be [B, planes, N, N], got ", planes.sizes());
  TORCH_CHECK(planes.size(1) == config_.input_planes(), "go net: ", planes.size(1),
              " input planes, the net reads ", config_.input_planes(), " (history ", config_.history, ")");
  const int64_t n = planes.size(2);
  TORCH_CHECK(planes.size(3) == n, "go net: the board must be square, got ", planes.sizes());
  TORCH_CHECK(n >= GoNetConfig::kMinBoardSize && n <= config_.max_board_size, "go net: board size ", n,
              " is outside 5..", config_.max_board_size);
  TORCH_CHECK(planes.scalar_type() == torch::kFloat, "go net: planes must be float32");
  return run(planes, go_net_globals(planes, config_.history));
}

GoNet make_go_net(const GoNetConfig& config) {
  config.validate();
  if (config.kind == "transformer") return std::make_shared<GoTransformerImpl>(config);
  return std::make_shared<GoResNetImpl>(config);
}

torch::Tensor go_net_globals(const torch::Tensor& planes, int64_t history) {
  const int64_t n = planes.size(2);
  auto corner = planes.select(3, 0).select(2, 0);  // [B, planes]
  auto black = corner.select(1, 2 * history), komi = corner.select(1, 2 * history + 5);
  auto size = torch::full_like(black, static_cast<double>(n - 12) / 7.0);
  return torch::stack({black, komi, size}, 1);
}

}  // namespace traceplay::models
