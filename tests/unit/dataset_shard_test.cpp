// Shards: the pinned line format, round trips, and every kind of damage detected and
// reported with the file's name.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "core/hash.h"
#include "core/rng.h"
#include "core/shard.h"
#include "dataset_test_util.h"

namespace traceplay {
namespace {

using testing::error_of;
using testing::file_bytes;
using testing::ScratchDir;
using testing::write_bytes;

DatasetRecord sample_record(uint64_t n, size_t trace_length) {
  Rng rng(n);
  DatasetRecord r;
  r.id = rng.next();
  r.layout = rng.next() >> (n % 64);  // some with leading zero digits
  for (size_t i = 0; i < 5 + n % 3; ++i) r.prompt.push_back(static_cast<int32_t>(rng.below(1000)));
  for (size_t i = 0; i < trace_length; ++i) r.trace.push_back(static_cast<int32_t>(rng.below(100000)));
  for (size_t i = 0; i < n % 4; ++i) r.plan.push_back(static_cast<int32_t>(rng.below(50)));
  r.meta = {{"n", n}, {"name", "x\"y"}};
  return r;
}

void expect_same(const DatasetRecord& a, const DatasetRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.layout, b.layout);
  EXPECT_EQ(a.prompt, b.prompt);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.plan, b.plan);
  EXPECT_EQ(a.meta, b.meta);
}

// Writes `n` records to dir/name and returns its ShardInfo.
ShardInfo write_shard(const std::string& path, uint64_t n, size_t trace_length = 50) {
  ShardWriter writer(path, std::filesystem::path(path).filename().string());
  for (uint64_t i = 0; i < n; ++i) writer.add(sample_record(i, trace_length));
  return writer.finish();
}

TEST(DatasetShard, LineFormatIsPinned) {
  DatasetRecord r;
  r.id = 0xff;
  r.layout = 0x0123456789abcdefULL;
  r.prompt = {0, 1, 2147483647};
  r.plan = {5};
  r.meta = {{"width", 3}, {"height", 4}};
  std::string line;
  append_record_json(line, r);
  EXPECT_EQ(line,
            R"({"id":"00000000000000ff","layout":"0123456789abcdef","prompt":[0,1,2147483647],"trace":[],)"
            R"("plan":[5],"meta":{"height":4,"width":3}})");
  expect_same(parse_record_json(line, "here"), r);
}

TEST(DatasetShard, OtherValidJsonSpellingsParseTheSame) {
  // The reader's fast path takes the writer's exact spelling; anything else valid
  // (spaces, key order, escapes) goes through the general parser to the same record.
  const DatasetRecord want = parse_record_json(
      R"({"id":"00000000000000ff","layout":"0123456789abcdef","prompt":[0,12],"trace":[3],"plan":[],"meta":{"w":3}})",
      "a");
  EXPECT_EQ(want.prompt, (std::vector<int32_t>{0, 12}));
  for (
      const char* line :
      {R"({"layout": "0123456789abcdef", "id": "00000000000000ff", "prompt": [0, 12], "trace": [3], "plan": [], "meta": {"w": 3}})",
       R"({"id":"00000000000000ff","layout":"0123456789abcdef","prompt":[0,12],"trace":[3],"plan":[],"meta":{"w":3} })",
       R"({"id":"00000000000000ff","layout":"0123456789abcdef","prompt":[0,12],"trace":[3],"plan":[],"meta":{"\u0077":3}})"}) {
    const DatasetRecord got = parse_record_json(line, "b");
    expect_same(got, want);
  }
  EXPECT_THROW(
      parse_record_json(
          R"({"id":"00000000000000ff","layout":"0123456789abcdef","prompt":[01],"trace":[],"plan":[],"meta":{}})",
          "c"),
      UserError);
  EXPECT_THROW(
      parse_record_json(
          R"({"id":"00000000000000ff","layout":"0123456789abcdef","prompt":[2147483648],"trace":[],"plan":[],"meta":{}})",
          "c"),
      UserError);
  EXPECT_THROW(
      parse_record_json(
          R"({"id":"00000000000000ff","layout":"0123456789abcdef","prompt":[],"trace":[],"plan":[],"meta":{}} x})",
          "c"),
      UserError);
}

