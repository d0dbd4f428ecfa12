#include "models/transformer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/cpu_decode_kernels.h"

namespace traceplay::models {

namespace detail {

// Registration order follows the reference's modules, so files list tensors alike.
EncoderBlockImpl::EncoderBlockImpl(const TransformerConfig& c) {
  attention = register_module("attention", Attention(c.dim, c.heads));
  feed_forward = register_module("feed_forward", FeedForward(c.dim, c.ffn_hidden()));
  attention_norm = register_module("attention_norm", RMSNorm(c.dim, c.norm_eps));
  ffn_norm = register_module("ffn_norm", RMSNorm(c.dim, c.norm_eps));
}

DecoderBlockImpl::DecoderBlockImpl(const TransformerConfig& c) {
  attention = register_module("attention", Attention(c.dim, c.heads));
  attention_feat = register_module("attention_feat", Attention(c.dim, c.heads));
  feed_forward = register_module("feed_forward", FeedForward(c.dim, c.ffn_hidden()));
  attention_norm = register_module("attention_norm", RMSNorm(c.dim, c.norm_eps));
  attention_feat_norm = register_module("attention_feat_norm", RMSNorm(c.dim, c.norm_eps));
  ffn_norm = register_module("ffn_norm", RMSNorm(c.dim, c.norm_eps));
}

OutputHeadImpl::OutputHeadImpl(int64_t dim, int64_t out, double eps) {
  norm = register_module("0", RMSNorm(dim, eps));
  linear = register_module("1", bias_free_linear(dim, out));
}

torch::Tensor OutputHeadImpl::forward(const torch::Tensor& x) { return linear(norm(x)); }

template <class Block>
StackImpl<Block>::StackImpl(const TransformerConfig& c, int64_t layers, int64_t out) {
  embedding = register_module("embedding", torch::nn::Embedding(c.vocab_size, c.dim));
  auto list = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < layers; ++i) {
    blocks.emplace_back(c);
    list->push_back(blocks.back());
  }
  output = register_module("output", OutputHead(c.dim, out, c.norm_eps));
}

template class StackImpl<EncoderBlock>;
template class StackImpl<DecoderBlock>;

}  // namespace detail

namespace {

void check_tokens(const torch::Tensor& t, int64_t dims, const char* what) {
  TORCH_CHECK(t.dim() == dims, what, " must have ", dims, " dimensions, got ", t.sizes());
  TORCH_CHECK(t.scalar_type() == torch::kLong, what, " must be int64");
}

}  // namespace

EncoderDecoderImpl::EncoderDecoderImpl(const TransformerConfig& config) : config_(config) {
  config_.validate();
  encoder = register_module("encoder", detail::EncoderStack(config_, config_.encoder_layers, config_.dim));
  decoder =
      register_module("decoder", detail::DecoderStack(config_, config_.decoder_layers, config_.vocab_size));
  rope = register_module("rope", Rope(config_.head_dim(), config_.rope_base));
}

torch::Tensor EncoderDecoderImpl::rotate(const torch::Tensor& x, const torch::Tensor& positions) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == config_.head_dim(), "x must be [N, head_dim]");
  check_tokens(positions, 1, "positions");
  return rope->forward(x, positions);
}

torch::Tensor EncoderDecoderImpl::forward(const torch::Tensor& prompt, const torch::Tensor& prompt_mask,
                                          const torch::Tensor& decoder_tokens) {
  return decode(decoder_tokens, encode(prompt, prompt_mask), prompt_mask);
}

torch::Tensor EncoderDecoderImpl::encode(const torch::Tensor& prompt, const torch::Tensor& prompt_mask) {
  check_tokens(prompt, 2, "prompt");
  TORCH_CHECK(prompt_mask.sizes() == prompt.sizes(), "prompt_mask must match prompt's shape");
  const int64_t P = prompt.size(1);
  const RopeTables tables = rope->first(P);
  auto valid = prompt_mask.to(torch::kBool);
  auto x = encoder->embedding(prompt);
  for (auto& block : encoder->blocks) {
    auto h = x + block->attention->forward(block->attention_norm(x), {}, {valid, false}, tables);
    x = h + block->feed_forward(block->ffn_norm(h));
  }
  return encoder->output(x);
}

