#include "models/transformer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <torch/version.h>

#include "models/cpu_attention.h"
#include "models/cpu_decode_kernels.h"

namespace traceplay::models {

namespace detail {

RMSNormImpl::RMSNormImpl(int64_t dim, double eps_) : eps(eps_) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  // The variance always in fp32 (the reference's rule, which matters under bf16).
  auto xf = x.to(torch::kFloat);
  auto y = xf * torch::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps);
  if (weight.scalar_type() == torch::kHalf || weight.scalar_type() == torch::kBFloat16) y = y.to(weight.scalar_type());
  return weight * y;
}

static torch::nn::Linear linear(int64_t in, int64_t out) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
}

AttentionImpl::AttentionImpl(int64_t dim) {
  wq = register_module("wq", linear(dim, dim));
  wk = register_module("wk", linear(dim, dim));
  wv = register_module("wv", linear(dim, dim));
  wo = register_module("wo", linear(dim, dim));
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t hidden) {
  w1 = register_module("w1", linear(dim, hidden));
  w2 = register_module("w2", linear(hidden, dim));
  w3 = register_module("w3", linear(dim, hidden));
}

// Registration order follows the reference's modules, so files list tensors alike.
EncoderBlockImpl::EncoderBlockImpl(const TransformerConfig& c) {
  attention = register_module("attention", Attention(c.dim));
  feed_forward = register_module("feed_forward", FeedForward(c.dim, c.ffn_hidden()));
  attention_norm = register_module("attention_norm", RMSNorm(c.dim, c.norm_eps));
  ffn_norm = register_module("ffn_norm", RMSNorm(c.dim, c.norm_eps));
}

DecoderBlockImpl::DecoderBlockImpl(const TransformerConfig& c) {
  attention = register_module("attention", Attention(c.dim));
  attention_feat = register_module("attention_feat", Attention(c.dim));
  feed_forward = register_module("feed_forward", FeedForward(c.dim, c.ffn_hidden()));
  attention_norm = register_module("attention_norm", RMSNorm(c.dim, c.norm_eps));
  attention_feat_norm = register_module("attention_feat_norm", RMSNorm(c.dim, c.norm_eps));
  ffn_norm = register_module("ffn_norm", RMSNorm(c.dim, c.norm_eps));
}

OutputHeadImpl::OutputHeadImpl(int64_t dim, int64_t out, double eps) {
  norm = register_module("0", RMSNorm(dim, eps));
  linear = register_module("1", detail::linear(dim, out));
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

using torch::indexing::Slice;

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// rope(x) = x * cos + swap_pairs(x) * sin, with the tables of ensure_rope: for each pair
// (x0, x1) that is (x0 cos - x1 sin, x1 cos + x0 sin), the reference's interleaved
// rotation, bit for bit. x [..., head_dim]; cos/sin broadcastable to x.
torch::Tensor rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  auto sizes = x.sizes().vec();
  auto pairs = sizes;
  pairs.back() /= 2;
  pairs.push_back(2);
  auto swapped = x.reshape(pairs).flip({-1}).reshape(sizes);
  return x * cos + swapped * sin;
}

// Additive attention bias [B, 1, Tk] from key validity [B, Tk] (true = real): 0 or -inf.
torch::Tensor key_bias(const torch::Tensor& key_valid, torch::ScalarType dtype) {
  return torch::zeros(key_valid.sizes(), key_valid.options().dtype(dtype))
      .masked_fill_(key_valid.logical_not(), kNegInf)
      .unsqueeze(1);
}

// Scaled dot-product attention from ATen ops (LibTorch 1.13 has no fused kernel; on the
// CPU in fp32, attend() takes models/cpu_attention.h instead). q
// [B, H, Tq, hd] comes already scaled by 1/sqrt(hd) (folded into its projection weight,
// so the [Tq, Tk] scores are never scaled), k/v [B, H, Tk, hd]; key_valid [B, Tk] bool or
// undefined; causal: query i sees keys j <= i. The masks are added in place to the
// scores (a broadcast copy into baddbmm's input cost more than the matmul here).
// Returns [B, H, Tq, hd].
[[maybe_unused]] torch::Tensor attend_manual(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                            const torch::Tensor& key_valid, bool causal) {
  const int64_t B = q.size(0), H = q.size(1), Tq = q.size(2), Tk = k.size(2), hd = q.size(3);
  auto scores = torch::bmm(q.reshape({B * H, Tq, hd}), k.reshape({B * H, Tk, hd}).transpose(1, 2));
  if (key_valid.defined())
    scores.add_(key_bias(key_valid, q.scalar_type()).unsqueeze(1).expand({B, H, 1, Tk}).reshape({B * H, 1, Tk}));
  if (causal) scores.add_(torch::full({Tq, Tk}, kNegInf, q.options()).triu_(1));
  auto out = torch::bmm(torch::softmax(scores, -1), v.reshape({B * H, Tk, hd}));
  return out.view({B, H, Tq, hd});
}

