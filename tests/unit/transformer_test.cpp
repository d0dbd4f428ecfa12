// The encoder-decoder: parameter names and counts, masks (causality, prompt padding,
// decoder padding), the RoPE rotation, and cached decoding against the full decoder.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "model_test_util.h"
#include "models/transformer.h"

namespace traceplay {
namespace {

using models::EncoderDecoder;
using models::TransformerConfig;
using testing::max_abs_diff;
using testing::pad_rows;
using testing::tiny_model;

int64_t count(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(Transformer, ParameterNamesAreTheReferences) {
  auto model = tiny_model();
  std::set<std::string> names;
  for (const auto& p : model->named_parameters()) names.insert(p.key());
  std::set<std::string> expected{"encoder.embedding.weight", "encoder.output.0.weight",
                                 "encoder.output.1.weight",  "decoder.embedding.weight",
                                 "decoder.output.0.weight",  "decoder.output.1.weight"};
  for (const std::string side : {"encoder", "decoder"}) {
    for (int i = 0; i < 2; ++i) {
      const std::string layer = side + ".layers." + std::to_string(i) + ".";
      for (const char* w : {"wq", "wk", "wv", "wo"}) expected.insert(layer + "attention." + w + ".weight");
      for (const char* w : {"w1", "w2", "w3"}) expected.insert(layer + "feed_forward." + w + ".weight");
      expected.insert(layer + "attention_norm.weight");
      expected.insert(layer + "ffn_norm.weight");
      if (side == "decoder") {
        for (const char* w : {"wq", "wk", "wv", "wo"})
          expected.insert(layer + "attention_feat." + w + ".weight");
        expected.insert(layer + "attention_feat_norm.weight");
      }
    }
  }
  EXPECT_EQ(names, expected);
  // RoPE tables are buffers, never parameters (they are never saved or trained).
  for (const auto& b : model->named_buffers()) EXPECT_EQ(names.count(b.key()), 0u) << b.key();
  const auto params = model->named_parameters();
  EXPECT_EQ(params["encoder.output.1.weight"].sizes(), (std::vector<int64_t>{32, 32}));
  EXPECT_EQ(params["decoder.output.1.weight"].sizes(), (std::vector<int64_t>{23, 32}));
  // w2 is [dim, ffn]: int(2 x 4 x 32 / 3) = 85, rounded up to a multiple of 16: 96.
  EXPECT_EQ(params["decoder.layers.0.feed_forward.w2.weight"].sizes(), (std::vector<int64_t>{32, 96}));
}

// Counted from real modules: the preset's width with one layer a side gives the block
// and non-block sizes; the preset's layer counts scale the blocks.
TEST(Transformer, ParameterCountsMatchTheConfigForEveryPreset) {
  torch::set_num_threads(1);
  for (const char* name : {"s", "m", "l", "xl"}) {
    const auto preset = TransformerConfig::preset_named(name, 37);
    auto small = preset;
    small.encoder_layers = small.decoder_layers = 1;
    EncoderDecoder model(small);
    const int64_t encoder_block = count(*model->encoder->blocks[0]);
    const int64_t decoder_block = count(*model->decoder->blocks[0]);
    const int64_t rest = count(*model) - encoder_block - decoder_block;
    EXPECT_EQ(count(*model), small.num_parameters()) << name;
    EXPECT_EQ(rest + preset.encoder_layers * encoder_block + preset.decoder_layers * decoder_block,
              preset.num_parameters())
        << name;
  }
  // The two smaller presets built whole.
  for (const char* name : {"s", "m"}) {
    const auto preset = TransformerConfig::preset_named(name, 37);
    EXPECT_EQ(count(*EncoderDecoder(preset)), preset.num_parameters()) << name;
  }
}

struct Batch {
  torch::Tensor prompt, prompt_mask, decoder;
};

Batch sample_batch() {
  auto [prompt, mask] = pad_rows({{0, 5, 6, 7, 1}, {0, 8, 9, 10, 11, 12, 13, 1}, {0, 14, 1}}, 4);
  auto [decoder, unused] =
      pad_rows({{0, 3, 4, 5, 6, 7, 8, 9, 1}, {0, 10, 11, 1}, {0, 12, 13, 14, 15, 16, 1}}, 2);
  return {prompt, mask, decoder};
}

TEST(Transformer, ShapesAndDtype) {
  auto model = tiny_model();
  auto b = sample_batch();
  auto logits = model->forward(b.prompt, b.prompt_mask, b.decoder);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{3, 9, 23}));
  EXPECT_EQ(logits.scalar_type(), torch::kFloat);
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  EXPECT_EQ(model->encode(b.prompt, b.prompt_mask).sizes(), (std::vector<int64_t>{3, 8, 32}));
}

TEST(Transformer, FutureDecoderTokensNeverChangeEarlierLogits) {
  auto model = tiny_model();
  torch::NoGradGuard no_grad;
  auto b = sample_batch();
  auto base = model->forward(b.prompt, b.prompt_mask, b.decoder);
  for (int64_t t = 1; t < b.decoder.size(1); ++t) {
    auto changed = b.decoder.clone();
    changed.slice(1, t) = (changed.slice(1, t) + 7) % 23;
    auto logits = model->forward(b.prompt, b.prompt_mask, changed);
    EXPECT_LE(max_abs_diff(logits.slice(1, 0, t), base.slice(1, 0, t)), 1e-6) << "t=" << t;
    // And the changed positions really do change (the test can fail).
    EXPECT_GT(max_abs_diff(logits.slice(1, t), base.slice(1, t)), 1e-3) << "t=" << t;
  }
}

TEST(Transformer, PromptPaddingNeverChangesResults) {
  auto model = tiny_model();
  torch::NoGradGuard no_grad;
  auto b = sample_batch();
  auto base = model->forward(b.prompt, b.prompt_mask, b.decoder);
  // Other padding ids.
  auto other = b.prompt.masked_fill(b.prompt_mask.logical_not(), 19);
  EXPECT_LE(max_abs_diff(model->forward(other, b.prompt_mask, b.decoder), base), 1e-5);
  // More padding (a longer batch).
  auto [longer, longer_mask] = pad_rows({{0, 5, 6, 7, 1}, {0, 8, 9, 10, 11, 12, 13, 1}, {0, 14, 1}}, 21, 13);
  EXPECT_LE(max_abs_diff(model->forward(longer, longer_mask, b.decoder), base), 1e-5);
  // Each row alone, without any padding, gives its rows of the batch.
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t n = b.prompt_mask[i].sum().item<int64_t>();
    auto alone =
        model->forward(b.prompt.slice(0, i, i + 1).slice(1, 0, n),
                       b.prompt_mask.slice(0, i, i + 1).slice(1, 0, n), b.decoder.slice(0, i, i + 1));
    EXPECT_LE(max_abs_diff(alone, base.slice(0, i, i + 1)), 1e-5) << "row " << i;
  }
  // The real prompt tokens do matter.
  auto changed = b.prompt.clone();
  changed[0][2] = 17;
  EXPECT_GT(
      max_abs_diff(model->forward(changed, b.prompt_mask, b.decoder).slice(0, 0, 1), base.slice(0, 0, 1)),
      1e-3);
}