torch::Tensor EncoderDecoderImpl::decode(const torch::Tensor& decoder_tokens, const torch::Tensor& features,
                                         const torch::Tensor& prompt_mask) {
  check_tokens(decoder_tokens, 2, "decoder_tokens");
  TORCH_CHECK(
      features.dim() == 3 && features.size(0) == decoder_tokens.size(0) && features.size(2) == config_.dim,
      "features must be [B, P, dim], got ", features.sizes());
  TORCH_CHECK(prompt_mask.dim() == 2 && prompt_mask.size(0) == features.size(0) &&
                  prompt_mask.size(1) == features.size(1),
              "prompt_mask must be [B, P]");
  const int64_t T = decoder_tokens.size(1);
  const RopeTables tables = rope->first(T);
  auto valid = prompt_mask.to(torch::kBool);
  auto x = decoder->embedding(decoder_tokens);
  for (auto& block : decoder->blocks) {
    auto h = x + block->attention->forward(block->attention_norm(x), {}, {{}, true}, tables);
    h = h + block->attention_feat->forward(block->attention_feat_norm(h), features, {valid, false});
    x = h + block->feed_forward(block->ffn_norm(h));
  }
  return decoder->output(x).to(torch::kFloat);
}

namespace {

// [R, 1, P] bias of the prompt mask, repeated per head: [R * H, 1, P].
torch::Tensor per_head_bias(const torch::Tensor& valid, int64_t heads, torch::ScalarType dtype) {
  const int64_t R = valid.size(0), P = valid.size(1);
  return key_bias(valid, dtype).unsqueeze(1).expand({R, heads, 1, P}).reshape({R * heads, 1, P});
}

}  // namespace

DecoderCache EncoderDecoderImpl::new_cache(const torch::Tensor& features, const torch::Tensor& prompt_mask,
                                           int64_t capacity) {
  TORCH_CHECK(features.dim() == 3 && features.size(2) == config_.dim, "features must be [B, P, dim]");
  TORCH_CHECK(prompt_mask.dim() == 2 && prompt_mask.size(0) == features.size(0) &&
                  prompt_mask.size(1) == features.size(1),
              "prompt_mask must be [B, P]");
  TORCH_CHECK(capacity > 0, "capacity must be positive");
  rope->ensure(capacity);
  c10::InferenceMode guard;
  const int64_t B = features.size(0), H = config_.heads, hd = config_.head_dim();
  DecoderCache cache;
  cache.capacity = capacity;
  cache.prompt_mask = prompt_mask.to(torch::kBool).contiguous().clone();
  cache.cross_bias = per_head_bias(cache.prompt_mask, H, features.scalar_type());
  cache.lengths = torch::zeros({B}, features.options().dtype(torch::kLong));
  cache.host_lengths.assign(static_cast<size_t>(B), 0);
  for (auto& block : decoder->blocks) {
    cache.fused_qkv.push_back(block->attention->fused_qkv());
    cache.fused_w13.push_back(block->feed_forward->fused_w13());
    auto [k, v] = block->attention_feat->keys_values(features);
    cache.cross_k.push_back(k);
    cache.cross_v.push_back(v);
    cache.self_k.push_back(torch::zeros({B, H, capacity, hd}, features.options()));
    cache.self_v.push_back(torch::zeros({B, H, capacity, hd}, features.options()));
  }
  return cache;
}

