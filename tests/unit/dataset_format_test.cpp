// The dataset directory: manifest (pinned keys, validation that names file and field),
// the split rule, shard chunking, DatasetWriter -> DatasetReader round trip and the
// reader's verification.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/dataset.h"
#include "core/error.h"
#include "core/hash.h"
#include "dataset_test_util.h"

namespace traceplay {
namespace {

using testing::error_of;
using testing::file_bytes;
using testing::ScratchDir;
using testing::write_bytes;

Manifest header(uint64_t seed = 7, double test_fraction = 0.3) {
  Manifest m;
  m.domain = "fake";
  m.params = {{"width", 3}};
  m.seed = seed;
  m.deterministic = false;
  m.test_fraction = test_fraction;
  m.vocabulary = {"bos", "eos", "a", "b"};
  m.traceplay_version = "0.0.1";
  m.git_sha = "abc";
  return m;
}

DatasetRecord record(uint64_t n) {
  DatasetRecord r;
  r.id = n * 7919;
  r.layout = n / 3;  // three records a layout: a layout's records share a split
  r.prompt.assign(1 + n % 5, 2);
  r.trace.assign(n % 11, 3);
  r.plan.assign(2 + n % 2, 3);
  r.meta = {{"n", n}};
  return r;
}

TEST(DatasetFormat, SplitRuleIsThePinnedFormula) {
  for (uint64_t layout : {0ULL, 1ULL, 0xdeadbeefULL, ~0ULL}) {
    for (uint64_t seed : {0ULL, 1ULL, 12345ULL}) {
      const uint64_t bucket = xxh64(hex16(layout), seed) % 1000000;
      EXPECT_EQ(is_test_layout(layout, seed, 0.25), bucket < 250000);
      EXPECT_FALSE(is_test_layout(layout, seed, 0.0));
    }
  }
  // The share is close to the fraction, and depends on the seed.
  uint64_t test = 0, differs = 0;
  for (uint64_t layout = 0; layout < 100000; ++layout) {
    test += is_test_layout(layout * 0x9e3779b97f4a7c15ULL, 1, 0.1);
    differs += is_test_layout(layout, 1, 0.5) != is_test_layout(layout, 2, 0.5);
  }
  EXPECT_NEAR(static_cast<double>(test) / 100000.0, 0.1, 0.005);
  EXPECT_GT(differs, 40000u);
}

TEST(DatasetFormat, ShardNames) {
  EXPECT_EQ(shard_file_name(Split::kTrain, 0), "train-00000.jsonl.zst");
  EXPECT_EQ(shard_file_name(Split::kTest, 123456), "test-123456.jsonl.zst");
  EXPECT_EQ(shard_split("test-00042.jsonl.zst"), Split::kTest);
  EXPECT_EQ(shard_split("train-123456.jsonl.zst"), Split::kTrain);
  for (const char* bad : {"../train-00000.jsonl.zst", "train-0000.jsonl.zst", "train-0000x.jsonl.zst",
                          "valid-00000.jsonl.zst", "train-00000.jsonl", "train-00000.jsonl.zst/x"})
    EXPECT_THROW(shard_split(bad), UserError) << bad;
}

TEST(DatasetFormat, ManifestKeysInPinnedOrderAndRoundTrip) {
  Manifest m = header();
  m.train = 5;
  m.test = 2;
  m.shards = {{"train-00000.jsonl.zst", 5, 0x1234}, {"test-00000.jsonl.zst", 2, 0xffffffffffffffffULL}};
  m.trace_lengths = {1, 9, 4.5};
  const auto j = m.to_json();
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"format", "version", "domain", "params", "seed", "deterministic",
                                            "test_fraction", "counts", "vocabulary", "lengths", "shards",
                                            "created_by"}));
  EXPECT_EQ(j["shards"][0].dump(),
            R"({"file":"train-00000.jsonl.zst","records":5,"xxh64":"0000000000001234"})");
  EXPECT_EQ(j["lengths"]["trace"].dump(), R"({"min":1,"mean":4.5,"max":9})");
  EXPECT_EQ(j["created_by"].dump(), R"({"traceplay":"0.0.1","git":"abc"})");

  const Manifest back = Manifest::from_json(nlohmann::json::parse(j.dump()), "m.json");
  EXPECT_EQ(back.to_json(), j);
  EXPECT_EQ(back.identity(), m.identity());
}

