#include "core/dataset.h"

#include <sys/stat.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "core/atomic_file.h"
#include "core/domain_vocabulary.h"
#include "core/input_file.h"
#include "core/error.h"
#include "core/hash.h"

namespace traceplay {

namespace {

// Field access with errors that name the file and the field (DESIGN.md: one clear
// error naming the file/line/field).
const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where,
                            const std::string& path = "") {
  const std::string name = path.empty() ? key : path + "." + key;
  if (!j.is_object()) throw UserError(where + ": \"" + path + "\" must be an object");
  const auto it = j.find(key);
  if (it == j.end()) throw UserError(where + ": \"" + name + "\" is missing");
  return *it;
}

uint64_t uint_field(const nlohmann::json& j, const char* key, const std::string& where,
                    const std::string& path = "") {
  const auto& v = field(j, key, where, path);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
    throw UserError(where + ": \"" + (path.empty() ? key : path + "." + key) +
                    "\" must be a non-negative integer");
  return v.get<uint64_t>();
}

std::string string_field(const nlohmann::json& j, const char* key, const std::string& where,
                         const std::string& path = "") {
  const auto& v = field(j, key, where, path);
  if (!v.is_string())
    throw UserError(where + ": \"" + (path.empty() ? key : path + "." + key) + "\" must be a string");
  return v.get<std::string>();
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

const char* split_name(Split split) { return split == Split::kTrain ? "train" : "test"; }

Split parse_split(std::string_view name, const std::string& what) {
  if (name == "train") return Split::kTrain;
  if (name == "test") return Split::kTest;
  throw UserError(what + " must be \"train\" or \"test\", got \"" + std::string(name) + "\"");
}

bool is_test_layout(uint64_t layout, uint64_t seed, double test_fraction) {
  // Compared as doubles, exactly as Python's `h % 10**6 < fraction * 10**6` does.
  const uint64_t bucket = xxh64(hex16(layout), seed) % 1000000;
  return static_cast<double>(bucket) < test_fraction * 1e6;
}

std::string shard_file_name(Split split, uint64_t chunk) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%05" PRIu64 ".jsonl.zst", split_name(split), chunk);
  return buf;
}

Split shard_split(const std::string& file_name) {
  // Exactly "<split>-<5 or more digits>.jsonl.zst": no paths, nothing outside the directory.
  const std::string suffix = ".jsonl.zst";
  for (Split split : {Split::kTrain, Split::kTest}) {
    const std::string prefix = std::string(split_name(split)) + "-";
    if (file_name.size() < prefix.size() + 5 + suffix.size()) continue;
    if (file_name.compare(0, prefix.size(), prefix) != 0) continue;
    if (file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const std::string digits =
        file_name.substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
    if (digits.find_first_not_of("0123456789") == std::string::npos) return split;
  }
  throw UserError("\"" + file_name +
                  "\" is not a shard name (train-NNNNN.jsonl.zst or test-NNNNN.jsonl.zst)");
}

// ---------------------------------------------------------------------------------
// LengthStats

void LengthStats::add(uint64_t length) {
  if (count_ == 0 || length < min_) min_ = length;
  if (length > max_) max_ = length;
  sum_ += length;
  ++count_;
}

LengthSummary LengthStats::summary() const {
  LengthSummary s;
  if (count_ == 0) return s;
  s.min = min_;
  s.max = max_;
  s.mean = static_cast<double>(sum_) / static_cast<double>(count_);
  return s;
}

nlohmann::ordered_json LengthSummary::to_json() const {
  nlohmann::ordered_json j;
  j["min"] = min;
  j["mean"] = mean;
  j["max"] = max;
  return j;
}

nlohmann::json LengthStats::state() const {
  return {{"count", count_}, {"sum", sum_}, {"min", min_}, {"max", max_}};
}

LengthStats LengthStats::from_state(const nlohmann::json& j) {
  LengthStats s;
  s.count_ = j.at("count").get<uint64_t>();
  s.sum_ = j.at("sum").get<uint64_t>();
  s.min_ = j.at("min").get<uint64_t>();
  s.max_ = j.at("max").get<uint64_t>();
  return s;
}

// ---------------------------------------------------------------------------------
// Manifest

nlohmann::json Manifest::identity() const {
  nlohmann::json j = {{"domain", domain},
                      {"params", params},
                      {"seed", seed},
                      {"deterministic", deterministic},
                      {"test_fraction", test_fraction}};
  if (lineage)
    j["bootstrap"] = {
        {"parent", lineage->parent}, {"checkpoint", lineage->checkpoint}, {"step", lineage->step}};
  return j;
}

nlohmann::ordered_json Manifest::to_json() const {
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["domain"] = domain;
  j["params"] = params;
  j["seed"] = seed;
  j["deterministic"] = deterministic;
  j["test_fraction"] = test_fraction;
  j["counts"] = {{"train", train}, {"test", test}};
  j["vocabulary"] = vocabulary;
  nlohmann::ordered_json lengths;
  lengths["prompt"] = prompt_lengths.to_json();
  lengths["trace"] = trace_lengths.to_json();
  lengths["plan"] = plan_lengths.to_json();
  j["lengths"] = std::move(lengths);
  nlohmann::ordered_json shard_list = nlohmann::ordered_json::array();
  for (const auto& shard : shards) {
    nlohmann::ordered_json s;
    s["file"] = shard.file;
    s["records"] = shard.records;
    s["xxh64"] = hex16(shard.xxh64);
    shard_list.push_back(std::move(s));
  }
  j["shards"] = std::move(shard_list);
  j["created_by"] = {{"traceplay", traceplay_version}, {"git", git_sha}};
  if (lineage) {
    j["parent"] = lineage->parent;
    j["checkpoint"] = lineage->checkpoint;
    j["checkpoint_step"] = lineage->checkpoint_step;
    j["step"] = lineage->step;
    j["replaced"] = lineage->replaced;
  }
  return j;
}

Manifest Manifest::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw UserError(where + ": a manifest must be a JSON object");
  Manifest m;
  if (string_field(j, "format", where) != kFormat)
    throw UserError(where + ": \"format\" must be \"" + kFormat + "\"");
  if (uint_field(j, "version", where) != static_cast<uint64_t>(kVersion))
    throw UserError(where + ": \"version\" " + field(j, "version", where).dump() +
                    " is not supported (expected " + std::to_string(kVersion) + ")");
  m.domain = string_field(j, "domain", where);
  m.params = field(j, "params", where);
  if (!m.params.is_object()) throw UserError(where + ": \"params\" must be an object");
  m.seed = uint_field(j, "seed", where);
  const auto& det = field(j, "deterministic", where);
  if (!det.is_boolean()) throw UserError(where + ": \"deterministic\" must be true or false");
  m.deterministic = det.get<bool>();
  const auto& fraction = field(j, "test_fraction", where);
  if (!fraction.is_number() || fraction.get<double>() < 0 || fraction.get<double>() >= 1)
    throw UserError(where + ": \"test_fraction\" must be a number in [0, 1)");
  m.test_fraction = fraction.get<double>();
  const auto& counts = field(j, "counts", where);
  m.train = uint_field(counts, "train", where, "counts");
  m.test = uint_field(counts, "test", where, "counts");

  const auto& vocabulary = field(j, "vocabulary", where);
  if (!vocabulary.is_array()) throw UserError(where + ": \"vocabulary\" must be an array of strings");
  for (const auto& token : vocabulary) {
    if (!token.is_string()) throw UserError(where + ": \"vocabulary\" must be an array of strings");
    m.vocabulary.push_back(token.get<std::string>());
  }
  try {
    Vocabulary::from_list(m.vocabulary);
  } catch (const UserError& e) {
    throw UserError(where + ": \"vocabulary\": " + e.what());
  }

  const auto& lengths = field(j, "lengths", where);
  for (auto [key, summary] : {std::pair{"prompt", &m.prompt_lengths}, std::pair{"trace", &m.trace_lengths},
                              std::pair{"plan", &m.plan_lengths}}) {
    const auto& l = field(lengths, key, where, "lengths");
    const std::string path = std::string("lengths.") + key;
    summary->min = uint_field(l, "min", where, path);
    summary->max = uint_field(l, "max", where, path);
    if (summary->max > kMaxRecordTokens)
      throw UserError(where + ": \"" + path + ".max\" is " + std::to_string(summary->max) +
                      ", more than the limit of " + std::to_string(kMaxRecordTokens) + " tokens");
    const auto& mean = field(l, "mean", where, path);
    if (!mean.is_number()) throw UserError(where + ": \"" + path + ".mean\" must be a number");
    summary->mean = mean.get<double>();
  }

  const auto& shards = field(j, "shards", where);
  if (!shards.is_array()) throw UserError(where + ": \"shards\" must be an array");
  uint64_t totals[2] = {0, 0};
  std::set<std::string> names;
  for (size_t i = 0; i < shards.size(); ++i) {
    const std::string path = "shards[" + std::to_string(i) + "]";
    ShardInfo info;
    info.file = string_field(shards[i], "file", where, path);
    Split split;
    try {
      split = shard_split(info.file);
    } catch (const UserError& e) {
      throw UserError(where + ": \"" + path + ".file\": " + e.what());
    }
    if (!names.insert(info.file).second) throw UserError(where + ": shard " + info.file + " is listed twice");
    info.records = uint_field(shards[i], "records", where, path);
    try {
      info.xxh64 = parse_hex16(string_field(shards[i], "xxh64", where, path));
    } catch (const UserError& e) {
      throw UserError(where + ": \"" + path + ".xxh64\": " + e.what());
    }
    totals[split == Split::kTest] += info.records;
    m.shards.push_back(std::move(info));
  }
  if (totals[0] != m.train || totals[1] != m.test)
    throw UserError(where + ": \"counts\" (train " + std::to_string(m.train) + ", test " +
                    std::to_string(m.test) + ") does not match the shards (train " +
                    std::to_string(totals[0]) + ", test " + std::to_string(totals[1]) + ")");
  const auto& created_by = field(j, "created_by", where);
  m.traceplay_version = string_field(created_by, "traceplay", where, "created_by");
  m.git_sha = string_field(created_by, "git", where, "created_by");
  if (j.contains("parent") || j.contains("checkpoint") || j.contains("step") || j.contains("replaced")) {
    Lineage l;
    l.parent = field(j, "parent", where);
    if (!l.parent.is_object())
      throw UserError(where + ": \"parent\" must be an object (the parent dataset's identity)");
    l.checkpoint = string_field(j, "checkpoint", where);
    try {
      parse_hex16(l.checkpoint);
    } catch (const UserError& e) {
      throw UserError(where + ": \"checkpoint\": " + e.what());
    }
    l.checkpoint_step = static_cast<int64_t>(uint_field(j, "checkpoint_step", where));
    l.step = static_cast<int64_t>(uint_field(j, "step", where));
    if (l.step < 1) throw UserError(where + ": \"step\" of a bootstrapped dataset must be at least 1");
    l.replaced = uint_field(j, "replaced", where);
    if (l.replaced > m.train)
      throw UserError(where + ": \"replaced\" (" + std::to_string(l.replaced) +
                      ") exceeds the training records (" + std::to_string(m.train) + ")");
    m.lineage = std::move(l);
  }
  return m;
}

Manifest Manifest::load(const std::string& dir) {
  const std::string path = dir + "/" + kFileName;
  if (!file_exists(path)) throw UserError(path + " is missing: " + dir + " is not a finished dataset");
  const std::string text = read_input_file(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    throw UserError(path + ": not valid JSON (" + e.what() + ")");
  }
  return from_json(j, path);
}

void Manifest::save(const std::string& dir) const {
  write_file_atomic(dir + "/" + kFileName, to_json().dump(2) + "\n");
}

// ---------------------------------------------------------------------------------
// DatasetWriter

DatasetWriter::DatasetWriter(std::string dir, Manifest header, uint64_t shard_records)
    : dir_(std::move(dir)), manifest_(std::move(header)), shard_records_(shard_records) {
  if (shard_records_ == 0) throw UserError("records per shard must be at least 1");
  manifest_.train = manifest_.test = 0;
  manifest_.shards.clear();
  manifest_.prompt_lengths = manifest_.trace_lengths = manifest_.plan_lengths = LengthSummary();
  finished_ = manifest_;
}

DatasetWriter::~DatasetWriter() = default;

bool DatasetWriter::add(const DatasetRecord& record) {
  std::string line;
  append_record_json(line, record);
  return add_line(record.layout, line, record.prompt.size(), record.trace.size(), record.plan.size());
}

bool DatasetWriter::add_line(uint64_t layout, std::string_view line, uint64_t prompt_length,
                             uint64_t trace_length, uint64_t plan_length) {
  // Nothing is written that the reader would refuse (core/shard.h's limits).
  if (std::max({prompt_length, trace_length, plan_length}) > kMaxRecordTokens ||
      line.size() > kMaxRecordLineBytes) {
    const std::string where = dir_ + ": a record of layout " + hex16(layout);
    check_record_lengths(prompt_length, trace_length, plan_length, where);
    throw UserError(where + ": a line of " + std::to_string(line.size()) + " bytes, more than the limit of " +
                    std::to_string(kMaxRecordLineBytes));
  }
  const Split split =
      is_test_layout(layout, manifest_.seed, manifest_.test_fraction) ? Split::kTest : Split::kTrain;
  auto& writer = writers_[split == Split::kTest];
  if (!writer) {
    const std::string name = shard_file_name(split, records_ / shard_records_);
    writer = std::make_unique<ShardWriter>(dir_ + "/" + name, name);
  }
  writer->add_line(line);
  (split == Split::kTest ? manifest_.test : manifest_.train) += 1;
  lengths_[0].add(prompt_length);
  lengths_[1].add(trace_length);
  lengths_[2].add(plan_length);
  ++records_;
  if (records_ % shard_records_ != 0) return false;
  finish_chunk();
  return true;
}

void DatasetWriter::finish_chunk() {
  for (auto& writer : writers_) {
    if (!writer) continue;
    manifest_.shards.push_back(writer->finish());
    writer.reset();
  }
  manifest_.prompt_lengths = lengths_[0].summary();
  manifest_.trace_lengths = lengths_[1].summary();
  manifest_.plan_lengths = lengths_[2].summary();
  finished_ = manifest_;
  for (int i = 0; i < 3; ++i) finished_lengths_[i] = lengths_[i];
  finished_records_ = records_;
}

nlohmann::json DatasetWriter::checkpoint() const {
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& s : finished_.shards)
    shards.push_back({{"file", s.file}, {"records", s.records}, {"xxh64", hex16(s.xxh64)}});
  return {{"records", finished_records_},
          {"train", finished_.train},
          {"test", finished_.test},
          {"shards", shards},
          {"lengths",
           {{"prompt", finished_lengths_[0].state()},
            {"trace", finished_lengths_[1].state()},
            {"plan", finished_lengths_[2].state()}}}};
}