torch::Tensor EncoderDecoderImpl::decode_step(DecoderCache& cache, const torch::Tensor& tokens) {
  check_tokens(tokens, 1, "tokens");
  const int64_t B = static_cast<int64_t>(cache.host_lengths.size()), H = config_.heads,
                hd = config_.head_dim(), d = config_.dim, C = cache.capacity;
  TORCH_CHECK(tokens.size(0) == B, "tokens must have one entry per cache row");
  int64_t longest = 0;
  for (int64_t n : cache.host_lengths) {
    if (n >= C) throw std::out_of_range("decode_step: a row already holds " + std::to_string(C) + " tokens");
    longest = std::max(longest, n);
  }
  const int64_t L = longest + 1;  // keys in play this step
  c10::InferenceMode guard;
  if (fused_cpu_decoding_ && cache.lengths.is_cpu() && cache.self_k[0].scalar_type() == torch::kFloat)
    return decode_step_cpu(cache, tokens);
  const auto& pos = cache.lengths;  // [B]: where this step's token goes
  const RopeTables all = rope->tables();
  auto cos = all.cos.index_select(0, pos).view({B, 1, hd});
  auto sin = all.sin.index_select(0, pos).view({B, 1, hd});
  // Row b, head h writes key position pos[b] of the flat [B * H * C, hd] cache.
  auto heads = torch::arange(B * H, pos.options());
  auto write_at = heads * C + pos.repeat_interleave(H);
  // Keys j <= pos[b] are this row's (its earlier tokens and this one).
  auto valid = torch::arange(L, pos.options()).unsqueeze(0) <= pos.unsqueeze(1);  // [B, L]
  auto self_bias = per_head_bias(valid, H, cache.cross_bias.scalar_type());
  const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  const int64_t P = cache.cross_k.empty() ? 0 : cache.cross_k[0].size(2);

  auto x = decoder->embedding(tokens);  // [B, d]
  for (size_t l = 0; l < decoder->blocks.size(); ++l) {
    auto& block = *decoder->blocks[l];
    auto qkv = torch::linear(block.attention_norm(x), cache.fused_qkv[l]).view({B, 3, H, hd});
    auto q = apply_rope(qkv.select(1, 0), cos, sin);
    auto k = apply_rope(qkv.select(1, 1), cos, sin);
    cache.self_k[l].view({B * H * C, hd}).index_copy_(0, write_at, k.reshape({B * H, hd}));
    cache.self_v[l].view({B * H * C, hd}).index_copy_(0, write_at, qkv.select(1, 2).reshape({B * H, hd}));
    auto keys = cache.self_k[l].slice(2, 0, L).view({B * H, L, hd});
    auto values = cache.self_v[l].slice(2, 0, L).view({B * H, L, hd});
    auto scores = torch::baddbmm(self_bias, q.reshape({B * H, 1, hd}), keys.transpose(1, 2), 1.0, scale);
    auto o = torch::bmm(torch::softmax(scores, -1), values).view({B, d});
    auto h = x + torch::linear(o, block.attention->wo->weight);

    auto& feat = *block.attention_feat;
    auto cq = torch::linear(block.attention_feat_norm(h), feat.wq->weight).view({B * H, 1, hd});
    auto cscores = torch::baddbmm(cache.cross_bias, cq, cache.cross_k[l].view({B * H, P, hd}).transpose(1, 2),
                                  1.0, scale);
    auto co = torch::bmm(torch::softmax(cscores, -1), cache.cross_v[l].view({B * H, P, hd})).view({B, d});
    h = h + torch::linear(co, feat.wo->weight);
    x = h + block.feed_forward(block.ffn_norm(h), cache.fused_w13[l]);
  }
  cache.lengths.add_(1);
  for (auto& n : cache.host_lengths) ++n;
  return decoder->output(x).to(torch::kFloat);
}

// The same step as decode_step's ATen path, with the per-row work in fused kernels: a
// layer is 6 linear maps, 4 kernels and one activation.
torch::Tensor EncoderDecoderImpl::decode_step_cpu(DecoderCache& cache, const torch::Tensor& tokens) {
  namespace kernels = cpu_kernels;
  const int64_t B = static_cast<int64_t>(cache.host_lengths.size()), H = config_.heads,
                hd = config_.head_dim(), d = config_.dim, C = cache.capacity, P = cache.prompt_mask.size(1),
                f = config_.ffn_hidden();
  const float eps = static_cast<float>(config_.norm_eps);
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
  const int64_t* pos = cache.host_lengths.data();
  std::vector<int64_t> self_keys(static_cast<size_t>(B)), cross_keys(static_cast<size_t>(B), P);
  for (int64_t b = 0; b < B; ++b) self_keys[static_cast<size_t>(b)] = pos[b] + 1;
  const RopeTables all = rope->tables();
  auto cos = all.cos.index_select(0, cache.lengths), sin = all.sin.index_select(0, cache.lengths);
  // x [B, K] W^T (+ residual): our kernel for the few rows of a step, BLAS beyond.
  auto linear = [&](const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& residual = {}) {
    if (B > 16) return residual.defined() ? torch::addmm(residual, x, w.t()) : torch::mm(x, w.t());
    auto y = torch::empty({B, w.size(0)}, x.options());
    kernels::small_m_linear(x.data_ptr<float>(), w.data_ptr<float>(),
                            residual.defined() ? residual.data_ptr<float>() : nullptr, y.data_ptr<float>(), B,
                            w.size(0), w.size(1));
    return y;
  };
  auto norm = [&](const torch::Tensor& x, RMSNormImpl& n) {
    auto y = torch::empty_like(x);
    kernels::rms_norm(x.data_ptr<float>(), n.weight.data_ptr<float>(), y.data_ptr<float>(), B, d, eps);
    return y;
  };
  auto x = decoder->embedding->weight.index_select(0, tokens);  // [B, d]
  for (size_t l = 0; l < decoder->blocks.size(); ++l) {
    auto& block = *decoder->blocks[l];
    auto qkv = linear(norm(x, *block.attention_norm), cache.fused_qkv[l]);  // [B, 3 d]
    auto q = torch::empty({B, d}, x.options());
    kernels::rope_and_store(qkv.data_ptr<float>(), cos.data_ptr<float>(), sin.data_ptr<float>(), pos,
                            q.data_ptr<float>(), cache.self_k[l].data_ptr<float>(),
                            cache.self_v[l].data_ptr<float>(), B, H, hd, C);
    auto o = torch::empty({B, d}, x.options());
    kernels::single_query_attention(q.data_ptr<float>(), cache.self_k[l].data_ptr<float>(),
                                    cache.self_v[l].data_ptr<float>(), o.data_ptr<float>(), B, H, hd, C * hd,
                                    self_keys.data(), nullptr, 0, scale);
    auto h = linear(o, block.attention->wo->weight, x);

    auto& feat = *block.attention_feat;
    auto cq = linear(norm(h, *block.attention_feat_norm), feat.wq->weight);
    auto co = torch::empty({B, d}, x.options());
    kernels::single_query_attention(cq.data_ptr<float>(), cache.cross_k[l].data_ptr<float>(),
                                    cache.cross_v[l].data_ptr<float>(), co.data_ptr<float>(), B, H, hd,
                                    P * hd, cross_keys.data(), cache.prompt_mask.data_ptr<bool>(), P, scale);
    h = linear(co, feat.wo->weight, h);

    auto ab = linear(norm(h, *block.ffn_norm), cache.fused_w13[l]);  // [B, 2 f]
    x = linear(torch::silu(ab.slice(1, 0, f)).mul_(ab.slice(1, f)), block.feed_forward->w2->weight, h);
  }
  auto logits = linear(norm(x, *decoder->output->norm), decoder->output->linear->weight);
  cache.lengths.add_(1);
  for (auto& n : cache.host_lengths) ++n;
  return logits;
}