#if TORCH_VERSION_MAJOR >= 2
constexpr bool kFusedAttention = true;
#else
constexpr bool kFusedAttention = false;
#endif

// 1/sqrt(hd) for the manual path, which folds it into q's projection; 1 for the fused
// kernel, which scales by itself.
double q_scale(int64_t hd) { return kFusedAttention ? 1.0 : 1.0 / std::sqrt(static_cast<double>(hd)); }

torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                     const torch::Tensor& key_valid, bool causal) {
#if TORCH_VERSION_MAJOR >= 2
  // The fused kernels (flash / memory-efficient on CUDA, bf16 under autocast). The
  // default scale is 1/sqrt(head_dim), the same as ours; the mask is boolean
  // (true = attend), which every kernel and dtype accepts.
  torch::Tensor mask;
  if (key_valid.defined()) mask = key_valid.view({key_valid.size(0), 1, 1, key_valid.size(1)});
  return at::scaled_dot_product_attention(q, k, v, mask, 0.0, causal);
#else
  // On the CPU in fp32 the fused kernel (the same q scaling); else (1.13 on other dtypes
  // or devices) the ATen ops.
  if (cpu_attention_applies(q, k, v)) return cpu_attention(q, k, v, key_valid, causal);
  return attend_manual(q, k, v, key_valid, causal);
#endif
}

// Self-attention over xn [B, T, dim] with RoPE on q and k (fused q/k/v projection).
torch::Tensor self_attention(detail::AttentionImpl& att, const torch::Tensor& xn, const torch::Tensor& cos,
                             const torch::Tensor& sin, const torch::Tensor& key_valid, bool causal, int64_t heads) {
  const int64_t B = xn.size(0), T = xn.size(1), d = xn.size(2), hd = d / heads;
  // RoPE is linear, so q's scale can go into wq (exact where hd is a power of two, as in `s`).
  auto w = torch::cat({att.wq->weight * q_scale(hd), att.wk->weight, att.wv->weight}, 0);
  auto qkv = torch::linear(xn, w).view({B, T, 3, heads, hd}).permute({2, 0, 3, 1, 4});  // [3, B, H, T, hd]
  auto q = rope(qkv[0], cos, sin), k = rope(qkv[1], cos, sin);
  auto o = attend(q, k, qkv[2], key_valid, causal);
  return att.wo(o.transpose(1, 2).reshape({B, T, d}));
}

// Cross-attention of queries xn [B, T, dim] over encoder features [B, P, dim] (no RoPE).
torch::Tensor cross_attention(detail::AttentionImpl& att, const torch::Tensor& xn, const torch::Tensor& features,
                              const torch::Tensor& prompt_valid, int64_t heads) {
  const int64_t B = xn.size(0), T = xn.size(1), d = xn.size(2), hd = d / heads, P = features.size(1);
  auto q = torch::linear(xn, att.wq->weight * q_scale(hd)).view({B, T, heads, hd}).transpose(1, 2);
  auto kv = torch::linear(features, torch::cat({att.wk->weight, att.wv->weight}, 0))
                .view({B, P, 2, heads, hd})
                .permute({2, 0, 3, 1, 4});
  auto o = attend(q, kv[0], kv[1], prompt_valid, false);
  return att.wo(o.transpose(1, 2).reshape({B, T, d}));
}

// SwiGLU with w1 and w3 in one matmul; `w13` = cat(w1, w3) when the caller has it.
torch::Tensor feed_forward(detail::FeedForwardImpl& ff, const torch::Tensor& xn, const torch::Tensor& w13 = {}) {
  auto w = w13.defined() ? w13 : torch::cat({ff.w1->weight, ff.w3->weight}, 0);
  auto ab = torch::linear(xn, w).chunk(2, -1);
  return torch::linear(torch::silu(ab[0]) * ab[1], ff.w2->weight);
}