TEST(Transformer, DecoderRightPaddingNeverChangesRealPositions) {
  auto model = tiny_model();
  torch::NoGradGuard no_grad;
  auto b = sample_batch();
  auto base = model->forward(b.prompt, b.prompt_mask, b.decoder);
  auto [longer, unused] =
      pad_rows({{0, 3, 4, 5, 6, 7, 8, 9, 1}, {0, 10, 11, 1}, {0, 12, 13, 14, 15, 16, 1}}, 9, 15);
  auto logits = model->forward(b.prompt, b.prompt_mask, longer);
  const int64_t lengths[] = {9, 4, 7};
  for (int64_t i = 0; i < 3; ++i)
    EXPECT_LE(max_abs_diff(logits[i].slice(0, 0, lengths[i]), base[i].slice(0, 0, lengths[i])), 1e-5)
        << "row " << i;
}

TEST(Transformer, RopeRotatesInterleavedPairsByPositionTimesFrequency) {
  auto model = tiny_model();  // head_dim 8
  torch::manual_seed(5);
  auto x = torch::randn({1, 8});
  for (int64_t p : {0, 1, 7, 300, 2000}) {  // 2000 also grows the tables
    auto y = model->rotate(x, torch::tensor({p}));
    for (int64_t i = 0; i < 4; ++i) {
      const double angle = static_cast<double>(p) / std::pow(10000.0, 2.0 * static_cast<double>(i) / 8.0);
      const double x0 = x[0][2 * i].item<double>(), x1 = x[0][2 * i + 1].item<double>();
      EXPECT_NEAR(y[0][2 * i].item<double>(), x0 * std::cos(angle) - x1 * std::sin(angle), 1e-5)
          << p << " " << i;
      EXPECT_NEAR(y[0][2 * i + 1].item<double>(), x0 * std::sin(angle) + x1 * std::cos(angle), 1e-5)
          << p << " " << i;
    }
  }
}

TEST(Transformer, RopeDotProductsDependOnlyOnThePositionDifference) {
  auto model = tiny_model();
  torch::manual_seed(6);
  auto q = torch::randn({1, 8}), k = torch::randn({1, 8});
  auto dot = [&](int64_t m, int64_t n) {
    return (model->rotate(q, torch::tensor({m})) * model->rotate(k, torch::tensor({n}))).sum().item<double>();
  };
  for (int64_t delta : {0, 1, 5, 40}) {
    const double reference = dot(delta, 0);
    for (int64_t base : {1, 17, 200, 999})
      EXPECT_NEAR(dot(base + delta, base), reference, 2e-4) << delta << " " << base;
  }
  EXPECT_GT(std::abs(dot(5, 0) - dot(0, 0)), 1e-3);  // positions do matter
}

