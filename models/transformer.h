// The Searchformer encoder-decoder in LibTorch (see transformer_config.h for the
// architecture). One deliberate deviation from the reference: our encoder masks prompt
// padding in its self-attention (the reference's does not, so its features depend on
// how long the other prompts of the batch are).
//
// Parameter names follow the reference's state_dict (without its RoPE tables), so
// checkpoints map one to one:
//   encoder.embedding.weight, encoder.layers.{i}.attention.{wq,wk,wv,wo}.weight,
//   encoder.layers.{i}.{attention_norm,ffn_norm}.weight,
//   encoder.layers.{i}.feed_forward.{w1,w2,w3}.weight, encoder.output.0.weight (norm),
//   encoder.output.1.weight ([dim, dim]), and for the decoder the same plus
//   decoder.layers.{i}.attention_feat.{wq,wk,wv,wo}.weight,
//   decoder.layers.{i}.attention_feat_norm.weight, decoder.output.1.weight ([vocab, dim]).
//
// The blocks (RMSNorm, Attention, FeedForward, Rope) are the shared modules of
// models/block_*.h; the Go net builds on the same ones.
//
// Initialisation is PyTorch's default for nn.Linear / nn.Embedding (as the reference's),
// drawn from torch's global generator: seed it (torch::manual_seed) before building.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "models/block_attention.h"
#include "models/block_feed_forward.h"
#include "models/block_rms_norm.h"
#include "models/block_rope.h"
#include "models/transformer_config.h"

namespace traceplay::models {

// Incremental-decoding state of a batch of decoder rows. Rows are independent: each has
// its own length (its next position), so a finished row can be refilled with a new
// prompt while the others go on (continuous batching). Memory is bounded by
// rows x capacity. The cache also holds fused copies of the decoder's weights, taken
// by new_cache: a cache outlives no optimizer step.
struct DecoderCache {
  std::vector<torch::Tensor> self_k, self_v;    // per layer [B, heads, capacity, head_dim]
  std::vector<torch::Tensor> cross_k, cross_v;  // per layer [B, heads, P, head_dim], once per prompt
  torch::Tensor prompt_mask;                    // [B, P] bool, true = real prompt token
  torch::Tensor lengths;                        // [B] int64, tokens already fed per row
  int64_t capacity = 0;

  // Internal to the model (kept here so that a step allocates nothing it can reuse).
  torch::Tensor cross_bias;                         // [B * heads, 1, P] float: 0 or -inf
  std::vector<int64_t> host_lengths;                // a host mirror of `lengths` (no device sync per step)
  std::vector<torch::Tensor> fused_qkv, fused_w13;  // per layer [3 dim, dim], [2 ffn, dim]
};

namespace detail {

class EncoderBlockImpl : public torch::nn::Module {
 public:
  EncoderBlockImpl(const TransformerConfig& c);
  Attention attention{nullptr};
  FeedForward feed_forward{nullptr};
  RMSNorm attention_norm{nullptr}, ffn_norm{nullptr};
};
TORCH_MODULE(EncoderBlock);

class DecoderBlockImpl : public torch::nn::Module {
 public:
  DecoderBlockImpl(const TransformerConfig& c);
  Attention attention{nullptr}, attention_feat{nullptr};
  FeedForward feed_forward{nullptr};
  RMSNorm attention_norm{nullptr}, attention_feat_norm{nullptr}, ffn_norm{nullptr};
};
TORCH_MODULE(DecoderBlock);

// The reference's output head nn.Sequential(RMSNorm, Linear): children "0" and "1".
class OutputHeadImpl : public torch::nn::Module {
 public:
  OutputHeadImpl(int64_t dim, int64_t out, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  RMSNorm norm{nullptr};
  torch::nn::Linear linear{nullptr};
};
TORCH_MODULE(OutputHead);

// One side: embedding, layers, output head.
template <class Block>
class StackImpl : public torch::nn::Module {
 public:
  StackImpl(const TransformerConfig& c, int64_t layers, int64_t out);
  torch::nn::Embedding embedding{nullptr};
  std::vector<Block> blocks;  // registered as layers.{i}
  OutputHead output{nullptr};
};
using EncoderStackImpl = StackImpl<EncoderBlock>;
using DecoderStackImpl = StackImpl<DecoderBlock>;
TORCH_MODULE(EncoderStack);
TORCH_MODULE(DecoderStack);

}  // namespace detail

class EncoderDecoderImpl : public torch::nn::Module {
 public:
  explicit EncoderDecoderImpl(const TransformerConfig& config);

  const TransformerConfig& config() const { return config_; }

  // Teacher-forced logits. prompt [B, P] int64 (padding: any id), prompt_mask [B, P]
  // bool (true = real token; every row needs at least one); decoder_tokens [B, T] int64,
  // right-padded (the causal mask keeps padding from reaching real positions). Returns
  // float32 logits [B, T, vocab].
  torch::Tensor forward(const torch::Tensor& prompt, const torch::Tensor& prompt_mask,
                        const torch::Tensor& decoder_tokens);

  // Encoder features [B, P, dim] (padding rows masked out of attention).
  torch::Tensor encode(const torch::Tensor& prompt, const torch::Tensor& prompt_mask);
  // Decoder logits [B, T, vocab] for given features, without a cache.
  torch::Tensor decode(const torch::Tensor& decoder_tokens, const torch::Tensor& features,
                       const torch::Tensor& prompt_mask);

  // A cache for features.size(0) rows, each able to hold `capacity` decoder tokens;
  // cross-attention keys/values are computed here, once per prompt. The cache's tensors
  // are made without autograd (inference only).
  DecoderCache new_cache(const torch::Tensor& features, const torch::Tensor& prompt_mask, int64_t capacity);
  // Feeds one token per row (tokens [B] int64) at each row's own position; returns the
  // float32 logits [B, vocab] of the next token and advances lengths by one. Throws
  // std::out_of_range when a row is full.
  torch::Tensor decode_step(DecoderCache& cache, const torch::Tensor& tokens);
  // Restarts rows `rows` ([R] int64) with new prompts: features [R, P', dim] and
  // prompt_mask [R, P'] with P' <= the cache's P; their lengths go back to 0.
  void reset_rows(DecoderCache& cache, const torch::Tensor& rows, const torch::Tensor& features,
                  const torch::Tensor& prompt_mask);

  // decode_step on CPU fp32 caches uses fused kernels (models/cpu_decode_kernels.h) unless
  // this is turned off; the other path is the ATen ops that GPUs use. Same results up to
  // fp32 rounding (tests run both).
  void set_fused_cpu_decoding(bool on) { fused_cpu_decoding_ = on; }

  // RoPE as the model applies it: x [N, head_dim] rotated at positions [N] int64 (for
  // tests of the rotation itself).
  torch::Tensor rotate(const torch::Tensor& x, const torch::Tensor& positions);

  detail::EncoderStack encoder{nullptr};
  detail::DecoderStack decoder{nullptr};
  // The RoPE tables of head_dim (buffers rope.cos / rope.sin, never saved), grown on demand.
  Rope rope{nullptr};

 private:
  torch::Tensor decode_step_cpu(DecoderCache& cache, const torch::Tensor& tokens);

  TransformerConfig config_;
  bool fused_cpu_decoding_ = true;
};
TORCH_MODULE(EncoderDecoder);

}  // namespace traceplay::models