void check_tokens(const torch::Tensor& t, int64_t dims, const char* what) {
  TORCH_CHECK(t.dim() == dims, what, " must have ", dims, " dimensions, got ", t.sizes());
  TORCH_CHECK(t.scalar_type() == torch::kLong, what, " must be int64");
}

}  // namespace

EncoderDecoderImpl::EncoderDecoderImpl(const TransformerConfig& config) : config_(config) {
  config_.validate();
  encoder = register_module("encoder", detail::EncoderStack(config_, config_.encoder_layers, config_.dim));
  decoder = register_module("decoder", detail::DecoderStack(config_, config_.decoder_layers, config_.vocab_size));
  rope_cos_ = register_buffer("rope_cos", torch::empty({0, config_.head_dim()}));
  rope_sin_ = register_buffer("rope_sin", torch::empty({0, config_.head_dim()}));
  ensure_rope(1024);
}

void EncoderDecoderImpl::ensure_rope(int64_t n) {
  if (n <= rope_cos_.size(0)) return;
  // Tables are plain tensors even when the caller decodes under InferenceMode.
  c10::InferenceMode normal(false);
  torch::NoGradGuard no_grad;
  n = std::max(n, 2 * rope_cos_.size(0));
  const int64_t hd = config_.head_dim();
  // Angles in double, rounded once to fp32 (the reference rounds the product position x
  // inv_freq in fp32, which drifts at long positions); tests/python/searchformer_torch.py
  // builds the same tables.
  auto inv_freq = 1.0 / torch::pow(config_.rope_base, torch::arange(0, hd, 2, torch::kDouble) / double(hd));
  auto angles = torch::outer(torch::arange(n, torch::kDouble), inv_freq);  // [n, hd / 2]
  auto c = angles.cos().to(torch::kFloat), s = angles.sin().to(torch::kFloat);
  auto device = rope_cos_.device();
  rope_cos_.set_data(torch::stack({c, c}, -1).view({n, hd}).to(device));
  rope_sin_.set_data(torch::stack({-s, s}, -1).view({n, hd}).to(device));
}

torch::Tensor EncoderDecoderImpl::rotate(const torch::Tensor& x, const torch::Tensor& positions) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == config_.head_dim(), "x must be [N, head_dim]");
  check_tokens(positions, 1, "positions");
  ensure_rope(positions.numel() ? positions.max().item<int64_t>() + 1 : 0);
  return rope(x, rope_cos_.index_select(0, positions), rope_sin_.index_select(0, positions));
}

torch::Tensor EncoderDecoderImpl::forward(const torch::Tensor& prompt, const torch::Tensor& prompt_mask,
                                          const torch::Tensor& decoder_tokens) {
  return decode(decoder_tokens, encode(prompt, prompt_mask), prompt_mask);
}

torch::Tensor EncoderDecoderImpl::encode(const torch::Tensor& prompt, const torch::Tensor& prompt_mask) {
  check_tokens(prompt, 2, "prompt");
  TORCH_CHECK(prompt_mask.sizes() == prompt.sizes(), "prompt_mask must match prompt's shape");
  const int64_t P = prompt.size(1);
  ensure_rope(P);
  auto cos = rope_cos_.slice(0, 0, P), sin = rope_sin_.slice(0, 0, P);
  auto valid = prompt_mask.to(torch::kBool);
  auto x = encoder->embedding(prompt);
  for (auto& block : encoder->blocks) {
    auto h = x + self_attention(*block->attention, block->attention_norm(x), cos, sin, valid, false, config_.heads);
    x = h + feed_forward(*block->feed_forward, block->ffn_norm(h));
  }
  return encoder->output(x);
}

torch::Tensor EncoderDecoderImpl::decode(const torch::Tensor& decoder_tokens, const torch::Tensor& features,
                                         const torch::Tensor& prompt_mask) {
  check_tokens(decoder_tokens, 2, "decoder_tokens");
  TORCH_CHECK(features.dim() == 3 && features.size(0) == decoder_tokens.size(0) && features.size(2) == config_.dim,
              "features must be [B, P, dim], got ", features.sizes());
  TORCH_CHECK(prompt_mask.dim() == 2 && prompt_mask.size(0) == features.size(0) && prompt_mask.size(1) == features.size(1),
              "prompt_mask must be [B, P]");
  const int64_t T = decoder_tokens.size(1);
  ensure_rope(T);
  auto cos = rope_cos_.slice(0, 0, T), sin = rope_sin_.slice(0, 0, T);
  auto valid = prompt_mask.to(torch::kBool);
  auto x = decoder->embedding(decoder_tokens);
  for (auto& block : decoder->blocks) {
    auto h = x + self_attention(*block->attention, block->attention_norm(x), cos, sin, {}, true, config_.heads);
    h = h + cross_attention(*block->attention_feat, block->attention_feat_norm(h), features, valid, config_.heads);
    x = h + feed_forward(*block->feed_forward, block->ffn_norm(h));
  }
  return decoder->output(x).to(torch::kFloat);
}