// Cached decoding: every step's logits equal the full decoder's at that position, for
// rows with different prompt lengths, and for a row restarted mid-way; both with the
// fused CPU kernels and with the ATen ops that GPUs run.
class CachedDecoding : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Transformer, CachedDecoding, ::testing::Values(true, false),
                         [](const auto& param_info) { return param_info.param ? "FusedCpu" : "AtenOps"; });

TEST_P(CachedDecoding, StepsMatchTheFullDecoder) {
  auto model = tiny_model();
  model->set_fused_cpu_decoding(GetParam());
  torch::NoGradGuard no_grad;
  auto b = sample_batch();
  const int64_t T = b.decoder.size(1);
  auto features = model->encode(b.prompt, b.prompt_mask);
  auto full = model->decode(b.decoder, features, b.prompt_mask);
  auto cache = model->new_cache(features, b.prompt_mask, T);
  for (int64_t t = 0; t < T; ++t) {
    auto step = model->decode_step(cache, b.decoder.select(1, t).contiguous());
    EXPECT_LE(max_abs_diff(step, full.select(1, t)), 1e-4) << "t=" << t;
  }
  EXPECT_EQ(cache.lengths.sum().item<int64_t>(), 3 * T);
  EXPECT_THROW(model->decode_step(cache, torch::zeros({3}, torch::kLong)), std::out_of_range);
}

// More rows than the fused path's small-matrix kernel takes (it hands them to BLAS).
TEST_P(CachedDecoding, ManyRowsMatchTheFullDecoder) {
  auto model = tiny_model();
  model->set_fused_cpu_decoding(GetParam());
  torch::NoGradGuard no_grad;
  auto b = sample_batch();
  auto prompt = b.prompt.repeat({7, 1}), mask = b.prompt_mask.repeat({7, 1}),
       decoder = b.decoder.repeat({7, 1});
  auto features = model->encode(prompt, mask);
  auto full = model->decode(decoder, features, mask);
  auto cache = model->new_cache(features, mask, decoder.size(1));
  for (int64_t t = 0; t < decoder.size(1); ++t)
    EXPECT_LE(max_abs_diff(model->decode_step(cache, decoder.select(1, t).contiguous()), full.select(1, t)),
              1e-4);
}

TEST_P(CachedDecoding, ResetRowsRestartsOneRowWhileTheOthersGoOn) {
  auto model = tiny_model();
  model->set_fused_cpu_decoding(GetParam());
  torch::NoGradGuard no_grad;
  auto b = sample_batch();
  const int64_t T = b.decoder.size(1);
  auto features = model->encode(b.prompt, b.prompt_mask);
  auto full = model->decode(b.decoder, features, b.prompt_mask);
  // Row 1's second life: a shorter prompt and its own decoder tokens.
  auto [prompt2, mask2] = pad_rows({{0, 20, 21, 1}});
  auto [decoder2, unused] = pad_rows({{0, 22, 3, 4, 5, 6}});
  auto features2 = model->encode(prompt2, mask2);
  auto full2 = model->decode(decoder2, features2, mask2);

  auto cache = model->new_cache(features, b.prompt_mask, 2 * T);
  const int64_t restart = 4;
  for (int64_t t = 0; t < restart; ++t) model->decode_step(cache, b.decoder.select(1, t).contiguous());
  model->reset_rows(cache, torch::tensor({1}, torch::kLong), features2, mask2);
  EXPECT_EQ(cache.lengths[1].item<int64_t>(), 0);
  for (int64_t t = restart; t < T; ++t) {
    auto tokens = b.decoder.select(1, t).clone();
    tokens[1] = decoder2[0][t - restart];
    auto step = model->decode_step(cache, tokens);
    EXPECT_LE(max_abs_diff(step[0], full[0][t]), 1e-4) << "t=" << t;
    EXPECT_LE(max_abs_diff(step[2], full[2][t]), 1e-4) << "t=" << t;
    EXPECT_LE(max_abs_diff(step[1], full2[0][t - restart]), 1e-4) << "t=" << t;
  }
}

TEST(Transformer, TrainsByGradientDescent) {
  auto model = tiny_model();
  model->train();
  auto b = sample_batch();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
  auto loss_of = [&] {
    auto logits = model->forward(b.prompt, b.prompt_mask, b.decoder.slice(1, 0, -1));
    return torch::cross_entropy_loss(logits.reshape({-1, 23}), b.decoder.slice(1, 1).reshape({-1}));
  };
  const double first = loss_of().item<double>();
  for (int i = 0; i < 30; ++i) {
    optimizer.zero_grad();
    auto loss = loss_of();
    loss.backward();
    optimizer.step();
  }
  for (const auto& p : model->named_parameters()) EXPECT_TRUE(p.value().grad().defined()) << p.key();
  EXPECT_LT(loss_of().item<double>(), 0.5 * first);
}

}  // namespace
}  // namespace traceplay
