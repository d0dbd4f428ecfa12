// The training state: flat parameter/gradient buffers, AdamW against torch's own,
// clipping, and the checkpoint directory (round trip, atomic swap leftovers).
#include <gtest/gtest.h>

#include <filesystem>

#include <torch/torch.h>

#include "dataset_test_util.h"
#include "models/train_checkpoint.h"
#include "models/train_optimizer.h"
#include "models/transformer.h"

namespace traceplay::models {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

struct Tiny : torch::nn::Module {
  Tiny() {
    a = register_module("a", torch::nn::Linear(5, 4));
    b = register_module("b", torch::nn::Linear(4, 3));
  }
  torch::Tensor forward(const torch::Tensor& x) { return b(torch::tanh(a(x))); }
  torch::nn::Linear a{nullptr}, b{nullptr};
};

TEST(TrainState, FlatBuffersHoldTheModulesValuesAndGradients) {
  torch::manual_seed(3);
  Tiny m;
  const auto before = m.a->weight.clone();
  FlatParameters flat(m, 2);
  EXPECT_EQ(flat.numel(), 5 * 4 + 4 + 4 * 3 + 3);
  EXPECT_TRUE(torch::equal(m.a->weight, before));
  // The module's parameters are views of the flat buffer.
  flat.values().zero_();
  EXPECT_EQ(m.a->weight.abs().sum().item<float>(), 0.f);
  torch::manual_seed(4);
  for (auto& p : m.parameters()) p.data().normal_();
  // Autograd accumulates into the flat gradient buffer, in place, over two backwards.
  auto x = torch::randn({6, 5});
  m.forward(x).sum().backward();
  const auto once = flat.grads().clone();
  EXPECT_GT(once.abs().sum().item<float>(), 0.f);
  m.forward(x).sum().backward();
  EXPECT_TRUE(torch::allclose(flat.grads(), 2 * once));
  EXPECT_EQ(flat.extra().numel(), 2);
  EXPECT_EQ(flat.extra().abs().sum().item<float>(), 0.f);
  flat.zero_grad();
  EXPECT_EQ(flat.grad_buffer().abs().sum().item<float>(), 0.f);
  EXPECT_EQ(flat.slots()[0].name, "a.weight");
  EXPECT_TRUE(torch::equal(flat.view(flat.values(), 0), m.a->weight));
}

TEST(TrainState, AdamWMatchesTorch) {
  torch::manual_seed(5);
  Tiny ours, theirs;
  {
    torch::NoGradGuard no_grad;
    auto p = ours.parameters(), q = theirs.parameters();
    for (size_t i = 0; i < p.size(); ++i) q[i].copy_(p[i]);
  }
  FlatParameters flat(ours);
  FlatAdamW adam(flat, {0.9, 0.99, 1e-8, 0.01});
  torch::optim::AdamW reference(
      theirs.parameters(), torch::optim::AdamWOptions(1e-2).betas({0.9, 0.99}).eps(1e-8).weight_decay(0.01));
  for (int step = 0; step < 8; ++step) {
    const double lr = 1e-2 * (step + 1) / 8;
    static_cast<torch::optim::AdamWOptions&>(reference.param_groups()[0].options()).lr(lr);
    auto x = torch::randn({7, 5});
    flat.zero_grad();
    ours.forward(x).pow(2).mean().backward();
    reference.zero_grad();
    theirs.forward(x).pow(2).mean().backward();
    adam.step(lr);
    reference.step();
  }
  auto p = ours.parameters(), q = theirs.parameters();
  for (size_t i = 0; i < p.size(); ++i) EXPECT_TRUE(torch::allclose(p[i], q[i], 1e-6, 1e-7)) << i;
  EXPECT_EQ(adam.steps(), 8);
}

TEST(TrainState, ClippingScalesToTheMaximumNorm) {
  auto g = torch::tensor({3.f, 4.f});
  EXPECT_FLOAT_EQ(clip_grad_norm(g, 10.0).item<float>(), 5.f);
  EXPECT_TRUE(torch::equal(g, torch::tensor({3.f, 4.f}))) << "under the maximum: unchanged";
  EXPECT_FLOAT_EQ(clip_grad_norm(g, 1.0).item<float>(), 5.f);
  EXPECT_NEAR(g.norm().item<float>(), 1.f, 1e-5);
  auto h = torch::tensor({30.f, 40.f});
  clip_grad_norm(h, 0.0);
  EXPECT_TRUE(torch::equal(h, torch::tensor({30.f, 40.f}))) << "0 = no clipping";
}

TEST(TrainState, CheckpointRoundTripAndLeftovers) {
  ScratchDir run;
  TransformerConfig c;
  c.vocab_size = 11, c.dim = 16, c.heads = 2, c.encoder_layers = c.decoder_layers = 1;
  torch::manual_seed(1);
  EncoderDecoder model(c);
  FlatParameters flat(*model, 4);
  FlatAdamW adam(flat, {});
  adam.exp_avg().normal_();
  adam.exp_avg_sq().uniform_();
  adam.set_steps(3);
  ModelInfo info;
  info.arch = c;
  for (int i = 0; i < 11; ++i)
    info.vocabulary.push_back(i == 0 ? "bos" : i == 1 ? "eos" : "t" + std::to_string(i));
  info.mode = "solution-only";
  const nlohmann::json state = {{"format", kTrainStateFormat},
                                {"step", 3},
                                {"steps", 9},
                                {"finished", false},
                                {"settings", {{"x", 1}}},
                                {"data", nlohmann::json::object()},
                                {"metrics", nlohmann::json::object()}};
  EXPECT_FALSE(read_train_state(run.path()).has_value());
  write_checkpoint(run.path(), *model, info, flat, adam, state);
  ASSERT_TRUE(read_train_state(run.path()).has_value());
  EXPECT_EQ(*read_train_state(run.path()), state);
  EXPECT_FALSE(fs::exists(run / "checkpoint.tmp"));

  // A second checkpoint replaces the first as a whole.
  adam.exp_avg().add_(1);
  nlohmann::json later = state;
  later["step"] = 4;
  write_checkpoint(run.path(), *model, info, flat, adam, later);
  EXPECT_EQ((*read_train_state(run.path()))["step"], 4);

  torch::manual_seed(2);
  EncoderDecoder other(c);
  FlatParameters other_flat(*other, 4);
  FlatAdamW other_adam(other_flat, {});
  load_optimizer_state(run.path(), other_flat, other_adam);
  EXPECT_TRUE(torch::equal(other_adam.exp_avg(), adam.exp_avg()));
  EXPECT_TRUE(torch::equal(other_adam.exp_avg_sq(), adam.exp_avg_sq()));
  ModelInfo loaded_info;
  EncoderDecoder loaded = load_model(checkpoint_path(run.path()), &loaded_info, torch::kCPU);
  EXPECT_EQ(loaded_info.mode, "solution-only");
  auto a = loaded->named_parameters();
  for (const auto& p : model->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), a[p.key()])) << p.key();

  // A kill during a write leaves checkpoint.tmp: removed. A kill between the two renames
  // of the fallback swap leaves checkpoint.old and no checkpoint: put back.
  fs::create_directories(run / "checkpoint.tmp");
  clean_checkpoint_leftovers(run.path());
  EXPECT_FALSE(fs::exists(run / "checkpoint.tmp"));
  fs::rename(run / "checkpoint", run / "checkpoint.old");
  clean_checkpoint_leftovers(run.path());
  EXPECT_TRUE(fs::exists(run / "checkpoint/train_state.json"));
  EXPECT_FALSE(fs::exists(run / "checkpoint.old"));

  // A damaged train state is named.
  testing::write_bytes(run / "checkpoint/train_state.json", "{\"format\": \"other\"}");
  EXPECT_NE(testing::error_of([&] { read_train_state(run.path()); }).find("not a traceplay train state"),
            std::string::npos);
}

}  // namespace
}  // namespace traceplay::models