TEST(DatasetShard, RoundTripSmallAndStreamed) {
  ScratchDir dir;
  // 150 records of 8000 ids: several MiB uncompressed, so both sides stream in pieces.
  for (auto [n, trace] : {std::pair<uint64_t, size_t>{0, 0}, {3, 5}, {150, 8000}}) {
    const std::string path = dir / ("train-0000" + std::to_string(n % 10) + ".jsonl.zst");
    const ShardInfo info = write_shard(path, n, trace);
    EXPECT_EQ(info.records, n);
    EXPECT_EQ(info.xxh64, xxh64(file_bytes(path))) << "xxh64 is of the file's bytes";
    const auto records = read_shard(path, &info);
    ASSERT_EQ(records.size(), n);
    for (uint64_t i = 0; i < n; ++i) expect_same(records[i], sample_record(i, trace));
  }
}

TEST(DatasetShard, SameRecordsSameBytes) {
  ScratchDir dir;
  const ShardInfo a = write_shard(dir / "a", 300, 3000);
  const ShardInfo b = write_shard(dir / "b", 300, 3000);
  EXPECT_EQ(a.xxh64, b.xxh64);
  EXPECT_EQ(file_bytes(dir / "a"), file_bytes(dir / "b"));
}

TEST(DatasetShard, UnfinishedWriterLeavesNothing) {
  ScratchDir dir;
  {
    ShardWriter writer(dir / "train-00000.jsonl.zst", "train-00000.jsonl.zst");
    writer.add(sample_record(1, 10));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(DatasetShard, CorruptByteIsNamed) {
  ScratchDir dir;
  const std::string path = dir / "train-00000.jsonl.zst";
  const ShardInfo info = write_shard(path, 50);
  std::string bytes = file_bytes(path);
  bytes[bytes.size() / 2] ^= 0x40;
  write_bytes(path, bytes);
  const std::string with_manifest = error_of([&] { read_shard(path, &info); });
  EXPECT_NE(with_manifest.find(path), std::string::npos) << with_manifest;
  EXPECT_NE(with_manifest.find("corrupt"), std::string::npos) << with_manifest;
  // Without the manifest's checksum zstd's own frame checksum still catches it.
  const std::string without = error_of([&] { read_shard(path); });
  EXPECT_NE(without.find(path), std::string::npos) << without;
}

TEST(DatasetShard, TruncationIsNamed) {
  ScratchDir dir;
  const std::string path = dir / "test-00003.jsonl.zst";
  const ShardInfo info = write_shard(path, 200, 500);
  const std::string bytes = file_bytes(path);
  write_bytes(path, bytes.substr(0, bytes.size() - 100));
  const std::string with_manifest = error_of([&] { read_shard(path, &info); });
  EXPECT_NE(with_manifest.find(path), std::string::npos) << with_manifest;
  const std::string without = error_of([&] { read_shard(path); });
  EXPECT_NE(without.find(path), std::string::npos) << without;
  EXPECT_NE(without.find("truncated"), std::string::npos) << without;
}

TEST(DatasetShard, WrongRecordCountIsNamed) {
  ScratchDir dir;
  const std::string path = dir / "train-00001.jsonl.zst";
  ShardInfo info = write_shard(path, 20);
  info.records = 21;
  const std::string error = error_of([&] { read_shard(path, &info); });
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("holds 20 records, the manifest says 21"), std::string::npos) << error;
}

TEST(DatasetShard, BytesAfterTheFrameAreRejected) {
  ScratchDir dir;
  const std::string path = dir / "train-00000.jsonl.zst";
  write_shard(path, 3);
  write_bytes(path, file_bytes(path) + file_bytes(path));
  EXPECT_NE(error_of([&] { read_shard(path); }).find("after the end of its zstd frame"), std::string::npos);
}

TEST(DatasetShard, MalformedLinesAreRejectedWithTheirPlace) {
  // Found by fuzz/shard_line_fuzz.cpp: a number beyond double (nlohmann's out_of_range,
  // not parse_error) ended the program instead of naming the line.
  EXPECT_NE(error_of([] { parse_record_json("2e308[]", "g, record 1"); }).find("g, record 1: not valid JSON"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse_record_json(R"({"id":"0000000000000001","meta":{"x":1e999}})", "h");
            }).find("h: not valid JSON"),
            std::string::npos);
  EXPECT_NE(
      error_of([] { parse_record_json("{", "f.zst, record 3"); }).find("f.zst, record 3: not valid JSON"),
      std::string::npos);
  EXPECT_EQ(error_of([] { parse_record_json(R"({"layout":"0000000000000000"})", "w"); }),
            "w: \"id\" must be 16 hex digits");
  EXPECT_NE(error_of([] {
              parse_record_json(R"({"id":"00000000000000zz","layout":"0000000000000000"})", "w");
            }).find("w: \"id\""),
            std::string::npos);
  EXPECT_EQ(
      error_of([] {
        parse_record_json(
            R"({"id":"0000000000000000","layout":"0000000000000000","prompt":[-1],"trace":[],"plan":[],"meta":{}})",
            "w");
      }),
      "w: \"prompt\" holds -1, not a token id");
  EXPECT_EQ(
      error_of([] {
        parse_record_json(
            R"({"id":"0000000000000000","layout":"0000000000000000","prompt":[],"trace":[],"plan":[],"meta":3})",
            "w");
      }),
      "w: \"meta\" must be an object");
}