void DatasetWriter::restore(const nlohmann::json& checkpoint) {
  abandon_chunk();
  Manifest m = finished_;
  m.train = checkpoint.at("train").get<uint64_t>();
  m.test = checkpoint.at("test").get<uint64_t>();
  m.shards.clear();
  for (const auto& s : checkpoint.at("shards"))
    m.shards.push_back({s.at("file").get<std::string>(), s.at("records").get<uint64_t>(),
                        parse_hex16(s.at("xxh64").get<std::string>())});
  const auto& lengths = checkpoint.at("lengths");
  const char* keys[3] = {"prompt", "trace", "plan"};
  for (int i = 0; i < 3; ++i)
    lengths_[i] = finished_lengths_[i] = LengthStats::from_state(lengths.at(keys[i]));
  m.prompt_lengths = lengths_[0].summary();
  m.trace_lengths = lengths_[1].summary();
  m.plan_lengths = lengths_[2].summary();
  manifest_ = finished_ = std::move(m);
  records_ = finished_records_ = checkpoint.at("records").get<uint64_t>();
}

void DatasetWriter::abandon_chunk() {
  for (auto& writer : writers_) writer.reset();  // the temporary file goes with it
  manifest_ = finished_;
  for (int i = 0; i < 3; ++i) lengths_[i] = finished_lengths_[i];
  records_ = finished_records_;
}

