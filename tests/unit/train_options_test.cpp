// The torch-free half of training: the learning-rate schedule against the reference's
// formula, option checks naming the flag, and the settings that define a run.
#include <gtest/gtest.h>

#include <cmath>

#include "dataset_test_util.h"
#include "models/train.h"

namespace traceplay::models {
namespace {

using testing::error_of;

TrainOptions valid() {
  TrainOptions o;
  o.data_dir = "data";
  o.out_dir = "run";
  o.steps = 100;
  o.warmup = 10;
  return o;
}

TEST(TrainSchedule, WarmupThenCosineToTheFloor) {
  // Values by hand from the reference's lr_cosine (theta 1, cycle 1, min ratio 0.1).
  EXPECT_DOUBLE_EQ(lr_factor(1, 10, 110, 0.1), 0.1);
  EXPECT_DOUBLE_EQ(lr_factor(5, 10, 110, 0.1), 0.5);
  EXPECT_DOUBLE_EQ(lr_factor(10, 10, 110, 0.1), 1.0);
  EXPECT_DOUBLE_EQ(lr_factor(60, 10, 110, 0.1), 0.1 + 0.45 * (std::cos(M_PI * 0.5) + 1));  // 0.55
  EXPECT_NEAR(lr_factor(60, 10, 110, 0.1), 0.55, 1e-15);
  EXPECT_NEAR(lr_factor(35, 10, 110, 0.1), 0.1 + 0.45 * (std::cos(M_PI * 0.25) + 1), 1e-15);
  EXPECT_DOUBLE_EQ(lr_factor(110, 10, 110, 0.1), 0.1);
  EXPECT_DOUBLE_EQ(lr_factor(200, 10, 110, 0.1), 0.1);
  // Without warmup the cosine starts at once; the floor is a parameter.
  EXPECT_NEAR(lr_factor(1, 0, 100, 0.0), 0.5 * (std::cos(M_PI * 0.01) + 1), 1e-15);
  EXPECT_DOUBLE_EQ(lr_factor(100, 0, 100, 0.0), 0.0);
  // Monotone: up during warmup, down after.
  for (int64_t s = 1; s < 10; ++s) EXPECT_LT(lr_factor(s, 10, 110, 0.1), lr_factor(s + 1, 10, 110, 0.1));
  for (int64_t s = 10; s < 110; ++s) EXPECT_GT(lr_factor(s, 10, 110, 0.1), lr_factor(s + 1, 10, 110, 0.1));
}

TEST(TrainOptions, ValidOptionsPass) {
  EXPECT_EQ(error_of([] { validate_train_options(valid()); }), "(no error)");
  TrainOptions custom = valid();
  custom.preset = "custom";
  custom.dim = 32, custom.layers = 1, custom.heads = 2;
  EXPECT_EQ(error_of([&] { validate_train_options(custom); }), "(no error)");
  const TransformerConfig c = model_config_of(custom, 40);
  EXPECT_EQ(c.dim, 32);
  EXPECT_EQ(c.encoder_layers, 1);
  EXPECT_EQ(c.decoder_layers, 1);
  EXPECT_EQ(c.vocab_size, 40);
  EXPECT_EQ(model_config_of(valid(), 40).dim, 192);
}

TEST(TrainOptions, BadValuesNameTheFlag) {
  auto with = [](auto change) {
    TrainOptions o = valid();
    change(o);
    return error_of([&] { validate_train_options(o); });
  };
  EXPECT_EQ(with([](TrainOptions& o) { o.steps = -1; }), "--steps must not be negative, got -1");
  EXPECT_EQ(with([](TrainOptions& o) { o.steps = 0; }), "(no error)") << "the untrained control";
  EXPECT_EQ(with([](TrainOptions& o) { o.warmup = 200; }), "--warmup (200) must not exceed --steps (100)");
  EXPECT_EQ(with([](TrainOptions& o) { o.lr = -1; }), "--lr must be a positive number, got -1");
  EXPECT_EQ(with([](TrainOptions& o) { o.mode = "plans"; }),
            "--mode: \"plans\" is not a training mode (expected search-augmented or solution-only)");
  EXPECT_EQ(with([](TrainOptions& o) { o.preset = "q"; }),
            "--preset: \"q\" is not a preset (expected s, m, l or xl)");
  EXPECT_EQ(with([](TrainOptions& o) { o.dim = 64; }),
            "--preset s and a custom size (--dim/--layers/--heads) exclude each other");
  EXPECT_EQ(with([](TrainOptions& o) { o.preset = "custom", o.dim = 30, o.layers = 1, o.heads = 4; }),
            "--dim (30) must be divisible by --heads (4)");
  EXPECT_EQ(with([](TrainOptions& o) { o.preset = "custom", o.dim = 30, o.layers = 1, o.heads = 2; }),
            "--dim / --heads = 15 must be even (RoPE rotates pairs)");
  EXPECT_EQ(with([](TrainOptions& o) { o.preset = "custom", o.dim = 32, o.heads = 2; }),
            "a custom model needs --layers (or encoder_layers and decoder_layers)");
  EXPECT_EQ(with([](TrainOptions& o) { o.loss_average = "batch"; }),
            "--loss-average: \"batch\" (expected sequence or token)");
  EXPECT_EQ(with([](TrainOptions& o) { o.rank = 2, o.world_size = 2; }),
            "--rank must be in [0, --world-size), got 2 with world size 2");
  EXPECT_EQ(with([](TrainOptions& o) { o.master = "localhost"; }),
            "--master: \"localhost\" is not HOST:PORT");
  EXPECT_EQ(with([](TrainOptions& o) { o.master = "h:70000"; }),
            "--master: \"h:70000\" needs a port in 1..65535");
  EXPECT_EQ(with([](TrainOptions& o) { o.data_dir.clear(); }), "--data must name a dataset directory");
  EXPECT_EQ(with([](TrainOptions& o) { o.grad_clip = -1; }),
            "--grad-clip must be a non-negative number (0: no clipping), got -1");
}

TEST(TrainOptions, RunSettingsIgnoreWhereAndHowFastButNotWhat) {
  const auto base = run_settings(valid());
  TrainOptions o = valid();
  o.threads = 7, o.device = "cuda", o.log_every = 3, o.checkpoint_every = 9, o.progress = false;
  EXPECT_EQ(run_settings(o), base);
  // Two ranks accumulating 1 make the same run as one accumulating 2.
  TrainOptions one = valid(), two = valid();
  one.accumulate = 2;
  two.world_size = 2, two.rank = 1;
  EXPECT_EQ(run_settings(one), run_settings(two));
  EXPECT_NE(run_settings(one), base);
  o = valid();
  o.lr = 1e-3;
  EXPECT_NE(run_settings(o), base);
  o = valid();
  o.mode = "solution-only";
  EXPECT_NE(run_settings(o), base);
}

TEST(TrainOptions, TraceDroppingIsCheckedAndDefinesTheRunOnlyWhenOn) {
  auto with = [](auto change) {
    TrainOptions o = valid();
    change(o);
    return error_of([&] { validate_train_options(o); });
  };
  EXPECT_EQ(with([](TrainOptions& o) { o.drop.p = {0.45, 0.1, 0.1, 0.1}; }), "(no error)");
  EXPECT_EQ(with([](TrainOptions& o) {
              o.drop.p = {0, 1.25, 0, 0};
            }),
            "--drop: p2 = 1.25 is not a probability in [0, 1]");
  EXPECT_EQ(with([](TrainOptions& o) {
              o.drop.p = {0.5, 0.5, 0.25, 0};
            }),
            "--drop: the drop probabilities [0.5, 0.5, 0.25, 0] sum to 1.25, more than 1");
  EXPECT_EQ(
      with([](TrainOptions& o) {
        o.drop.p = {0.1, 0, 0, 0}, o.mode = "solution-only";
      }),
      "--drop (train.drop) needs --mode search-augmented: a solution-only sequence has no trace to drop");
  EXPECT_EQ(with([](TrainOptions& o) { o.mode = "solution-only"; }), "(no error)") << "all zero: off";

  // All zero: the settings runs have always had (no "drop" key), so their run
  // directories resume as before; any p > 0 is another run.
  const auto base = run_settings(valid());
  EXPECT_FALSE(base.contains("drop"));
  TrainOptions o = valid();
  o.drop.p = {0.45, 0.1, 0.1, 0.1};
  const auto dropping = run_settings(o);
  EXPECT_NE(dropping, base);
  EXPECT_EQ(dropping["drop"], nlohmann::ordered_json::parse("[0.45, 0.1, 0.1, 0.1]"));
  o.drop.p = {0.45, 0.1, 0.1, 0.2};
  EXPECT_NE(run_settings(o), dropping);
  nlohmann::ordered_json without = dropping;
  without.erase("drop");
  EXPECT_EQ(without, base) << "nothing else changes";
}

TEST(TrainOptions, ResultJson) {
  TrainResult r;
  r.out_dir = "runs/x";
  r.step = 5, r.steps = 10, r.loss = 1.5;
  const auto j = r.to_json();
  EXPECT_EQ(j["out"], "runs/x");
  EXPECT_EQ(j["step"], 5);
  EXPECT_EQ(j["finished"], false);
  EXPECT_EQ(j["loss"], 1.5);
  EXPECT_TRUE(j.contains("val_loss") && j.contains("tokens_per_s") && j.contains("parameters"));
}

}  // namespace
}  // namespace traceplay::models