// A zstd bomb (64 MiB of one line compress to a few KB): the reader stops at the line
// limit instead of holding the whole line (DESIGN.md, "Limits on untrusted input").
TEST(DatasetShard, ALineOverTheLimitIsRefusedWithoutHoldingIt) {
  ScratchDir dir;
  const std::string path = dir / "train-00000.jsonl.zst";
  {
    ShardWriter writer(path, "train-00000.jsonl.zst");
    writer.add(sample_record(1, 3));
    writer.add_line(std::string(kMaxRecordLineBytes + 1, 'x'));
    writer.finish();
  }
  EXPECT_LT(file_bytes(path).size(), size_t{1} << 20);
  const std::string error = error_of([&] { read_shard(path); });
  EXPECT_NE(error.find(path + ", record 2: a line longer than the limit of 67108864 bytes"),
            std::string::npos)
      << error;
}

TEST(DatasetShard, RecordsOverTheTokenLimitAreRefused) {
  EXPECT_NO_THROW(check_record_lengths(kMaxRecordTokens, kMaxRecordTokens, kMaxRecordTokens, "w"));
  EXPECT_EQ(error_of([] { check_record_lengths(1, kMaxRecordTokens + 1, 1, "w"); }),
            "w: a trace of 16777217 tokens, more than the limit of 16777216");
  // Through the parser: a line of 4,194,305 trace ids.
  std::string line = R"({"id":"0000000000000000","layout":"0000000000000000","prompt":[],"trace":[0)";
  for (uint64_t i = 0; i < kMaxRecordTokens; ++i) line += ",0";
  line += R"(],"plan":[],"meta":{}})";
  EXPECT_EQ(error_of([&] { parse_record_json(line, "f, record 1"); }),
            "f, record 1: a trace of 16777217 tokens, more than the limit of 16777216");
}

TEST(DatasetShard, MissingFileIsNamed) {
  const std::string error = error_of([] { read_shard("/nonexistent/train-00000.jsonl.zst"); });
  EXPECT_NE(error.find("/nonexistent/train-00000.jsonl.zst"), std::string::npos) << error;
}

}  // namespace
}  // namespace traceplay