void EncoderDecoderImpl::reset_rows(DecoderCache& cache, const torch::Tensor& rows,
                                    const torch::Tensor& features, const torch::Tensor& prompt_mask) {
  const int64_t B = static_cast<int64_t>(cache.host_lengths.size()), H = config_.heads;
  const int64_t P = cache.prompt_mask.size(1);
  TORCH_CHECK(rows.dim() == 1, "rows must be [R]");
  const int64_t R = rows.size(0);
  TORCH_CHECK(features.dim() == 3 && features.size(0) == R && features.size(2) == config_.dim,
              "features must be [R, P', dim]");
  TORCH_CHECK(features.size(1) <= P, "the new prompts (", features.size(1), ") are longer than the cache's (",
              P, ")");
  TORCH_CHECK(prompt_mask.dim() == 2 && prompt_mask.size(0) == R && prompt_mask.size(1) == features.size(1),
              "prompt_mask must be [R, P']");
  c10::InferenceMode guard;
  auto rows_cpu = rows.to(torch::kCPU, torch::kLong).contiguous();
  for (int64_t i = 0; i < R; ++i) {
    const int64_t r = rows_cpu.data_ptr<int64_t>()[i];
    TORCH_CHECK(r >= 0 && r < B, "row ", r, " is outside the cache's ", B, " rows");
    cache.host_lengths[static_cast<size_t>(r)] = 0;
  }
  auto device_rows = rows_cpu.to(cache.lengths.device());
  const int64_t Pn = features.size(1);
  auto padded = torch::zeros({R, P, config_.dim}, features.options());
  padded.slice(1, 0, Pn).copy_(features);
  auto mask = torch::zeros({R, P}, cache.prompt_mask.options());
  mask.slice(1, 0, Pn).copy_(prompt_mask.to(torch::kBool));
  cache.prompt_mask.index_copy_(0, device_rows, mask);
  cache.cross_bias.view({B, H, 1, P})
      .index_copy_(0, device_rows, per_head_bias(mask, H, cache.cross_bias.scalar_type()).view({R, H, 1, P}));
  for (size_t l = 0; l < decoder->blocks.size(); ++l) {
    auto [k, v] = decoder->blocks[l]->attention_feat->keys_values(padded);
    cache.cross_k[l].index_copy_(0, device_rows, k);
    cache.cross_v[l].index_copy_(0, device_rows, v);
  }
  cache.lengths.index_fill_(0, device_rows, 0);
}

}  // namespace traceplay::models
