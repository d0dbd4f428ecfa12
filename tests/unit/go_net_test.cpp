// The Go policy-value network, both kinds: shapes for several board sizes, an unmasked
// policy, learning on a fixed batch, checkpoints (round trip, refusals), preset
// parameter counts, batch permutation, config JSON and the loss's masks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "games/go/board.h"
#include "games/go/features.h"
#include "model_test_util.h"
#include "models/go_net.h"
#include "models/go_net_checkpoint.h"
#include "models/go_net_loss.h"

namespace traceplay {
namespace {

using models::GoNet;
using models::GoNetConfig;
using models::GoNetOutputs;
using models::GoNetTargets;
using testing::ModelScratchDir;

const char* const kKinds[] = {"transformer", "resnet"};

GoNet tiny_net(const std::string& kind, uint64_t seed = 5, int64_t history = 2) {
  torch::set_num_threads(1);
  torch::manual_seed(seed);
  auto net = models::make_go_net(GoNetConfig::preset_named(kind, "tiny", history));
  net->eval();
  return net;
}

// Feature planes of `batch` positions on an n x n board: a few seeded random legal moves each.
torch::Tensor positions(int n, int batch, int history, uint64_t seed = 1) {
  go::FeatureOptions options;
  options.history = history;
  const int planes = go::feature_planes(options);
  auto out = torch::empty({batch, planes, n, n});
  std::mt19937_64 rng(seed);
  for (int b = 0; b < batch; ++b) {
    go::Board board(n);
    board.set_komi(b % 2 ? 7.5 : 0.5);
    const int moves = 2 + static_cast<int>(rng() % static_cast<uint64_t>(n));
    for (int i = 0; i < moves; ++i) {
      auto legal = board.legal_moves(board.to_move());
      board.play(legal[static_cast<size_t>(rng() % legal.size())]);
    }
    auto f = go::extract_features(board, options);
    std::copy(f.begin(), f.end(), out[b].data_ptr<float>());
  }
  return out;
}

int64_t count(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(GoNet, OutputShapesForEveryBoardSizeAndBothKinds) {
  for (const char* kind : kKinds) {
    auto net = tiny_net(kind);
    for (int n : {5, 9, 19}) {
      torch::NoGradGuard no_grad;
      const auto out = net->forward(positions(n, 3, 2));
      EXPECT_EQ(out.policy.sizes(), (std::vector<int64_t>{3, n * n + 1})) << kind << n;
      EXPECT_EQ(out.value.sizes(), (std::vector<int64_t>{3, 3})) << kind << n;
      EXPECT_EQ(out.score.sizes(), (std::vector<int64_t>{3})) << kind << n;
      EXPECT_EQ(out.ownership.sizes(), (std::vector<int64_t>{3, n * n})) << kind << n;
      EXPECT_LE(out.ownership.abs().max().item<double>(), 1.0);
      EXPECT_TRUE(torch::isfinite(out.policy).all().item<bool>());
    }
  }
}

TEST(GoNet, RefusesInputsOutsideItsShape) {
  auto net = tiny_net("transformer");
  torch::NoGradGuard no_grad;
  EXPECT_THROW(net->forward(torch::zeros({1, 11, 4, 4})), c10::Error);    // size 4 < 5
  EXPECT_THROW(net->forward(torch::zeros({1, 11, 20, 20})), c10::Error);  // size 20 > 19
  EXPECT_THROW(net->forward(torch::zeros({1, 12, 9, 9})), c10::Error);    // planes of another history
  EXPECT_THROW(net->forward(torch::zeros({1, 11, 9, 7})), c10::Error);    // not square
}

// Masking illegal moves is the evaluator's job: the net gives occupied points (illegal)
// finite logits and a share of the softmax like any other point.
TEST(GoNet, PolicyOverOccupiedPointsIsNotMasked) {
  go::Board board(9);
  board.play(go::Move::at(4, 4));
  board.play(go::Move::at(2, 2));
  go::FeatureOptions options;
  options.history = 2;
  auto f = go::extract_features(board, options);
  auto planes = torch::from_blob(f.data(), {1, go::feature_planes(options), 9, 9}).clone();
  for (const char* kind : kKinds) {
    auto net = tiny_net(kind);
    torch::NoGradGuard no_grad;
    auto p = torch::softmax(net->forward(planes).policy, 1)[0];
    for (int point : {4 + 9 * 4, 2 + 9 * 2}) {
      EXPECT_FALSE(board.is_legal(board.to_move(), go::Move::at(point % 9, point / 9)));
      EXPECT_GT(p[point].item<double>(), 1e-4) << kind;
    }
  }
}

// A fixed batch with sharp targets (one move, a decided game), so the loss can fall far.
GoNetTargets fixed_targets(int n, int batch) {
  torch::manual_seed(11);
  GoNetTargets t;
  t.policy = torch::zeros({batch, n * n + 1});
  auto moves = torch::randint(n * n + 1, {batch}, torch::kLong);
  t.policy.scatter_(1, moves.unsqueeze(1), 1.0);
  t.value = torch::zeros({batch, 3});
  t.value.scatter_(1, torch::randint(3, {batch, 1}, torch::kLong), 1.0);
  t.score = torch::randn({batch}) * 15;
  t.ownership = torch::randint(2, {batch, n * n}).to(torch::kFloat) * 2 - 1;
  return t;
}

TEST(GoNet, AdamWStepsLowerTheLossOnAFixedBatchForBothKinds) {
  const int n = 5, batch = 8;
  const auto planes = positions(n, batch, 2, 7);
  const auto targets = fixed_targets(n, batch);
  for (const char* kind : kKinds) {
    auto net = tiny_net(kind);
    net->train();
    torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(3e-3).weight_decay(0.01));
    const double before = models::go_net_loss(net->forward(planes), targets).total.item<double>();
    for (int step = 0; step < 60; ++step) {
      optimizer.zero_grad();
      auto loss = models::go_net_loss(net->forward(planes), targets);
      loss.total.backward();
      optimizer.step();
    }
    const double after = models::go_net_loss(net->forward(planes), targets).total.item<double>();
    std::printf("%s: loss %.4f -> %.4f after 60 AdamW steps\n", kind, before, after);
    EXPECT_LT(after, 0.8 * before) << kind << ": " << before << " -> " << after;
  }
}

TEST(GoNet, SaveLoadRoundTripGivesIdenticalOutputs) {
  const auto planes = positions(9, 2, 2);
  for (const char* kind : kKinds) {
    ModelScratchDir dir(std::string("go-net-round-trip-") + kind);
    auto net = tiny_net(kind);
    models::save_go_net(dir.path.string(), *net, {{"step", 12}});
    models::GoNetInfo info;
    auto loaded = models::load_go_net(dir.path.string(), {kind, 9, 2}, torch::kCPU, &info);
    loaded->eval();
    EXPECT_EQ(info.net.to_json(), net->config().to_json());
    EXPECT_EQ(info.extra["step"], 12);
    torch::NoGradGuard no_grad;
    const auto a = net->forward(planes), b = loaded->forward(planes);
    EXPECT_TRUE(torch::equal(a.policy, b.policy)) << kind;
    EXPECT_TRUE(torch::equal(a.value, b.value)) << kind;
    EXPECT_TRUE(torch::equal(a.score, b.score)) << kind;
    EXPECT_TRUE(torch::equal(a.ownership, b.ownership)) << kind;
  }
}

// The message of the UserError that f throws ("" if none).
template <class F>
std::string user_error(F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(GoNet, LoadingACheckpointOfAnotherKindOrConfigFails) {
  ModelScratchDir dir("go-net-refusals");
  const std::string d = dir.path.string();
  auto net = tiny_net("resnet");
  models::save_go_net(d, *net);
  EXPECT_NE(user_error([&] {
              models::load_go_net(d, {"transformer", 0, 0}, torch::kCPU);
            }).find("a resnet network, expected a transformer"),
            std::string::npos);
  auto small = GoNetConfig::preset_named("resnet", "tiny", 2);
  small.max_board_size = 9;
  torch::manual_seed(1);
  models::save_go_net(d, *models::make_go_net(small));
  EXPECT_NE(user_error([&] {
              models::load_go_net(d, {"resnet", 19, 0}, torch::kCPU);
            }).find("serves board sizes 5..9, not 19"),
            std::string::npos);
  EXPECT_NE(user_error([&] {
              models::load_go_net(d, {"", 9, 8}, torch::kCPU);
            }).find("reads 2 history positions"),
            std::string::npos);
  // A config.json that does not describe the weights beside it.
  auto wider = small;
  wider.channels = 24;
  nlohmann::json config = {{"format", "traceplay-go-net"}, {"version", 1}, {"net", wider.to_json()}};
  write_file_atomic(dir.file("config.json"), config.dump());
  EXPECT_NE(user_error([&] { models::load_go_net(d, {}, torch::kCPU); }).find("has shape"),
            std::string::npos);
  // A Searchformer checkpoint is not a Go network.
  config = {{"format", "traceplay-model"}, {"version", 1}};
  write_file_atomic(dir.file("config.json"), config.dump());
  EXPECT_NE(user_error([&] { models::load_go_net(d, {}, torch::kCPU); }).find("a Searchformer checkpoint"),
            std::string::npos);
}

TEST(GoNet, PresetParameterCountsAreTheDocumentedOnes) {
  torch::set_num_threads(1);
  const std::vector<std::pair<std::string, int64_t>> transformer{
      {"tiny", 32423}, {"s", 900231}, {"m", 6586631}, {"l", 21581191}, {"xl", 51978759}};
  const std::vector<std::pair<std::string, int64_t>> resnet{
      {"tiny", 13319}, {"s", 465415}, {"m", 3012615}, {"l", 13394695}, {"xl", 47393799}};
  for (const auto& [kind, presets] : {std::pair{"transformer", transformer}, std::pair{"resnet", resnet}})
    for (const auto& [name, documented] : presets) {
      const auto config = GoNetConfig::preset_named(kind, name);
      EXPECT_EQ(config.num_parameters(), documented) << kind << " " << name;
      EXPECT_EQ(count(*models::make_go_net(config)), documented) << kind << " " << name;
    }
  EXPECT_LT(GoNetConfig::preset_named("transformer", "tiny").num_parameters(), 1000000);
}

TEST(GoNet, PermutingTheBatchPermutesTheOutputs) {
  const auto planes = positions(7, 5, 2, 3);
  const auto order = torch::tensor({3, 0, 4, 2, 1}, torch::kLong);
  for (const char* kind : kKinds) {
    auto net = tiny_net(kind);
    torch::NoGradGuard no_grad;
    const auto a = net->forward(planes), b = net->forward(planes.index_select(0, order));
    EXPECT_TRUE(torch::allclose(a.policy.index_select(0, order), b.policy, 1e-5, 1e-5)) << kind;
    EXPECT_TRUE(torch::allclose(a.value.index_select(0, order), b.value, 1e-5, 1e-5)) << kind;
    EXPECT_TRUE(torch::allclose(a.score.index_select(0, order), b.score, 1e-5, 1e-5)) << kind;
    EXPECT_TRUE(torch::allclose(a.ownership.index_select(0, order), b.ownership, 1e-5, 1e-5)) << kind;
    // And the rows differ, so the check compares something.
    EXPECT_FALSE(torch::allclose(a.policy[0], a.policy[1], 1e-3, 1e-3)) << kind;
  }
}

TEST(GoNet, ConfigJsonRoundTripsAndRefusesUnknownKeys) {
  for (const char* kind : kKinds) {
    const auto c = GoNetConfig::preset_named(kind, "s", 4);
    EXPECT_EQ(GoNetConfig::from_json(c.to_json(), "x").to_json(), c.to_json());
    auto j = c.to_json();
    j["dropout"] = 0.1;
    EXPECT_THROW(GoNetConfig::from_json(j, "x"), UserError);
  }
  auto j = GoNetConfig::preset_named("resnet", "s").to_json();
  j["dim"] = 64;  // a transformer's key
  EXPECT_NE(user_error([&] { GoNetConfig::from_json(j, "x"); }).find("unknown key \"dim\" for a resnet"),
            std::string::npos);
  auto t = GoNetConfig::preset_named("transformer", "s").to_json();
  t["heads"] = 5;  // does not divide 128
  EXPECT_THROW(GoNetConfig::from_json(t, "x"), UserError);
  EXPECT_THROW(GoNetConfig::preset_named("cnn", "s"), UserError);
}

TEST(GoNetLoss, MaskedTargetsDoNotCountAndAllMaskedTermsAreZero) {
  const int n = 5, batch = 4;
  auto net = tiny_net("resnet");
  torch::NoGradGuard no_grad;
  const auto out = net->forward(positions(n, batch, 2));
  auto t = fixed_targets(n, batch);
  t.ownership_mask = torch::tensor({1.0f, 0.0f, 1.0f, 0.0f});
  t.policy_mask = torch::zeros({batch});
  const auto a = models::go_net_loss(out, t);
  auto changed = t;
  changed.ownership = t.ownership.clone();
  changed.ownership[1].fill_(0.3);  // masked rows: free to change
  changed.policy = torch::full_like(t.policy, 1.0 / (n * n + 1));
  const auto b = models::go_net_loss(out, changed);
  EXPECT_EQ(a.ownership.item<double>(), b.ownership.item<double>());
  EXPECT_EQ(a.policy.item<double>(), 0.0);
  EXPECT_EQ(b.policy.item<double>(), 0.0);
  // The ownership term is the mean over rows 0 and 2 only.
  const double expected = ((out.ownership[0] - t.ownership[0]).pow(2).mean().item<double>() +
                           (out.ownership[2] - t.ownership[2]).pow(2).mean().item<double>()) /
                          2;
  EXPECT_NEAR(a.ownership.item<double>(), expected, 1e-6);
  EXPECT_NEAR(a.total.item<double>(), (a.policy + a.value + a.score + a.ownership).item<double>(), 1e-6);
  EXPECT_GT(a.value.item<double>(), 0.0);
  EXPECT_GT(a.score.item<double>(), 0.0);
}

}  // namespace
}  // namespace traceplay
