#include "models/go_net_loss.h"

namespace traceplay::models {

namespace {

// Mean of per-position losses [B] over the positions whose mask is non-zero.
torch::Tensor masked_mean(const torch::Tensor& per_position, const torch::Tensor& mask) {
  if (!mask.defined()) return per_position.mean();
  TORCH_CHECK(mask.dim() == 1 && mask.size(0) == per_position.size(0), "go net loss: a mask must be [B]");
  auto m = mask.to(per_position.scalar_type());
  return (per_position * m).sum() / m.sum().clamp_min(1.0);
}

void check_shape(const torch::Tensor& target, const torch::Tensor& output, const char* what) {
  TORCH_CHECK(target.defined(), "go net loss: the ", what, " target is missing");
  TORCH_CHECK(target.sizes() == output.sizes(), "go net loss: the ", what, " target is ", target.sizes(),
              ", the output ", output.sizes());
}

}  // namespace

GoNetLoss go_net_loss(const GoNetOutputs& out, const GoNetTargets& t, const GoNetLossWeights& w) {
  check_shape(t.policy, out.policy, "policy");
  check_shape(t.value, out.value, "value");
  check_shape(t.score, out.score, "score");
  check_shape(t.ownership, out.ownership, "ownership");
  GoNetLoss loss;
  loss.policy =
      masked_mean(-(t.policy * torch::log_softmax(out.policy.to(torch::kFloat), 1)).sum(1), t.policy_mask);
  loss.value =
      masked_mean(-(t.value * torch::log_softmax(out.value.to(torch::kFloat), 1)).sum(1), t.value_mask);
  auto score_error = (out.score.to(torch::kFloat) - t.score) / w.score_scale;
  auto huber = torch::where(score_error.abs() < 1.0, 0.5 * score_error.pow(2), score_error.abs() - 0.5);
  loss.score = masked_mean(huber, t.score_mask);
  loss.ownership =
      masked_mean((out.ownership.to(torch::kFloat) - t.ownership).pow(2).mean(1), t.ownership_mask);
  loss.total =
      w.policy * loss.policy + w.value * loss.value + w.score * loss.score + w.ownership * loss.ownership;
  return loss;
}

}  // namespace traceplay::models
