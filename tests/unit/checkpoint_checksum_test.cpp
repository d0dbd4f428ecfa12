// Checkpoints carry the XXH64 of their weights in config.json (models/checkpoint_checksum.h):
// a flipped byte inside a tensor, or weights swapped in from another checkpoint of the same
// shapes, is named as corrupted and never loaded; a malformed checksum is named; a
// checkpoint written before the key existed still loads. Both kinds of checkpoint.
#include <gtest/gtest.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "model_test_util.h"
#include "models/checkpoint.h"
#include "models/checkpoint_checksum.h"
#include "models/go_net.h"
#include "models/go_net_checkpoint.h"

namespace traceplay {
namespace {

using testing::ModelScratchDir;

// Saves a checkpoint of one kind into a directory and loads it back.
struct Kind {
  const char* name;
  std::function<void(const std::string& dir, uint64_t seed)> save;
  std::function<void(const std::string& dir)> load;
};

std::vector<Kind> kinds() {
  auto save_searchformer = [](const std::string& dir, uint64_t seed) {
    models::ModelInfo info;
    for (int i = 0; i < 23; ++i) info.vocabulary.push_back("t" + std::to_string(i));
    info.mode = "search-augmented";
    models::save_model(dir, *testing::tiny_model(seed), info);
  };
  auto save_go = [](const std::string& dir, uint64_t seed) {
    torch::manual_seed(seed);
    models::save_go_net(dir, *models::make_go_net(models::GoNetConfig::preset_named("resnet", "tiny", 2)));
  };
  return {{"searchformer", save_searchformer,
           [](const std::string& d) { models::load_model(d, nullptr, torch::kCPU); }},
          {"go-net", save_go, [](const std::string& d) { models::load_go_net(d, {}, torch::kCPU); }}};
}

std::string load_error(const Kind& kind, const std::string& dir) {
  try {
    kind.load(dir);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

void flip_byte_near_end(const std::string& path) {  // inside the last tensor's data
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(-7, std::ios::end);
  char c = 0;
  f.read(&c, 1);
  f.seekp(-7, std::ios::end);
  c = static_cast<char>(c ^ 0x10);
  f.write(&c, 1);
}

TEST(CheckpointChecksum, ConfigCarriesTheWeightsChecksum) {
  for (const Kind& kind : kinds()) {
    ModelScratchDir dir(std::string("checksum-written-") + kind.name);
    kind.save(dir.path.string(), 1);
    const auto config = nlohmann::json::parse(read_file(dir.file("config.json")));
    ASSERT_TRUE(config.contains("weights_xxh64")) << kind.name;
    EXPECT_EQ(config["weights_xxh64"], models::weights_checksum(dir.file("model.safetensors"))) << kind.name;
    EXPECT_EQ(load_error(kind, dir.path.string()), "") << kind.name;
  }
}

TEST(CheckpointChecksum, AFlippedByteInTheWeightsIsNamedAndNotLoaded) {
  for (const Kind& kind : kinds()) {
    ModelScratchDir dir(std::string("checksum-flipped-") + kind.name);
    kind.save(dir.path.string(), 1);
    flip_byte_near_end(dir.file("model.safetensors"));
    const std::string e = load_error(kind, dir.path.string());
    EXPECT_NE(e.find(dir.file("model.safetensors")), std::string::npos) << e;
    EXPECT_NE(e.find("does not match its checkpoint"), std::string::npos) << e;
  }
}

TEST(CheckpointChecksum, WeightsOfAnotherCheckpointWithTheSameShapesAreRefused) {
  for (const Kind& kind : kinds()) {
    ModelScratchDir a(std::string("checksum-swap-a-") + kind.name),
        b(std::string("checksum-swap-b-") + kind.name);
    kind.save(a.path.string(), 1);
    kind.save(b.path.string(), 2);
    std::filesystem::copy_file(b.file("model.safetensors"), a.file("model.safetensors"),
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_NE(load_error(kind, a.path.string()).find("not this checkpoint's"), std::string::npos)
        << kind.name;
  }
}

TEST(CheckpointChecksum, AMalformedChecksumIsNamedAndAMissingOneLoadsUnchecked) {
  for (const Kind& kind : kinds()) {
    ModelScratchDir dir(std::string("checksum-malformed-") + kind.name);
    kind.save(dir.path.string(), 1);
    const std::string path = dir.file("config.json");
    auto config = nlohmann::json::parse(read_file(path));
    for (const nlohmann::json& bad :
         {nlohmann::json("xyz"), nlohmann::json(12), nlohmann::json("0123456789abcdef0")}) {
      config["weights_xxh64"] = bad;
      write_file_atomic(path, config.dump());
      const std::string e = load_error(kind, dir.path.string());
      EXPECT_NE(e.find(path), std::string::npos) << e;
      EXPECT_NE(e.find("\"weights_xxh64\" must be 16 hex digits"), std::string::npos) << e;
    }
    config.erase("weights_xxh64");  // a checkpoint from before checksums
    write_file_atomic(path, config.dump());
    EXPECT_EQ(load_error(kind, dir.path.string()), "") << kind.name;
  }
}

}  // namespace
}  // namespace traceplay
