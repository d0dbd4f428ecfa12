// Multi-head attention of a transformer block: bias-free projections "wq", "wk", "wv",
// "wo" ([dim, dim] each, the reference's names) and the attention math, for
// self-attention (keys and values from the queries' own tokens, RoPE on q and k when
// given) and cross-attention (keys and values from another sequence, no RoPE).
//
// The kernel: on LibTorch >= 2 at::scaled_dot_product_attention (flash / memory-
// efficient on CUDA); on 1.13 fp32 CPU tensors the fused models/cpu_attention.h, else
// ATen bmm + softmax. On 1.13, 1/sqrt(head_dim) is folded into wq's weight (RoPE is
// linear), so the scores are never scaled.
#pragma once

#include <torch/torch.h>

#include "models/block_rope.h"

namespace traceplay::models {

// Which keys a query may see: key_valid [B, Tk] bool (true = a real key) or undefined
// (all), and causal (query i sees keys j <= i).
struct AttentionMask {
  torch::Tensor key_valid;
  bool causal = false;
};

class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(int64_t dim, int64_t heads);
  // x [B, Tq, dim] (already normed). kv [B, Tk, dim] for cross-attention, undefined for
  // self-attention. rope: tables broadcastable to [B, heads, Tq, head_dim] applied to q
  // and k (self-attention only; undefined = none). Returns [B, Tq, dim].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& kv = {}, const AttentionMask& mask = {},
                        const RopeTables& rope = {});
  // Keys and values [B, heads, Tk, head_dim] (contiguous) of kv [B, Tk, dim]: what a
  // decoder cache keeps of a prompt for cross-attention.
  std::pair<torch::Tensor, torch::Tensor> keys_values(const torch::Tensor& kv);
  // cat(wq, wk, wv) [3 dim, dim], unscaled (cached decoding scales the scores).
  torch::Tensor fused_qkv() const;

  int64_t heads() const { return heads_; }
  torch::nn::Linear wq{nullptr}, wk{nullptr}, wv{nullptr}, wo{nullptr};

 private:
  int64_t heads_;
};
TORCH_MODULE(Attention);

// Scaled dot-product attention over q [B, H, Tq, hd] (scaled as attention_q_scale says),
// k/v [B, H, Tk, hd]. Returns [B, H, Tq, hd].
torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                     const AttentionMask& mask);
// The factor q's projection carries for attend(): 1/sqrt(hd) where attend() does not
// scale by itself (LibTorch 1.13), else 1.
double attention_q_scale(int64_t head_dim);

// Additive attention bias [B, 1, Tk] from key validity [B, Tk] (true = real): 0 or -inf.
torch::Tensor key_bias(const torch::Tensor& key_valid, torch::ScalarType dtype);

}  // namespace traceplay::models