namespace {

// Cross-attention keys and values [R, H, P, hd] of features [R, P, dim] for one block.
std::pair<torch::Tensor, torch::Tensor> cross_kv(detail::AttentionImpl& att, const torch::Tensor& features,
                                                 int64_t heads) {
  const int64_t R = features.size(0), P = features.size(1), hd = features.size(2) / heads;
  auto kv = torch::linear(features, torch::cat({att.wk->weight, att.wv->weight}, 0)).view({R, P, 2, heads, hd});
  return {kv.select(2, 0).transpose(1, 2).contiguous(), kv.select(2, 1).transpose(1, 2).contiguous()};
}

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
  ensure_rope(capacity);
  c10::InferenceMode guard;
  const int64_t B = features.size(0), H = config_.heads, hd = config_.head_dim();
  DecoderCache cache;
  cache.capacity = capacity;
  cache.prompt_mask = prompt_mask.to(torch::kBool).contiguous().clone();
  cache.cross_bias = per_head_bias(cache.prompt_mask, H, features.scalar_type());
  cache.lengths = torch::zeros({B}, features.options().dtype(torch::kLong));
  cache.host_lengths.assign(static_cast<size_t>(B), 0);
  for (auto& block : decoder->blocks) {
    auto& att = *block->attention;
    auto& ff = *block->feed_forward;
    cache.fused_qkv.push_back(torch::cat({att.wq->weight, att.wk->weight, att.wv->weight}, 0));
    cache.fused_w13.push_back(torch::cat({ff.w1->weight, ff.w3->weight}, 0));
    auto [k, v] = cross_kv(*block->attention_feat, features, H);
    cache.cross_k.push_back(k);
    cache.cross_v.push_back(v);
    cache.self_k.push_back(torch::zeros({B, H, capacity, hd}, features.options()));
    cache.self_v.push_back(torch::zeros({B, H, capacity, hd}, features.options()));
  }
  return cache;
}

torch::Tensor EncoderDecoderImpl::decode_step(DecoderCache& cache, const torch::Tensor& tokens) {
  check_tokens(tokens, 1, "tokens");
  const int64_t B = static_cast<int64_t>(cache.host_lengths.size()), H = config_.heads, hd = config_.head_dim(),
                d = config_.dim, C = cache.capacity;
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
  auto cos = rope_cos_.index_select(0, pos).view({B, 1, hd});
  auto sin = rope_sin_.index_select(0, pos).view({B, 1, hd});
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
    auto q = rope(qkv.select(1, 0), cos, sin);
    auto k = rope(qkv.select(1, 1), cos, sin);
    cache.self_k[l].view({B * H * C, hd}).index_copy_(0, write_at, k.reshape({B * H, hd}));
    cache.self_v[l].view({B * H * C, hd}).index_copy_(0, write_at, qkv.select(1, 2).reshape({B * H, hd}));
    auto keys = cache.self_k[l].slice(2, 0, L).view({B * H, L, hd});
    auto values = cache.self_v[l].slice(2, 0, L).view({B * H, L, hd});
    auto scores = torch::baddbmm(self_bias, q.reshape({B * H, 1, hd}), keys.transpose(1, 2), 1.0, scale);
    auto o = torch::bmm(torch::softmax(scores, -1), values).view({B, d});
    auto h = x + torch::linear(o, block.attention->wo->weight);

    auto& feat = *block.attention_feat;
    auto cq = torch::linear(block.attention_feat_norm(h), feat.wq->weight).view({B * H, 1, hd});
    auto cscores = torch::baddbmm(cache.cross_bias, cq, cache.cross_k[l].view({B * H, P, hd}).transpose(1, 2), 1.0, scale);
    auto co = torch::bmm(torch::softmax(cscores, -1), cache.cross_v[l].view({B * H, P, hd})).view({B, d});
    h = h + torch::linear(co, feat.wo->weight);
    x = h + feed_forward(*block.feed_forward, block.ffn_norm(h), cache.fused_w13[l]);
  }
  cache.lengths.add_(1);
  for (auto& n : cache.host_lengths) ++n;
  return decoder->output(x).to(torch::kFloat);
}

