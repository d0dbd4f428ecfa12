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
#pragma once

#include <vector>

#include <torch/torch.h>

#include "models/transformer_config.h"

namespace traceplay::models {

// Incremental-decoding state of a batch of decoder rows. Rows are independent: each has
// its own length (its next position), so a finished row can be refilled with a new
// prompt while the others go on (continuous batching). Memory is bounded by
// rows x capacity.
struct DecoderCache {
  std::vector<torch::Tensor> self_k, self_v;    // per layer [B, heads, capacity, head_dim]
  std::vector<torch::Tensor> cross_k, cross_v;  // per layer [B, heads, P, head_dim], once per prompt
  torch::Tensor prompt_mask;                    // [B, P] bool, true = real prompt token
  torch::Tensor lengths;                        // [B] int64, tokens already fed per row
  int64_t capacity = 0;
};

class EncoderDecoderImpl : public torch::nn::Module {
 public:
  explicit EncoderDecoderImpl(const TransformerConfig& config);

  const TransformerConfig& config() const { return config_; }

  // Teacher-forced logits. prompt [B, P] int64 (padding: any id), prompt_mask [B, P]
  // bool (true = real token); decoder_tokens [B, T] int64, right-padded (the causal mask
  // keeps padding from reaching real positions). Returns float32 logits [B, T, vocab].
  torch::Tensor forward(const torch::Tensor& prompt, const torch::Tensor& prompt_mask,
                        const torch::Tensor& decoder_tokens);

  // Encoder features [B, P, dim] (padding rows masked out of attention).
  torch::Tensor encode(const torch::Tensor& prompt, const torch::Tensor& prompt_mask);
  // Decoder logits [B, T, vocab] for given features, without a cache.
  torch::Tensor decode(const torch::Tensor& decoder_tokens, const torch::Tensor& features,
                       const torch::Tensor& prompt_mask);

  // A cache for features.size(0) rows, each able to hold `capacity` decoder tokens;
  // cross-attention keys/values are computed here, once per prompt.
  DecoderCache new_cache(const torch::Tensor& features, const torch::Tensor& prompt_mask, int64_t capacity);
  // Feeds one token per row (tokens [B] int64) at each row's own position; returns the
  // float32 logits [B, vocab] of the next token and advances lengths by one. Throws
  // std::out_of_range when a row is full.
  torch::Tensor decode_step(DecoderCache& cache, const torch::Tensor& tokens);
  // Restarts rows `rows` ([R] int64) with new prompts: features [R, P', dim] and
  // prompt_mask [R, P'] with P' <= the cache's P; their lengths go back to 0.
  void reset_rows(DecoderCache& cache, const torch::Tensor& rows, const torch::Tensor& features,
                  const torch::Tensor& prompt_mask);

 private:
  TransformerConfig config_;
  // (members: embeddings, blocks, output heads, RoPE tables as buffers -- not parameters)
};
TORCH_MODULE(EncoderDecoder);

}  // namespace traceplay::models
