// The self-play learner's network side: batches from self-play positions (masks from the
// targets), a step lowers the loss on a fixed batch (lr 0 does not: the negative
// control), and a published version loads back as the same net.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "models/go_net_checkpoint.h"
#include "models/go_net_learner.h"
#include "search/evaluator.h"
#include "selfplay/model_store.h"
#include "selfplay/selfplay_actor.h"
#include "selfplay/training_position.h"

namespace traceplay::models {
namespace {

// Positions of three quick 5x5 rollout self-play games, each under a random symmetry.
std::vector<selfplay::TrainingPosition> selfplay_positions(int64_t history) {
  selfplay::ActorSettings s;
  s.size = 5;
  s.komi = 0.5;
  s.cap.full_visits = 16;
  s.cap.fast_visits = 4;
  s.cap.full_fraction = 0.5;
  go::FeatureOptions options;
  options.history = static_cast<int>(history);
  std::vector<selfplay::TrainingPosition> out;
  Rng rng(8);
  for (uint64_t id = 1; id <= 3; ++id) {
    auto g = selfplay::play_selfplay_game(std::make_shared<search::RolloutEvaluator>(), s, id, 0, {});
    std::vector<int> syms;
    for (size_t i = 0; i < g->moves.size(); ++i) syms.push_back(static_cast<int>(rng.below(8)));
    for (auto& t : selfplay::make_training_positions(*g, syms, options, "test")) out.push_back(std::move(t));
  }
  return out;
}

TEST(GoNetLearner, BatchesCarryTheTargetsAndTheirMasks) {
  const auto positions = selfplay_positions(2);
  const GoNetBatch b = make_go_net_batch(positions, torch::kCPU);
  const int64_t B = static_cast<int64_t>(positions.size());
  EXPECT_EQ(b.planes.sizes(), (std::vector<int64_t>{B, 11, 5, 5}));
  EXPECT_EQ(b.targets.policy.sizes(), (std::vector<int64_t>{B, 26}));
  for (int64_t i = 0; i < B; ++i) {
    const auto& t = positions[static_cast<size_t>(i)];
    EXPECT_EQ(b.targets.policy_mask[i].item<float>(), t.has_policy ? 1.0f : 0.0f);
    if (t.has_policy) {
      EXPECT_NEAR(b.targets.policy[i].sum().item<double>(), 1.0, 1e-5);
    }
    EXPECT_EQ(b.targets.score_mask[i].item<float>(), t.has_score ? 1.0f : 0.0f);
    EXPECT_NEAR(b.targets.value[i].sum().item<double>(), 1.0, 1e-6);
  }
  EXPECT_GT(b.targets.policy_mask.sum().item<double>(), 0);
  EXPECT_LT(b.targets.policy_mask.sum().item<double>(), B);  // fast searches have none
  EXPECT_THROW(make_go_net_batch({}, torch::kCPU), std::invalid_argument);
  auto mixed = positions;
  mixed[1].size = 7;
  EXPECT_THROW(make_go_net_batch(mixed, torch::kCPU), std::invalid_argument);
}

TEST(GoNetLearner, AStepLowersTheLossOnAFixedBatchAndLrZeroDoesNot) {
  torch::set_num_threads(1);
  const auto positions = selfplay_positions(2);
  const GoNetBatch batch = make_go_net_batch(positions, torch::kCPU);
  const auto config = GoNetConfig::preset_named("transformer", "tiny", 2);

  torch::manual_seed(5);
  GoNetLearnerOptions frozen;
  frozen.lr = 0;
  GoNetLearner control(make_go_net(config), frozen);
  const double before_control = control.loss(batch).total;
  control.step(batch);
  EXPECT_DOUBLE_EQ(control.loss(batch).total, before_control);  // lr 0: nothing moves (no decay either)

  torch::manual_seed(5);
  GoNetLearnerOptions options;
  options.lr = 3e-3;
  GoNetLearner learner(make_go_net(config), options);
  const double before = learner.loss(batch).total;
  EXPECT_DOUBLE_EQ(before, before_control);  // the same initial net
  const GoNetStepResult first = learner.step(batch);
  EXPECT_GT(first.grad_norm, 0);
  const double after_one = learner.loss(batch).total;
  EXPECT_LT(after_one, before);
  for (int k = 0; k < 30; ++k) learner.step(batch);
  EXPECT_LT(learner.loss(batch).total, 0.8 * before);  // measured: well below (memorising the batch)
  EXPECT_EQ(learner.steps(), 31);
}

// A learner restored from its saved state takes the very step the original takes next
// (the moments and the bias-correction step count are what AdamW's next update reads).
TEST(GoNetLearner, ARestoredStateContinuesExactly) {
  torch::set_num_threads(1);
  const auto positions = selfplay_positions(2);
  const GoNetBatch batch = make_go_net_batch(positions, torch::kCPU);
  const auto config = GoNetConfig::preset_named("resnet", "tiny", 2);
  const auto dir =
      std::filesystem::temp_directory_path() / ("traceplay-learner-state-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "learner.safetensors").string();

  torch::manual_seed(9);
  GoNetLearnerOptions options;
  options.lr = 3e-3;
  GoNetLearner original(make_go_net(config), options);
  for (int k = 0; k < 3; ++k) original.step(batch);
  original.save_state(path, 4);
  // A second learner on a copy of the weights, as a resumed run loads them from v0004.
  GoNet copy = make_go_net(config);
  {
    torch::NoGradGuard no_grad;
    const auto from = original.net()->named_parameters();
    for (auto& p : copy->named_parameters()) p.value().copy_(from[p.key()]);
  }
  GoNetLearner restored(copy, options);
  EXPECT_FALSE(restored.load_state(path, 5));  // saved with another version's weights
  EXPECT_EQ(restored.steps(), 0);
  ASSERT_TRUE(restored.load_state(path, 4));
  EXPECT_EQ(restored.steps(), 3);
  original.step(batch);
  restored.step(batch);
  const auto a = original.net()->named_parameters(), b = restored.net()->named_parameters();
  for (const auto& p : a) EXPECT_TRUE(torch::allclose(p.value(), b[p.key()], 0, 1e-7)) << p.key();

  EXPECT_FALSE(restored.load_state((dir / "missing.safetensors").string(), 4));
  // A state of another net is refused by name.
  GoNetLearner other(make_go_net(GoNetConfig::preset_named("transformer", "tiny", 2)), options);
  EXPECT_THROW(other.load_state(path, 4), UserError);
  std::filesystem::remove_all(dir);
}

TEST(GoNetLearner, APublishedVersionLoadsBackAsTheSameNet) {
  torch::manual_seed(6);
  const auto config = GoNetConfig::preset_named("resnet", "tiny", 2);
  GoNet net = make_go_net(config);
  const auto dir =
      std::filesystem::temp_directory_path() / ("traceplay-learner-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const selfplay::ModelVersion v = publish_go_net(dir.string(), 3, *net, {{"step", 12}});
  EXPECT_EQ(v.version, 3);
  EXPECT_EQ(v.dir, (dir / "v0003").string());
  EXPECT_NE(v.xxh64, 0u);
  EXPECT_EQ(selfplay::list_versions(dir.string()), std::vector<int>{3});
  GoNetInfo info;
  GoNet back = load_go_net(v.dir, {"resnet", 5, 2}, torch::kCPU, &info);
  EXPECT_EQ(info.extra.at("model_version"), 3);
  EXPECT_EQ(info.extra.at("step"), 12);
  const auto a = net->named_parameters(), b = back->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
  EXPECT_THROW(publish_go_net(dir.string(), 3, *net), std::invalid_argument);  // already published
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace traceplay::models