// The same step as decode_step's ATen path, with the per-row work in fused kernels: a
// layer is 6 linear maps, 4 kernels and one activation.
torch::Tensor EncoderDecoderImpl::decode_step_cpu(DecoderCache& cache, const torch::Tensor& tokens) {
  namespace kernels = cpu_kernels;
  const int64_t B = static_cast<int64_t>(cache.host_lengths.size()), H = config_.heads, hd = config_.head_dim(),
                d = config_.dim, C = cache.capacity, P = cache.prompt_mask.size(1), f = config_.ffn_hidden();
  const float eps = static_cast<float>(config_.norm_eps);
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
  const int64_t* pos = cache.host_lengths.data();
  std::vector<int64_t> self_keys(static_cast<size_t>(B)), cross_keys(static_cast<size_t>(B), P);
  for (int64_t b = 0; b < B; ++b) self_keys[static_cast<size_t>(b)] = pos[b] + 1;
  auto cos = rope_cos_.index_select(0, cache.lengths), sin = rope_sin_.index_select(0, cache.lengths);
  // x [B, K] W^T (+ residual): our kernel for the few rows of a step, BLAS beyond.
  auto linear = [&](const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& residual = {}) {
    if (B > 16) return residual.defined() ? torch::addmm(residual, x, w.t()) : torch::mm(x, w.t());
    auto y = torch::empty({B, w.size(0)}, x.options());
    kernels::small_m_linear(x.data_ptr<float>(), w.data_ptr<float>(),
                            residual.defined() ? residual.data_ptr<float>() : nullptr, y.data_ptr<float>(), B,
                            w.size(0), w.size(1));
    return y;
  };
  auto norm = [&](const torch::Tensor& x, detail::RMSNormImpl& n) {
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
                            q.data_ptr<float>(), cache.self_k[l].data_ptr<float>(), cache.self_v[l].data_ptr<float>(),
                            B, H, hd, C);
    auto o = torch::empty({B, d}, x.options());
    kernels::single_query_attention(q.data_ptr<float>(), cache.self_k[l].data_ptr<float>(),
                                    cache.self_v[l].data_ptr<float>(), o.data_ptr<float>(), B, H, hd, C * hd,
                                    self_keys.data(), nullptr, 0, scale);
    auto h = linear(o, block.attention->wo->weight, x);

    auto& feat = *block.attention_feat;
    auto cq = linear(norm(h, *block.attention_feat_norm), feat.wq->weight);
    auto co = torch::empty({B, d}, x.options());
    kernels::single_query_attention(cq.data_ptr<float>(), cache.cross_k[l].data_ptr<float>(),
                                    cache.cross_v[l].data_ptr<float>(), co.data_ptr<float>(), B, H, hd, P * hd,
                                    cross_keys.data(), cache.prompt_mask.data_ptr<bool>(), P, scale);
    h = linear(co, feat.wo->weight, h);

    auto ab = linear(norm(h, *block.ffn_norm), cache.fused_w13[l]);  // [B, 2 f]
    x = linear(torch::silu(ab.slice(1, 0, f)).mul_(ab.slice(1, f)), block.feed_forward->w2->weight, h);
  }
  auto logits = linear(norm(x, *decoder->output->norm), decoder->output->linear->weight);
  cache.lengths.add_(1);
  for (auto& n : cache.host_lengths) ++n;
  return logits;
}

void EncoderDecoderImpl::reset_rows(DecoderCache& cache, const torch::Tensor& rows, const torch::Tensor& features,
                                    const torch::Tensor& prompt_mask) {
  const int64_t B = static_cast<int64_t>(cache.host_lengths.size()), H = config_.heads;
  const int64_t P = cache.prompt_mask.size(1);
  TORCH_CHECK(rows.dim() == 1, "rows must be [R]");
  const int64_t R = rows.size(0);
  TORCH_CHECK(features.dim() == 3 && features.size(0) == R && features.size(2) == config_.dim,
              "features must be [R, P', dim]");
  TORCH_CHECK(features.size(1) <= P, "the new prompts (", features.size(1), ") are longer than the cache's (", P, ")");
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
    auto [k, v] = cross_kv(*decoder->blocks[l]->attention_feat, padded, H);
    cache.cross_k[l].index_copy_(0, device_rows, k);
    cache.cross_v[l].index_copy_(0, device_rows, v);
  }
  cache.lengths.index_fill_(0, device_rows, 0);
}

}  // namespace traceplay::models
