// The generation pipeline: same bytes for any thread count, duplicate ids dropped,
// exact counts, interruption and resume, no-op / refuse / force on re-runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/dataset_builder.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/signals.h"
#include "dataset_test_util.h"
#include "search/maze_source.h"

namespace traceplay {
namespace {

using testing::directory_bytes;
using testing::FakeSource;
using testing::ScratchDir;

BuildOptions options(uint64_t count, int threads, uint64_t shard_records = 50) {
  BuildOptions o;
  o.count = count;
  o.seed = 11;
  o.threads = threads;
  o.shard_records = shard_records;
  o.progress = false;
  return o;
}

std::vector<DatasetRecord> all_records(const std::string& dir) {
  const DatasetReader reader(dir);
  reader.verify(true);
  auto records = reader.read_all(Split::kTrain);
  for (auto& r : reader.read_all(Split::kTest)) records.push_back(std::move(r));
  return records;
}

// The ids a FakeSource dataset must hold, by hand: layouts in order, the first
// occurrence of each id kept, stopping at `count` records or after `layouts` layouts.
std::vector<uint64_t> fake_ids(uint64_t distinct, uint64_t layouts, uint64_t count) {
  std::vector<uint64_t> ids;
  std::set<uint64_t> seen;
  for (uint64_t k = 0; k < layouts && ids.size() < count; ++k)
    for (uint64_t i = 0; i < k % 4 && ids.size() < count; ++i)
      if (seen.insert((k + i) % distinct).second) ids.push_back((k + i) % distinct);
  return ids;
}

TEST(DatasetBuilder, MazeDatasetIsTheSameForAnyThreadCount) {
  search::MazeSourceParams params;
  params.width = 7;
  params.height = 6;
  const auto source = search::make_maze_source(params);
  ScratchDir one, two, three;
  const auto r1 = build_dataset(*source, options(400, 1), one.path());
  build_dataset(*source, options(400, 2), two.path());
  build_dataset(*source, options(400, 3), three.path());
  EXPECT_EQ(r1.status, BuildStatus::kBuilt);
  EXPECT_EQ(r1.manifest.train + r1.manifest.test, 400u);
  EXPECT_EQ(r1.manifest.shards.size() > 8, true);
  const auto bytes = directory_bytes(one.path());
  EXPECT_EQ(directory_bytes(two.path()), bytes);
  EXPECT_EQ(directory_bytes(three.path()), bytes);
  EXPECT_EQ(bytes.count(".gen-state.json"), 0u) << "the state file goes once the dataset is done";

  // The records are the source's, ids and layouts as the source made them, layouts in one split.
  std::map<uint64_t, bool> layout_split;
  std::set<uint64_t> ids;
  const DatasetReader reader(one.path());
  for (Split split : {Split::kTrain, Split::kTest})
    for (const auto& r : reader.read_all(split)) {
      EXPECT_TRUE(ids.insert(r.id).second);
      EXPECT_EQ(r.id, hash_tokens(reader.vocabulary().decode(r.prompt)));
      EXPECT_EQ(is_test_layout(r.layout, 11, 0.1), split == Split::kTest);
      EXPECT_EQ(layout_split.emplace(r.layout, split == Split::kTest).first->second, split == Split::kTest);
    }
}

TEST(DatasetBuilder, DuplicateIdsAreDroppedAndTheCountIsExact) {
  FakeSource source;
  source.distinct = 40;  // ids repeat quickly across layouts
  ScratchDir dir;
  const auto result = build_dataset(source, options(35, 2, 10), dir.path());
  const auto records = all_records(dir.path());
  ASSERT_EQ(records.size(), 35u);

  const auto expected = fake_ids(40, UINT64_MAX, 35);
  std::set<uint64_t> got;
  for (const auto& r : records) got.insert(r.id);
  EXPECT_EQ(got.size(), 35u) << "no duplicate id";
  EXPECT_EQ(got, std::set<uint64_t>(expected.begin(), expected.end()));
  EXPECT_EQ(result.manifest.params["count"], 35);
  EXPECT_EQ(result.manifest.params["distinct"], 40);
}

TEST(DatasetBuilder, AFiniteSourceStopsEarly) {
  FakeSource source;
  source.layouts = 9;  // layouts 0..8: ids 1 | 2 3 | 3 4 5 | 5 | 6 7 | 7 8 9: 9 distinct
  ScratchDir dir;
  const auto result = build_dataset(source, options(100, 2), dir.path());
  EXPECT_EQ(result.status, BuildStatus::kBuilt);
  EXPECT_EQ(fake_ids(1000, 9, 100).size(), 9u);
  EXPECT_EQ(result.manifest.train + result.manifest.test, 9u);
  EXPECT_EQ(all_records(dir.path()).size(), 9u);
}

TEST(DatasetBuilder, InterruptedBuildResumesToTheSameBytes) {
  FakeSource whole_source;
  ScratchDir whole;
  build_dataset(whole_source, options(300, 2, 40), whole.path());

  FakeSource source;
  source.interrupt_at = 150;  // the worker making layout 150 raises SIGINT
  ScratchDir dir;
  const auto stopped = build_dataset(source, options(300, 2, 40), dir.path());
  EXPECT_EQ(stopped.status, BuildStatus::kInterrupted);
  EXPECT_EQ(stopped.exit_code, 130);
  EXPECT_FALSE(std::filesystem::exists(dir / "manifest.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / ".gen-state.json"));
  EXPECT_GT(stopped.manifest.train + stopped.manifest.test, 0u);
  EXPECT_EQ((stopped.manifest.train + stopped.manifest.test) % 40, 0u) << "only finished chunks are kept";
  for (const auto& [name, bytes] : directory_bytes(dir.path()))
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
  clear_stop_signal();

  source.interrupt_at = UINT64_MAX;
  const auto resumed = build_dataset(source, options(300, 1, 40), dir.path());
  EXPECT_EQ(resumed.status, BuildStatus::kBuilt);
  EXPECT_EQ(resumed.resumed_from, stopped.manifest.train + stopped.manifest.test);
  EXPECT_EQ(directory_bytes(dir.path()), directory_bytes(whole.path()));
}

TEST(DatasetBuilder, ReRunsAreNoOpsRefusalsOrForced) {
  FakeSource source;
  ScratchDir dir;
  build_dataset(source, options(60, 2), dir.path());
  const auto bytes = directory_bytes(dir.path());

  const auto again = build_dataset(source, options(60, 1), dir.path());
  EXPECT_EQ(again.status, BuildStatus::kAlreadyDone);
  EXPECT_EQ(again.manifest.train + again.manifest.test, 60u);
  EXPECT_EQ(directory_bytes(dir.path()), bytes);

  auto other = options(60, 1);
  other.seed = 12;
  try {
    build_dataset(source, other, dir.path());
    ADD_FAILURE() << "other parameters were not refused";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("seed 11 (asked 12)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_EQ(directory_bytes(dir.path()), bytes);

  other.force = true;
  const auto forced = build_dataset(source, other, dir.path());
  EXPECT_EQ(forced.status, BuildStatus::kBuilt);
  EXPECT_EQ(Manifest::load(dir.path()).seed, 12u);
}

TEST(DatasetBuilder, ForeignDirectoriesAreRefusedAndTemporariesCleaned) {
  FakeSource source;
  ScratchDir dir;
  testing::write_bytes(dir / "notes.txt", "mine");
  EXPECT_THROW(build_dataset(source, options(10, 1), dir.path()), UserError);
  EXPECT_EQ(directory_bytes(dir.path()).size(), 1u);

  ScratchDir killed;
  testing::write_bytes(killed / "train-00000.jsonl.zst.tmp-99999", "half");
  testing::write_bytes(killed / "manifest.json.tmp-12", "{");
  build_dataset(source, options(10, 1), killed.path());
  for (const auto& [name, bytes] : directory_bytes(killed.path()))
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
}

TEST(DatasetBuilder, WorkerFailuresReachTheCaller) {
  FakeSource source;
  source.throw_at = 20;
  ScratchDir dir;
  EXPECT_THROW(build_dataset(source, options(1000, 2), dir.path()), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir / "manifest.json"));
}

TEST(DatasetBuilder, BadOptionsTouchNothing) {
  FakeSource source;
  ScratchDir dir;
  const std::string out = dir / "never";
  auto o = options(0, 1);
  EXPECT_THROW(build_dataset(source, o, out), UserError);
  o = options(10, 1);
  o.test_fraction = 1.0;
  EXPECT_THROW(build_dataset(source, o, out), UserError);
  o = options(10, 0);
  EXPECT_THROW(build_dataset(source, o, out), UserError);
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace traceplay