TEST(DatasetFormat, ManifestErrorsNameFileAndField) {
  Manifest m = header();
  m.train = 1;
  m.shards = {{"train-00000.jsonl.zst", 1, 1}};
  const nlohmann::json good = nlohmann::json::parse(m.to_json().dump());
  auto error_with = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = good;
    edit(j);
    return error_of([&] { Manifest::from_json(j, "d/manifest.json"); });
  };
  EXPECT_EQ(error_with([](auto& j) { j["counts"].erase("train"); }),
            "d/manifest.json: \"counts.train\" is missing");
  EXPECT_EQ(error_with([](auto& j) { j["format"] = "other"; }),
            "d/manifest.json: \"format\" must be \"traceplay-dataset\"");
  EXPECT_EQ(error_with([](auto& j) { j["test_fraction"] = 1.0; }),
            "d/manifest.json: \"test_fraction\" must be a number in [0, 1)");
  EXPECT_EQ(error_with([](auto& j) { j["counts"]["train"] = 2; }),
            "d/manifest.json: \"counts\" (train 2, test 0) does not match the shards (train 1, test 0)");
  EXPECT_NE(error_with([](auto& j) { j["shards"][0]["file"] = "../x"; }).find("\"shards[0].file\""),
            std::string::npos);
  EXPECT_NE(error_with([](auto& j) { j["shards"][0]["xxh64"] = "12"; }).find("\"shards[0].xxh64\""),
            std::string::npos);
  EXPECT_NE(error_with([](auto& j) { j["vocabulary"][0] = "eos"; }).find("\"vocabulary\""),
            std::string::npos);
  EXPECT_EQ(error_with([](auto& j) { j["lengths"]["plan"].erase("mean"); }),
            "d/manifest.json: \"lengths.plan.mean\" is missing");
}

// A bootstrapped dataset's lineage (models/bootstrap.h): pinned keys after "created_by",
// a round trip, and an identity that tells it from its parent.
TEST(DatasetFormat, LineageKeysRoundTripAndJoinTheIdentity) {
  Manifest parent = header();
  parent.train = 3;
  parent.shards = {{"train-00000.jsonl.zst", 3, 1}};
  Manifest child = parent;
  child.lineage = Manifest::Lineage{parent.identity(), "00000000deadbeef", 1200, 1, 2};
  const auto j = child.to_json();
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(std::vector<std::string>(keys.end() - 6, keys.end()),
            (std::vector<std::string>{"created_by", "parent", "checkpoint", "checkpoint_step", "step",
                                      "replaced"}));
  EXPECT_EQ(nlohmann::json::parse(j["parent"].dump()), parent.identity());
  const Manifest back = Manifest::from_json(nlohmann::json::parse(j.dump()), "m.json");
  ASSERT_TRUE(back.lineage.has_value());
  EXPECT_EQ(back.to_json(), j);
  EXPECT_EQ(back.lineage->replaced, 2u);
  EXPECT_NE(child.identity(), parent.identity());
  EXPECT_EQ(child.identity()["bootstrap"]["step"], 1);
  EXPECT_FALSE(
      Manifest::from_json(nlohmann::json::parse(parent.to_json().dump()), "p.json").lineage.has_value());

  auto error_with = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json bad = nlohmann::json::parse(j.dump());
    edit(bad);
    return error_of([&] { Manifest::from_json(bad, "d/manifest.json"); });
  };
  EXPECT_EQ(error_with([](auto& m) { m["replaced"] = 4; }),
            "d/manifest.json: \"replaced\" (4) exceeds the training records (3)");
  EXPECT_EQ(error_with([](auto& m) { m["step"] = 0; }),
            "d/manifest.json: \"step\" of a bootstrapped dataset must be at least 1");
  EXPECT_NE(error_with([](auto& m) { m["checkpoint"] = "xyz"; }).find("\"checkpoint\""), std::string::npos);
  EXPECT_NE(error_with([](auto& m) { m.erase("parent"); }).find("\"parent\""), std::string::npos);
}

TEST(DatasetFormat, MissingOrMalformedManifestIsNamed) {
  ScratchDir dir;
  EXPECT_NE(error_of([&] { DatasetReader reader(dir.path()); }).find(dir / "manifest.json"),
            std::string::npos);
  write_bytes(dir / "manifest.json", "{\"format\": ");
  const std::string error = error_of([&] { DatasetReader reader(dir.path()); });
  EXPECT_NE(error.find(dir / "manifest.json"), std::string::npos) << error;
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
  // A number beyond double makes nlohmann throw out_of_range, not parse_error: it was
  // uncaught (std::terminate) until the fuzzer found it (fuzz/manifest_fuzz.cpp).
  write_bytes(dir / "manifest.json", "{\"format\": 1e999}");
  const std::string overflow = error_of([&] { DatasetReader reader(dir.path()); });
  EXPECT_NE(overflow.find("not valid JSON"), std::string::npos) << overflow;
}

// Writes records 0..n-1 with 4 records a chunk; returns them.
std::vector<DatasetRecord> write_dataset(const std::string& dir, uint64_t n, uint64_t shard_records = 4) {
  DatasetWriter writer(dir, header(), shard_records);
  std::vector<DatasetRecord> records;
  for (uint64_t i = 0; i < n; ++i) {
    records.push_back(record(i));
    EXPECT_EQ(writer.add(records.back()), (i + 1) % shard_records == 0);
  }
  writer.finish();
  return records;
}

