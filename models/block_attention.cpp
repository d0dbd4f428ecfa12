#include "models/block_attention.h"

#include <cmath>
#include <limits>

#include <torch/version.h>

#include "models/block_feed_forward.h"
#include "models/cpu_attention.h"

namespace traceplay::models {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Attention from ATen ops (LibTorch 1.13 has no fused kernel; on the CPU in fp32,
// attend() takes models/cpu_attention.h instead). The masks are added in place to the
// scores (a broadcast copy into baddbmm's input cost more than the matmul here).
[[maybe_unused]] torch::Tensor attend_manual(const torch::Tensor& q, const torch::Tensor& k,
                                             const torch::Tensor& v, const torch::Tensor& key_valid,
                                             bool causal) {
  const int64_t B = q.size(0), H = q.size(1), Tq = q.size(2), Tk = k.size(2), hd = q.size(3);
  auto scores = torch::bmm(q.reshape({B * H, Tq, hd}), k.reshape({B * H, Tk, hd}).transpose(1, 2));
  if (key_valid.defined())
    scores.add_(
        key_bias(key_valid, q.scalar_type()).unsqueeze(1).expand({B, H, 1, Tk}).reshape({B * H, 1, Tk}));
  if (causal) scores.add_(torch::full({Tq, Tk}, kNegInf, q.options()).triu_(1));
  auto out = torch::bmm(torch::softmax(scores, -1), v.reshape({B * H, Tk, hd}));
  return out.view({B, H, Tq, hd});
}

#if TORCH_VERSION_MAJOR >= 2
constexpr bool kFusedAttention = true;
#else
constexpr bool kFusedAttention = false;
#endif

}  // namespace

torch::Tensor key_bias(const torch::Tensor& key_valid, torch::ScalarType dtype) {
  return torch::zeros(key_valid.sizes(), key_valid.options().dtype(dtype))
      .masked_fill_(key_valid.logical_not(), kNegInf)
      .unsqueeze(1);
}

double attention_q_scale(int64_t hd) {
  return kFusedAttention ? 1.0 : 1.0 / std::sqrt(static_cast<double>(hd));
}

torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                     const AttentionMask& mask) {
  const auto& key_valid = mask.key_valid;
#if TORCH_VERSION_MAJOR >= 2
  // The default scale is 1/sqrt(head_dim), the same as ours; the mask is boolean
  // (true = attend), which every kernel and dtype accepts.
  torch::Tensor m;
  if (key_valid.defined()) m = key_valid.view({key_valid.size(0), 1, 1, key_valid.size(1)});
  return at::scaled_dot_product_attention(q, k, v, m, 0.0, mask.causal);
#else
  if (cpu_attention_applies(q, k, v)) return cpu_attention(q, k, v, key_valid, mask.causal);
  return attend_manual(q, k, v, key_valid, mask.causal);
#endif
}

AttentionImpl::AttentionImpl(int64_t dim, int64_t heads) : heads_(heads) {
  TORCH_CHECK(heads > 0 && dim % heads == 0, "attention: dim ", dim, " is not a multiple of heads ", heads);
  wq = register_module("wq", bias_free_linear(dim, dim));
  wk = register_module("wk", bias_free_linear(dim, dim));
  wv = register_module("wv", bias_free_linear(dim, dim));
  wo = register_module("wo", bias_free_linear(dim, dim));
}

torch::Tensor AttentionImpl::fused_qkv() const { return torch::cat({wq->weight, wk->weight, wv->weight}, 0); }

std::pair<torch::Tensor, torch::Tensor> AttentionImpl::keys_values(const torch::Tensor& kv) {
  const int64_t R = kv.size(0), P = kv.size(1), hd = kv.size(2) / heads_;
  auto t = torch::linear(kv, torch::cat({wk->weight, wv->weight}, 0)).view({R, P, 2, heads_, hd});
  return {t.select(2, 0).transpose(1, 2).contiguous(), t.select(2, 1).transpose(1, 2).contiguous()};
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& kv,
                                     const AttentionMask& mask, const RopeTables& rope) {
  TORCH_CHECK(x.dim() == 3, "attention: x must be [B, T, dim], got ", x.sizes());
  const int64_t B = x.size(0), T = x.size(1), d = x.size(2), H = heads_, hd = d / H;
  torch::Tensor o;
  if (!kv.defined()) {
    // Self-attention: one fused q/k/v projection.
    auto w = torch::cat({wq->weight * attention_q_scale(hd), wk->weight, wv->weight}, 0);
    auto qkv = torch::linear(x, w).view({B, T, 3, H, hd}).permute({2, 0, 3, 1, 4});  // [3, B, H, T, hd]
    auto q = qkv[0], k = qkv[1];
    if (rope.defined()) q = apply_rope(q, rope), k = apply_rope(k, rope);
    o = attend(q, k, qkv[2], mask);
  } else {
    TORCH_CHECK(!rope.defined(), "attention: RoPE applies to self-attention only");
    TORCH_CHECK(kv.dim() == 3 && kv.size(0) == B && kv.size(2) == d, "attention: kv must be [B, Tk, dim]");
    const int64_t P = kv.size(1);
    auto q = torch::linear(x, wq->weight * attention_q_scale(hd)).view({B, T, H, hd}).transpose(1, 2);
    auto t = torch::linear(kv, torch::cat({wk->weight, wv->weight}, 0))
                 .view({B, P, 2, H, hd})
                 .permute({2, 0, 3, 1, 4});
    o = attend(q, t[0], t[1], mask);
  }
  return wo(o.transpose(1, 2).reshape({B, T, d}));
}

}  // namespace traceplay::models
