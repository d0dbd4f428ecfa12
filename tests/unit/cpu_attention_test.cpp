// The fused CPU attention against the same attention built from ATen ops (bmm, masks,
// softmax): outputs and the gradients of q, k and v, for causal self-attention, padded
// keys, cross-attention (Tq != Tk) and strided q/k/v views, plus its edge cases.
#include <gtest/gtest.h>

#include <limits>

#include <torch/torch.h>

#include "models/cpu_attention.h"

namespace traceplay {
namespace {

using models::cpu_attention;
using models::cpu_attention_applies;

// The textbook definition: softmax(q k^T + masks) v, with -inf for masked keys.
torch::Tensor reference_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                  const torch::Tensor& key_valid, bool causal) {
  auto scores = torch::matmul(q, k.transpose(-1, -2));  // [B, H, Tq, Tk]
  const double inf = std::numeric_limits<double>::infinity();
  if (key_valid.defined())
    scores = scores.masked_fill(key_valid.logical_not().view({q.size(0), 1, 1, -1}), -inf);
  if (causal) scores = scores.masked_fill(torch::ones({q.size(2), k.size(2)}, torch::kBool).triu(1), -inf);
  return torch::matmul(torch::softmax(scores, -1), v);
}

struct Case {
  int64_t B, H, Tq, Tk, hd;
  bool causal, padded;
};

// Random q/k/v (strided views of one fused [B, T, 3, H, hd] projection when Tq == Tk, as
// the model makes them), a random upstream gradient; outputs and gradients compared.
void expect_matches_reference(const Case& c) {
  torch::manual_seed(c.B * 1000 + c.Tq * 10 + c.Tk);
  torch::Tensor q, k, v, leaf_q, leaf_k, leaf_v;
  if (c.Tq == c.Tk) {
    auto qkv = torch::randn({c.B, c.Tq, 3, c.H, c.hd}).requires_grad_();
    auto views = qkv.permute({2, 0, 3, 1, 4});  // [3, B, H, T, hd], last stride 1
    q = views[0], k = views[1], v = views[2];
    ASSERT_FALSE(q.is_contiguous());
  } else {
    q = torch::randn({c.B, c.H, c.Tq, c.hd}).requires_grad_();
    k = torch::randn({c.B, c.H, c.Tk, c.hd}).requires_grad_();
    v = torch::randn({c.B, c.H, c.Tk, c.hd}).requires_grad_();
  }
  torch::Tensor key_valid;
  if (c.padded) {  // row b keeps its first Tk - b keys (at least one)
    auto lengths = (c.Tk - torch::arange(c.B)).clamp_min(1);
    key_valid = torch::arange(c.Tk).unsqueeze(0) < lengths.unsqueeze(1);
  }
  ASSERT_TRUE(cpu_attention_applies(q, k, v));
  auto grad = torch::randn({c.B, c.H, c.Tq, c.hd});

  auto ours = cpu_attention(q, k, v, key_valid, c.causal);
  auto ours_grads = torch::autograd::grad({ours}, {q, k, v}, {grad});
  auto theirs = reference_attention(q, k, v, key_valid, c.causal);
  auto theirs_grads = torch::autograd::grad({theirs}, {q, k, v}, {grad});

  EXPECT_LE((ours - theirs).abs().max().item<double>(), 1e-5);
  const char* names[] = {"q", "k", "v"};
  for (int i = 0; i < 3; ++i)
    EXPECT_LE((ours_grads[i] - theirs_grads[i]).abs().max().item<double>(), 1e-4)
        << "gradient of " << names[i];
}

TEST(CpuAttention, CausalSelfAttentionMatchesTheReference) {
  expect_matches_reference({3, 2, 17, 17, 16, true, false});
}

TEST(CpuAttention, PaddedKeysMatchTheReference) { expect_matches_reference({4, 3, 11, 11, 8, false, true}); }

TEST(CpuAttention, CrossAttentionWithPaddedPromptsMatchesTheReference) {
  expect_matches_reference({3, 2, 9, 14, 16, false, true});
}

TEST(CpuAttention, LongerSequencesMatchTheReference) {
  expect_matches_reference({2, 2, 150, 150, 64, true, false});
}

TEST(CpuAttention, WithoutGradientsGivesTheSameOutput) {
  torch::manual_seed(1);
  auto q = torch::randn({2, 2, 5, 8}), k = torch::randn({2, 2, 5, 8}), v = torch::randn({2, 2, 5, 8});
  auto with_grad = cpu_attention(q.clone().requires_grad_(), k, v, {}, true);
  torch::Tensor without;
  {
    c10::InferenceMode guard;
    without = cpu_attention(q, k, v, {}, true);
  }
  EXPECT_TRUE(torch::equal(with_grad.detach(), without));
}

// Each (row, head) is one task with a fixed order of arithmetic: the thread count cannot
// change a single bit.
TEST(CpuAttention, ThreadCountDoesNotChangeResults) {
  torch::manual_seed(2);
  auto q = torch::randn({4, 4, 33, 16}), k = torch::randn({4, 4, 33, 16}), v = torch::randn({4, 4, 33, 16});
  const int before = torch::get_num_threads();
  torch::set_num_threads(1);
  auto one = cpu_attention(q, k, v, {}, true);
  torch::set_num_threads(2);
  auto two = cpu_attention(q, k, v, {}, true);
  torch::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one, two));
}

// A query with no key it may see (every key padded) gets zeros and passes no gradient,
// where softmax over nothing would give NaN.
TEST(CpuAttention, AQueryWithoutKeysGetsZeros) {
  auto q = torch::randn({2, 1, 3, 4}).requires_grad_();
  auto k = torch::randn({2, 1, 5, 4}).requires_grad_(), v = torch::randn({2, 1, 5, 4}).requires_grad_();
  auto key_valid = torch::ones({2, 5}, torch::kBool);
  key_valid[1].fill_(false);
  auto out = cpu_attention(q, k, v, key_valid, false);
  EXPECT_TRUE(torch::equal(out[1], torch::zeros({1, 3, 4})));
  EXPECT_FALSE(out.isnan().any().item<bool>());
  auto grads = torch::autograd::grad({out.sum()}, {q, k, v});
  for (const auto& g : grads) EXPECT_TRUE(torch::equal(g[1], torch::zeros_like(g[1])));
}

TEST(CpuAttention, TakesOnlyFp32CpuTensorsWithAContiguousLastDimension) {
  auto x = torch::randn({1, 1, 4, 8});
  EXPECT_TRUE(cpu_attention_applies(x, x, x));
  EXPECT_FALSE(cpu_attention_applies(x.to(torch::kDouble), x, x));
  EXPECT_FALSE(cpu_attention_applies(x, x.transpose(2, 3), x));
  EXPECT_THROW(cpu_attention(x, x.to(torch::kDouble), x, {}, false), c10::Error);
  EXPECT_THROW(cpu_attention(x, torch::randn({1, 1, 4, 6}), x, {}, false), c10::Error);
}

}  // namespace
}  // namespace traceplay
