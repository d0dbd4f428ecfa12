// The parameters of a model packed into one flat buffer, and AdamW over it.
//
// Every parameter becomes a view of one contiguous tensor and every gradient a view of a
// second one, so that what a training step does to "all gradients" is one tensor
// operation: zeroing, the global norm, clipping, the data-parallel allreduce (no packing
// and unpacking per step), and AdamW's update. Autograd accumulates into the existing
// gradient views in place (it only allocates when a gradient is undefined), so the
// buffers stay shared for the whole run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace traceplay::models {

class FlatParameters {
 public:
  // Re-seats every parameter of `module` (values kept) on one buffer on its device; the
  // gradient buffer has `extra` more elements after the gradients, for numbers that
  // should travel with them (loss sums in the allreduce).
  FlatParameters(torch::nn::Module& module, int64_t extra = 0);

  torch::Tensor& values() { return values_; }                          // [n]
  torch::Tensor grads() { return grad_buffer_.narrow(0, 0, numel_); }  // [n]
  torch::Tensor extra() { return grad_buffer_.narrow(0, numel_, grad_buffer_.numel() - numel_); }
  torch::Tensor& grad_buffer() { return grad_buffer_; }  // [n + extra]
  int64_t numel() const { return numel_; }
  // Names and offsets of the parameters, in module order.
  struct Slot {
    std::string name;
    int64_t offset, numel;
    std::vector<int64_t> shape;
  };
  const std::vector<Slot>& slots() const { return slots_; }
  // The part of a flat tensor (values, or an optimizer buffer) that belongs to slot i.
  torch::Tensor view(const torch::Tensor& flat, size_t i) const;

  void zero_grad() { grad_buffer_.zero_(); }

 private:
  torch::Tensor values_, grad_buffer_;
  int64_t numel_ = 0;
  std::vector<Slot> slots_;
};

struct AdamWOptions {
  double beta1 = 0.9, beta2 = 0.99, eps = 1e-8, weight_decay = 0.01;
};

// torch.optim.AdamW's update (PyTorch 1.13, single-tensor, no amsgrad), op for op:
//   p *= 1 - lr wd;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
class FlatAdamW {
 public:
  FlatAdamW(FlatParameters& params, AdamWOptions options);

  void step(double lr);
  int64_t steps() const { return steps_; }
  void set_steps(int64_t steps) { steps_ = steps; }
  torch::Tensor& exp_avg() { return exp_avg_; }
  torch::Tensor& exp_avg_sq() { return exp_avg_sq_; }

 private:
  FlatParameters& params_;
  AdamWOptions options_;
  torch::Tensor exp_avg_, exp_avg_sq_, denom_;
  int64_t steps_ = 0;
};

// Scales the gradients to a global L2 norm of at most max_norm (as
// torch.nn.utils.clip_grad_norm_: coefficient max_norm / (norm + 1e-6), capped at 1);
// max_norm 0 = no clipping. Returns the norm before clipping (a 0-dim tensor, no sync).
torch::Tensor clip_grad_norm(torch::Tensor grads, double max_norm);

}  // namespace traceplay::models
