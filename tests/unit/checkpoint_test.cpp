// Model checkpoints: a save/load round trip gives bit-identical logits; config.json and
// weights that do not fit give one UserError naming the file and the field or tensor.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "model_test_util.h"
#include "models/checkpoint.h"
#include "models/safetensors.h"

namespace traceplay {
namespace {

using models::ModelInfo;
using testing::ModelScratchDir;
using testing::pad_rows;
using testing::tiny_model;

ModelInfo tiny_info() {
  ModelInfo info;
  for (int i = 0; i < 23; ++i) info.vocabulary.push_back("t" + std::to_string(i));
  info.mode = "solution-only";
  info.extra = {{"domain", "maze"}, {"step", 12}};
  return info;
}

TEST(Checkpoint, RoundTripGivesBitIdenticalLogits) {
  ModelScratchDir dir("checkpoint-roundtrip");
  auto model = tiny_model(9);
  models::save_model(dir.path.string(), *model, tiny_info());
  EXPECT_TRUE(std::filesystem::exists(dir.file("model.safetensors")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("config.json")));
  // No temporaries left behind.
  EXPECT_EQ(
      std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()), 2);

  ModelInfo info;
  torch::manual_seed(1234);  // another seed: every weight must come from the file
  auto loaded = models::load_model(dir.path.string(), &info, torch::kCPU);
  loaded->eval();
  EXPECT_EQ(info.vocabulary, tiny_info().vocabulary);
  EXPECT_EQ(info.mode, "solution-only");
  EXPECT_EQ(info.extra, tiny_info().extra);
  EXPECT_EQ(info.arch.to_json(), model->config().to_json());

  auto [prompt, mask] = pad_rows({{0, 5, 6, 1}, {0, 7, 1}});
  auto [decoder, unused] = pad_rows({{0, 3, 4, 5}, {0, 8}});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(model->forward(prompt, mask, decoder), loaded->forward(prompt, mask, decoder)));
  const auto json = nlohmann::json::parse(read_file(dir.file("config.json")));
  EXPECT_EQ(json["format"], "traceplay-model");
  EXPECT_EQ(json["version"], 1);
  EXPECT_EQ(json["domain"], "maze");  // extra keys sit beside the fixed ones
}

std::string load_error(const std::string& dir) {
  try {
    models::load_model(dir, nullptr, torch::kCPU);
  } catch (const UserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UserError";
  return "";
}

TEST(Checkpoint, WeightsThatDoNotFitAreNamed) {
  ModelScratchDir dir("checkpoint-weights");
  auto model = tiny_model();
  models::save_model(dir.path.string(), *model, tiny_info());
  const auto file = dir.file("model.safetensors");
  const auto original = models::load_safetensors(file);
  auto rewrite = [&](auto edit) {
    auto tensors = original;
    edit(tensors);
    models::save_safetensors(file, tensors);
    // Without its checksum, as a checkpoint written before checksums: the shapes and
    // names are then what stops the weights (checkpoint_checksum_test covers the sum).
    auto config = nlohmann::json::parse(read_file(dir.file("config.json")));
    config.erase("weights_xxh64");
    write_file_atomic(dir.file("config.json"), config.dump());
    return load_error(dir.path.string());
  };
  auto e = rewrite([](models::NamedTensors& t) { t.erase(t.begin() + 3); });
  EXPECT_NE(e.find(file), std::string::npos) << e;
  EXPECT_NE(e.find("\"" + original[3].first + "\" is missing"), std::string::npos) << e;
  e = rewrite([](models::NamedTensors& t) { t.emplace_back("decoder.extra.weight", torch::zeros({2})); });
  EXPECT_NE(e.find("\"decoder.extra.weight\" is not a parameter"), std::string::npos) << e;
  e = rewrite([](models::NamedTensors& t) { t[0].second = torch::zeros({23, 31}); });
  EXPECT_NE(e.find("\"encoder.embedding.weight\" has shape"), std::string::npos) << e;
  e = rewrite([](models::NamedTensors& t) { t[0].second = t[0].second.to(torch::kDouble); });
  EXPECT_NE(e.find("\"encoder.embedding.weight\" is Double"), std::string::npos) << e;
}

TEST(Checkpoint, BadConfigsAreNamed) {
  ModelScratchDir dir("checkpoint-config");
  auto model = tiny_model();
  models::save_model(dir.path.string(), *model, tiny_info());
  const auto path = dir.file("config.json");
  const auto good = nlohmann::json::parse(read_file(path));
  auto error_with = [&](auto edit) {
    auto j = good;
    edit(j);
    write_file_atomic(path, j.dump());
    const auto e = load_error(dir.path.string());
    EXPECT_NE(e.find(path), std::string::npos) << e;
    return e;
  };
  EXPECT_NE(error_with([](nlohmann::json& j) { j["format"] = "other"; }).find("\"format\""),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["version"] = 2; }).find("\"version\""), std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["mode"] = "both"; }).find("\"mode\""), std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["vocabulary"].erase(0); }).find("\"vocabulary\""),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["vocabulary"][2] = 7; }).find("\"vocabulary\""),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["arch"]["heads"] = 3; }).find("\"heads\""),
            std::string::npos);
  EXPECT_NE(error_with([](nlohmann::json& j) { j["arch"].erase("dim"); }).find("\"dim\""), std::string::npos);
  write_file_atomic(path, "{\"format\": ");
  EXPECT_NE(load_error(dir.path.string()).find("not valid JSON"), std::string::npos);
  write_file_atomic(path, "{\"format\": 1e999}");  // nlohmann's out_of_range, not parse_error
  EXPECT_NE(load_error(dir.path.string()).find("not valid JSON"), std::string::npos);
  EXPECT_NE(load_error(dir.file("nowhere")).find("config.json"), std::string::npos);
}

}  // namespace
}  // namespace traceplay
