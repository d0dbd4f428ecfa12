// A dataset directory (DESIGN.md, "Data", pinned): shards train-NNNNN.jsonl.zst /
// test-NNNNN.jsonl.zst (core/shard.h) and manifest.json, written last, whose presence
// means the dataset is finished. Manifest = the typed manifest; DatasetWriter fills
// shards chunk by chunk; DatasetReader loads a manifest and checks the shards against it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/shard.h"
#include "core/vocabulary.h"

namespace traceplay {

enum class Split { kTrain, kTest };
const char* split_name(Split split);  // "train", "test"
// "train" / "test"; throws UserError naming `what` otherwise.
Split parse_split(std::string_view name, const std::string& what);

// The pinned split rule: a record goes to test when XXH64(layout hex, seed) mod 10^6 <
// fraction x 10^6, so equal layouts share a split wherever they come from.
bool is_test_layout(uint64_t layout, uint64_t seed, double test_fraction);

// "train-00012.jsonl.zst": the shard of `split` in chunk `chunk`.
std::string shard_file_name(Split split, uint64_t chunk);
// The split a shard file name belongs to; throws UserError for any other name.
Split shard_split(const std::string& file_name);

// min / mean / max of a token count over records (0s for no records): the manifest's
// "lengths" entries.
struct LengthSummary {
  uint64_t min = 0, max = 0;
  double mean = 0;
  nlohmann::ordered_json to_json() const;  // {"min","mean","max"}
};

// Accumulates a LengthSummary; its exact state (count, sum) survives a resumed build.
class LengthStats {
 public:
  void add(uint64_t length);
  uint64_t count() const { return count_; }
  LengthSummary summary() const;
  nlohmann::json state() const;
  static LengthStats from_state(const nlohmann::json& j);

 private:
  uint64_t count_ = 0, sum_ = 0, min_ = 0, max_ = 0;
};

struct Manifest {
  static constexpr const char* kFileName = "manifest.json";
  static constexpr const char* kFormat = "traceplay-dataset";
  static constexpr int kVersion = 1;

  std::string domain;
  nlohmann::json params = nlohmann::json::object();
  uint64_t seed = 0;
  bool deterministic = true;
  double test_fraction = 0.1;
  uint64_t train = 0, test = 0;  // "counts"
  std::vector<std::string> vocabulary;
  LengthSummary prompt_lengths, trace_lengths, plan_lengths;
  std::vector<ShardInfo> shards;
  std::string traceplay_version, git_sha;  // "created_by"

  // A bootstrapped dataset's lineage (DESIGN.md, "Bootstrapping", pinned keys after
  // "created_by"): the dataset whose training traces it replaced, the checkpoint whose
  // samples replaced them, and how many were replaced. Absent in datasets made by `gen`.
  struct Lineage {
    nlohmann::json parent;        // "parent": the parent dataset's identity()
    std::string checkpoint;       // "checkpoint": XXH64 of the sampling model's model.safetensors (16 hex)
    int64_t checkpoint_step = 0;  // "checkpoint_step": that model's training step
    int64_t step = 0;             // "step": the bootstrapping step (1 + the parent's; A*'s data is step 0)
    uint64_t replaced = 0;        // "replaced": training traces replaced by a model's
  };
  std::optional<Lineage> lineage;

  // What makes two datasets "the same parameters": domain, params, seed,
  // deterministic, test_fraction (not counts, shards or created_by), and for a
  // bootstrapped dataset its parent, checkpoint and step.
  nlohmann::json identity() const;

  // The pinned JSON, keys in the documented order.
  nlohmann::ordered_json to_json() const;
  // Validates every field; errors name `where` (the file) and the field.
  static Manifest from_json(const nlohmann::json& j, const std::string& where);
  // DIR/manifest.json; throws UserError naming the file when missing or malformed.
  static Manifest load(const std::string& dir);
  // Written atomically (temporary + rename).
  void save(const std::string& dir) const;
};

// Fills the shards of a dataset. Record r (counted over the whole dataset, train and
// test together) belongs to chunk r / shard_records; chunk c is written to
// train-c and test-c (a split with no record in the chunk gets no file). So shard
// boundaries depend only on the records, never on threads or timing.
class DatasetWriter {
 public:
  // `header`: the manifest's fixed fields (domain, params, seed, deterministic,
  // test_fraction, vocabulary, created_by). `dir` must exist.
  DatasetWriter(std::string dir, Manifest header, uint64_t shard_records);
  ~DatasetWriter();

  // Appends a record (split by its layout). Returns true when it completed a chunk,
  // whose shards are then committed.
  bool add(const DatasetRecord& record);
  // The same for a record already serialized by append_record_json.
  bool add_line(uint64_t layout, std::string_view line, uint64_t prompt_length, uint64_t trace_length,
                uint64_t plan_length);

  uint64_t records() const { return records_; }
  // Records in finished chunks (what a resume would keep).
  uint64_t finished_records() const { return finished_records_; }
  const Manifest& manifest() const { return manifest_; }

  // The finished chunks as JSON (shards, counts, exact length sums) and the way back:
  // restore() continues after them, dropping any unfinished chunk.
  nlohmann::json checkpoint() const;
  void restore(const nlohmann::json& checkpoint);

  // Drops the unfinished chunk (its temporary files are removed).
  void abandon_chunk();
  // Commits the last chunk and writes manifest.json; returns the manifest.
  const Manifest& finish();

 private:
  void finish_chunk();

  std::string dir_;
  Manifest manifest_;
  Manifest finished_;                             // counts and shards as of the last finished chunk
  LengthStats lengths_[3], finished_lengths_[3];  // prompt, trace, plan
  uint64_t shard_records_;
  uint64_t records_ = 0, finished_records_ = 0;
  std::unique_ptr<ShardWriter> writers_[2];
};

// A finished dataset: the manifest, its vocabulary (checked against its domain's,
// core/domain_vocabulary.h), and its shards checked against it.
class DatasetReader {
 public:
  explicit DatasetReader(std::string dir);

  const std::string& dir() const { return dir_; }
  const Manifest& manifest() const { return manifest_; }
  const Vocabulary& vocabulary() const { return vocabulary_; }
  std::string path(const ShardInfo& shard) const { return dir_ + "/" + shard.file; }

  // Checks every shard's xxh64, zstd stream and record count (and with `records`,
  // parses every record and checks its token ids); throws UserError naming the first
  // bad shard.
  void verify(bool records = false) const;
  // Calls `fn` for the records of `split` in order (each shard verified as it is
  // opened) until it returns false.
  void for_each(Split split, const std::function<bool(const DatasetRecord&)>& fn) const;
  std::vector<DatasetRecord> read_all(Split split) const;

 private:
  std::string dir_;
  Manifest manifest_;
  Vocabulary vocabulary_;
};

}  // namespace traceplay