TEST(DatasetFormat, WriteReadRoundTrip) {
  ScratchDir dir;
  const auto records = write_dataset(dir.path(), 30);
  const DatasetReader reader(dir.path());
  reader.verify(true);
  const Manifest& m = reader.manifest();
  EXPECT_EQ(m.train + m.test, 30u);
  EXPECT_GT(m.test, 0u);
  EXPECT_GT(m.train, 0u);

  // Records come back in order, each in the split of its layout.
  std::vector<DatasetRecord> expected[2];
  for (const auto& r : records) expected[is_test_layout(r.layout, 7, 0.3)].push_back(r);
  for (Split split : {Split::kTrain, Split::kTest}) {
    const auto back = reader.read_all(split);
    const auto& want = expected[split == Split::kTest];
    ASSERT_EQ(back.size(), want.size());
    for (size_t i = 0; i < back.size(); ++i) {
      EXPECT_EQ(back[i].id, want[i].id);
      EXPECT_EQ(back[i].layout, want[i].layout);
      EXPECT_EQ(back[i].prompt, want[i].prompt);
      EXPECT_EQ(back[i].trace, want[i].trace);
      EXPECT_EQ(back[i].plan, want[i].plan);
      EXPECT_EQ(back[i].meta, want[i].meta);
    }
  }

  // Chunk c holds records [4c, 4c+4): its shards' counts add up to 4 (2 for the last).
  std::map<std::string, uint64_t> per_chunk;
  for (const auto& s : m.shards) {
    per_chunk[s.file.substr(s.file.find('-') + 1)] += s.records;
    EXPECT_EQ(s.xxh64, xxh64(file_bytes(dir / s.file)));
  }
  ASSERT_EQ(per_chunk.size(), 8u);
  for (const auto& [chunk, n] : per_chunk) EXPECT_EQ(n, chunk == "00007.jsonl.zst" ? 2u : 4u) << chunk;

  // Lengths over all records.
  uint64_t trace_min = 99, trace_max = 0, trace_sum = 0;
  for (const auto& r : records) {
    trace_min = std::min<uint64_t>(trace_min, r.trace.size());
    trace_max = std::max<uint64_t>(trace_max, r.trace.size());
    trace_sum += r.trace.size();
  }
  EXPECT_EQ(m.trace_lengths.min, trace_min);
  EXPECT_EQ(m.trace_lengths.max, trace_max);
  EXPECT_DOUBLE_EQ(m.trace_lengths.mean, static_cast<double>(trace_sum) / 30.0);
}

TEST(DatasetFormat, ReaderNamesTheDamagedShard) {
  ScratchDir dir;
  write_dataset(dir.path(), 30);
  const Manifest m = Manifest::load(dir.path());
  const std::string victim = m.shards[3].file;
  std::string bytes = file_bytes(dir / victim);
  bytes[bytes.size() / 2] ^= 1;
  write_bytes(dir / victim, bytes);
  const DatasetReader reader(dir.path());
  const std::string error = error_of([&] { reader.verify(); });
  EXPECT_NE(error.find(dir / victim), std::string::npos) << error;

  write_bytes(dir / victim, bytes.substr(0, 10));
  EXPECT_NE(error_of([&] { reader.verify(); }).find(dir / victim), std::string::npos);
  std::filesystem::remove(dir / victim);
  EXPECT_NE(error_of([&] { reader.verify(); }).find(dir / victim), std::string::npos);
}

TEST(DatasetFormat, ReaderRejectsIdsOutsideTheVocabulary) {
  ScratchDir dir;
  DatasetWriter writer(dir.path(), header(), 10);
  DatasetRecord r = record(1);
  r.trace = {4};  // the vocabulary has 4 tokens: ids 0..3
  writer.add(r);
  writer.finish();
  const DatasetReader reader(dir.path());
  reader.verify(false);  // the fast check reads no record
  EXPECT_NE(error_of([&] { reader.verify(true); }).find("token id 4 is outside the vocabulary"),
            std::string::npos);
}

TEST(DatasetFormat, RestoreFromCheckpointGivesTheSameBytes) {
  ScratchDir whole, resumed;
  write_dataset(whole.path(), 30);
  nlohmann::json checkpoint;
  {
    DatasetWriter writer(resumed.path(), header(), 4);
    for (uint64_t i = 0; i < 13; ++i)
      if (writer.add(record(i))) checkpoint = writer.checkpoint();
    EXPECT_EQ(writer.finished_records(), 12u);
    writer.abandon_chunk();  // record 12 is dropped with its chunk
    EXPECT_EQ(writer.records(), 12u);
  }
  EXPECT_FALSE(std::filesystem::exists(resumed / "manifest.json"));
  DatasetWriter writer(resumed.path(), header(), 4);
  writer.restore(nlohmann::json::parse(checkpoint.dump()));
  EXPECT_EQ(writer.records(), 12u);
  for (uint64_t i = 12; i < 30; ++i) writer.add(record(i));
  writer.finish();
  EXPECT_EQ(testing::directory_bytes(resumed.path()), testing::directory_bytes(whole.path()));
}

}  // namespace
}  // namespace traceplay
