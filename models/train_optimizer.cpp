#include "models/train_optimizer.h"

#include <cmath>
#include <stdexcept>

namespace traceplay::models {

FlatParameters::FlatParameters(torch::nn::Module& module, int64_t extra) {
  auto named = module.named_parameters(/*recurse=*/true);
  if (named.is_empty()) throw std::invalid_argument("FlatParameters: the module has no parameters");
  const auto options = named.begin()->value().options();
  for (const auto& item : named) {
    const torch::Tensor& p = item.value();
    if (p.scalar_type() != options.dtype().toScalarType() || p.device() != options.device())
      throw std::invalid_argument("FlatParameters: parameters of one dtype and device expected (" +
                                  item.key() + ")");
    slots_.push_back({item.key(), numel_, p.numel(), p.sizes().vec()});
    numel_ += p.numel();
  }
  torch::NoGradGuard no_grad;
  values_ = torch::empty({numel_}, options.requires_grad(false));
  grad_buffer_ = torch::zeros({numel_ + extra}, options.requires_grad(false));
  size_t i = 0;
  for (auto& item : named) {
    torch::Tensor& p = item.value();
    const Slot& slot = slots_[i++];
    torch::Tensor value = values_.narrow(0, slot.offset, slot.numel).view(p.sizes());
    value.copy_(p);
    p.set_data(value);  // the module's tensor now lives in values_
    p.mutable_grad() = grad_buffer_.narrow(0, slot.offset, slot.numel).view(p.sizes());
  }
}

torch::Tensor FlatParameters::view(const torch::Tensor& flat, size_t i) const {
  const Slot& slot = slots_.at(i);
  return flat.narrow(0, slot.offset, slot.numel).view(slot.shape);
}

FlatAdamW::FlatAdamW(FlatParameters& params, AdamWOptions options) : params_(params), options_(options) {
  exp_avg_ = torch::zeros_like(params.values());
  exp_avg_sq_ = torch::zeros_like(params.values());
  denom_ = torch::empty_like(params.values());
}

void FlatAdamW::step(double lr) {
  torch::NoGradGuard no_grad;
  ++steps_;
  torch::Tensor& p = params_.values();
  const torch::Tensor g = params_.grads();
  const double b1 = options_.beta1, b2 = options_.beta2;
  p.mul_(1.0 - lr * options_.weight_decay);
  exp_avg_.mul_(b1).add_(g, 1.0 - b1);
  exp_avg_sq_.mul_(b2).addcmul_(g, g, 1.0 - b2);
  const double bias1 = 1.0 - std::pow(b1, static_cast<double>(steps_));
  const double bias2 = 1.0 - std::pow(b2, static_cast<double>(steps_));
  torch::sqrt_out(denom_, exp_avg_sq_);
  denom_.div_(std::sqrt(bias2)).add_(options_.eps);
  p.addcdiv_(exp_avg_, denom_, -lr / bias1);
}

torch::Tensor clip_grad_norm(torch::Tensor grads, double max_norm) {
  torch::NoGradGuard no_grad;
  torch::Tensor norm = grads.norm(2);
  if (max_norm > 0) grads.mul_(torch::clamp_max(max_norm / (norm + 1e-6), 1.0));
  return norm;
}

}  // namespace traceplay::models