const Manifest& DatasetWriter::finish() {
  finish_chunk();
  manifest_.save(dir_);
  return manifest_;
}

// ---------------------------------------------------------------------------------
// DatasetReader

DatasetReader::DatasetReader(std::string dir) : dir_(std::move(dir)), manifest_(Manifest::load(dir_)) {
  check_domain_vocabulary(manifest_, dir_ + "/" + Manifest::kFileName);
  vocabulary_ = Vocabulary::from_list(manifest_.vocabulary);
}

void DatasetReader::verify(bool records) const {
  const auto vocabulary_size = static_cast<int32_t>(vocabulary_.size());
  for (const auto& shard : manifest_.shards) {
    ShardReader reader(path(shard), &shard);
    if (!records) {
      std::string_view line;
      while (reader.next_line(line)) {
      }
      continue;
    }
    DatasetRecord record;
    while (reader.next(record)) {
      for (const auto* ids : {&record.prompt, &record.trace, &record.plan})
        for (int32_t id : *ids)
          if (id >= vocabulary_size)
            throw UserError("shard " + path(shard) + ", record " + std::to_string(reader.lines_read()) +
                            ": token id " + std::to_string(id) + " is outside the vocabulary (size " +
                            std::to_string(vocabulary_size) + ")");
    }
  }
}

void DatasetReader::for_each(Split split, const std::function<bool(const DatasetRecord&)>& fn) const {
  for (const auto& shard : manifest_.shards) {
    if (shard_split(shard.file) != split) continue;
    ShardReader reader(path(shard), &shard);
    DatasetRecord record;
    while (reader.next(record))
      if (!fn(record)) return;
  }
}

std::vector<DatasetRecord> DatasetReader::read_all(Split split) const {
  std::vector<DatasetRecord> out;
  for_each(split, [&](const DatasetRecord& r) {
    out.push_back(r);
    return true;
  });
  return out;
}

}  // namespace traceplay
