#include "core/dataset_builder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/progress.h"
#include "core/signals.h"
#include "core/version.h"

namespace traceplay {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = ".gen-state.json";
constexpr const char* kStateFormat = "traceplay-gen-state";

// ---------------------------------------------------------------------------------
// The output directory

// Files a dataset build writes (and --force may delete): the manifest, the state,
// shards, and the temporaries of any of them ("NAME.tmp-PID").
bool is_dataset_file(const std::string& name) {
  std::string base = name;
  const size_t tmp = name.rfind(".tmp-");
  if (tmp != std::string::npos && tmp + 5 < name.size() &&
      name.find_first_not_of("0123456789", tmp + 5) == std::string::npos)
    base = name.substr(0, tmp);
  if (base == Manifest::kFileName || base == kStateFile) return true;
  // A distributed build's spool and its local actors' outboxes (apps/distributed_gen.h).
  if (name == kSpoolDirName || name == kLocalActorsDirName) return true;
  try {
    shard_split(base);
    return true;
  } catch (const UserError&) {
    return false;
  }
}

bool is_temporary(const std::string& name) {
  return is_dataset_file(name) && name.rfind(".tmp-") != std::string::npos;
}

// Holds an exclusive flock on the directory while the build runs: two gens writing one
// directory would overwrite each other's shards.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY)) {
    if (fd_ < 0) throw UserError("cannot open " + dir);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw UserError("another traceplay gen is writing " + dir);
    }
  }
  ~DirectoryLock() { ::close(fd_); }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};

// "seed 1 (asked 2), params.count 100 (asked 200)": what differs between two identities.
std::string describe_difference(const nlohmann::json& found, const nlohmann::json& asked) {
  std::string out;
  auto add = [&](const std::string& key, const nlohmann::json& a, const nlohmann::json& b) {
    if (a == b) return;
    if (!out.empty()) out += ", ";
    out += key + " " + (a.is_null() ? std::string("unset") : a.dump()) + " (asked " +
           (b.is_null() ? std::string("unset") : b.dump()) + ")";
  };
  for (const auto& [key, value] : asked.items()) {
    if (key == "params" && value.is_object() && found.contains(key) && found[key].is_object()) {
      std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> params;
      for (const auto& [k, v] : found[key].items()) params[k].first = v;
      for (const auto& [k, v] : value.items()) params[k].second = v;
      for (const auto& [k, v] : params) add("params." + k, v.first, v.second);
    } else {
      add(key, found.contains(key) ? found[key] : nlohmann::json(), value);
    }
  }
  return out.empty() ? "unreadable parameters" : out;
}

void remove_dataset_files(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (is_dataset_file(entry.path().filename().string())) fs::remove_all(entry.path());
}

void remove_temporaries(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (is_temporary(entry.path().filename().string())) fs::remove(entry.path());
}

std::optional<nlohmann::json> read_json_file(const std::string& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void write_state(const std::string& dir, const nlohmann::json& identity, uint64_t next_layout,
                 uint64_t offset, const nlohmann::json& checkpoint) {
  const nlohmann::json state = {{"format", kStateFormat},
                                {"identity", identity},
                                {"next_layout", next_layout},
                                {"offset", offset},
                                {"writer", checkpoint}};
  write_file_atomic(dir + "/" + kStateFile, state.dump() + "\n");
}

// The seen ids of a resumed build: every id in the finished shards, each shard
// checked against the xxh64 the state recorded.
std::unordered_set<uint64_t> read_ids(const std::string& dir, const Manifest& finished) {
  std::unordered_set<uint64_t> ids;
  for (const auto& shard : finished.shards) {
    ShardReader reader(dir + "/" + shard.file, &shard);
    std::string_view line;
    while (reader.next_line(line)) {
      // Our own lines, checksum verified: the id is the first field.
      static constexpr std::string_view kPrefix = "{\"id\":\"";
      if (line.substr(0, kPrefix.size()) != kPrefix || line.size() < kPrefix.size() + 16)
        throw UserError("shard " + reader.path() + " is not a traceplay shard");
      ids.insert(parse_hex16(line.substr(kPrefix.size(), 16)));
    }
  }
  return ids;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Creates `dir` when it is missing; returns whether it existed (a directory).
bool create_directory(const std::string& dir) {
  std::error_code ec;
  const bool exists = fs::exists(dir, ec);
  if (exists && !fs::is_directory(dir, ec)) throw UserError(dir + " exists and is not a directory");
  if (!exists) {
    fs::create_directories(dir, ec);
    if (ec) throw UserError("cannot create " + dir + ": " + ec.message());
  }
  return exists;
}

struct DirectoryVerdict {
  bool done = false;                    // the finished dataset of these parameters
  std::optional<nlohmann::json> state;  // an unfinished one of these parameters: resume
};

// What an existing directory holds, decided before anything is written: the same
// dataset finished (its leftovers cleaned), the same one unfinished, nothing of ours
// (an empty folder), or something else, refused unless `force`, which empties it.
DirectoryVerdict inspect_directory(const std::string& dir, const nlohmann::json& identity, bool force) {
  const std::string manifest_path = dir + "/" + Manifest::kFileName;
  const std::string state_path = dir + "/" + kStateFile;
  DirectoryVerdict verdict;
  std::string refusal;
  if (fs::exists(manifest_path)) {
    const auto found = read_json_file(manifest_path);
    bool same = false;
    try {
      same = found && Manifest::from_json(*found, manifest_path).identity() == identity;
    } catch (const UserError&) {
      // A damaged manifest is "other parameters": refused unless --force.
    }
    if (same) {
      std::error_code ec;
      remove_temporaries(dir);
      remove_work_dirs(dir);
      fs::remove(state_path, ec);
      verdict.done = true;
      return verdict;
    }
    refusal =
        dir + " holds a dataset made with other parameters: " +
        describe_difference(found && found->is_object() ? (*found) : nlohmann::json::object(), identity);
  } else if (fs::exists(state_path)) {
    auto state = read_json_file(state_path);
    const bool same = state && state->is_object() && state->value("format", "") == kStateFormat &&
                      state->contains("identity") && (*state)["identity"] == identity;
    if (same) {
      verdict.state = std::move(state);
    } else {
      refusal = dir + " holds an unfinished dataset made with other parameters: " +
                describe_difference(state && state->is_object() && state->contains("identity")
                                        ? (*state)["identity"]
                                        : nlohmann::json::object(),
                                    identity);
    }
  } else {
    for (const auto& entry : fs::directory_iterator(dir))
      if (!is_dataset_file(entry.path().filename().string())) {
        refusal = dir + " is not empty and holds no traceplay dataset";
        break;
      }
  }
  if (!refusal.empty()) {
    if (!force) throw UserError(refusal + "; use --force to replace it");
    remove_dataset_files(dir);
    verdict.state.reset();
  }
  remove_temporaries(dir);
  return verdict;
}

// Where generation goes on: layout k, record index in it, and the ids already written.
struct Resume {
  uint64_t next_layout = 0, offset = 0;
  std::unordered_set<uint64_t> seen;
};

// The writer restored from an unfinished build's state, or a new build's first state.
Resume restore_or_start(DatasetWriter& writer, const std::string& dir, const nlohmann::json& identity,
                        const std::optional<nlohmann::json>& state) {
  Resume resume;
  if (!state) {
    // Written first, so that the directory names its parameters from the start.
    write_state(dir, identity, 0, 0, writer.checkpoint());
    return resume;
  }
  const std::string state_path = dir + "/" + kStateFile;
  try {
    writer.restore(state->at("writer"));
    resume.next_layout = state->at("next_layout").get<uint64_t>();
    resume.offset = state->at("offset").get<uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw UserError(state_path + " is damaged (" + e.what() + "); use --force to start over");
  }
  try {
    resume.seen = read_ids(dir, writer.manifest());
  } catch (const UserError& e) {
    throw UserError(std::string(e.what()) + "; use --force to start over");
  }
  return resume;
}

struct LoopEnd {
  bool interrupted = false;  // a stop signal: the unfinished chunk is dropped
  bool barren = false;       // kMaxBarrenLayouts layouts in a row added nothing
};

// The layouts from the producer, in order, into the writer until `count` records: ids
// seen before dropped, the state written after every finished chunk.
LoopEnd write_layouts(const TraceSource& source, const BuildOptions& options, const std::string& dir,
                      const nlohmann::json& identity, const LayoutProducerFactory& producer,
                      DatasetWriter& writer, Resume& resume, Progress* progress, uint64_t resumed_from) {
  LoopEnd end;
  uint64_t barren = 0;  // layouts in a row that added no record (duplicates or unsolvable draws)
  const uint64_t limit = source.num_layouts();
  const LayoutRange range{options.seed, resume.next_layout, limit, options.threads};
  const std::unique_ptr<LayoutProducer> pipeline =
      producer ? producer(source, range) : make_thread_producer(source, range);
  uint64_t offset = resume.offset;
  for (uint64_t k = resume.next_layout; writer.records() < options.count && k < limit; ++k, offset = 0) {
    if (stop_requested()) {
      end.interrupted = true;
      break;
    }
    const PreparedLayout layout = pipeline->take(k);
    // A stop may have cut this layout short (searches poll the flag): never write it.
    if (stop_requested()) {
      end.interrupted = true;
      break;
    }
    const uint64_t before = writer.records();
    for (uint64_t i = offset; i < layout.size() && writer.records() < options.count; ++i) {
      const PreparedRecord& r = layout[i];
      if (!resume.seen.insert(r.id).second) continue;  // the id was taken earlier: drop
      if (writer.add_line(r.layout, r.line, r.prompt_length, r.trace_length, r.plan_length)) {
        const bool layout_done = i + 1 == layout.size();
        write_state(dir, identity, layout_done ? k + 1 : k, layout_done ? 0 : i + 1, writer.checkpoint());
        pipeline->committed(layout_done ? k + 1 : k);
      }
    }
    if (progress) progress->update(writer.records() - resumed_from);
    // Small domains run out of distinct tasks (3x3 mazes have a few hundred), and
    // impossible parameters never yield one: stop instead of drawing layouts forever.
    barren = writer.records() > before ? 0 : barren + 1;
    if (barren >= kMaxBarrenLayouts) {
      end.barren = true;
      break;
    }
  }
  if (!end.interrupted) pipeline->finished();
  return end;
}

[[noreturn]] void refuse_barren(DatasetWriter& writer, const BuildOptions& options, const std::string& dir) {
  const uint64_t made = writer.records();
  writer.abandon_chunk();
  throw UserError(
      "--count " + std::to_string(options.count) + ": only " + std::to_string(made) +
      " distinct records came from these parameters, and the last " + std::to_string(kMaxBarrenLayouts) +
      " layouts added none (duplicates or unsolvable); ask for fewer (with --force to replace the "
      "partial dataset in " +
      dir + ")");
}

}  // namespace

void remove_work_dirs(const std::string& dir) {
  std::error_code ec;
  for (const char* name : {kSpoolDirName, kLocalActorsDirName}) fs::remove_all(dir + "/" + name, ec);
}

void validate(const BuildOptions& options) {
  if (options.count < 1) throw UserError("the record count must be at least 1");
  if (!(options.test_fraction >= 0 && options.test_fraction < 1))
    throw UserError("the test fraction must be in [0, 1), got " +
                    nlohmann::json(options.test_fraction).dump());
  if (options.threads < 1) throw UserError("the thread count must be at least 1");
  if (options.shard_records < 1) throw UserError("the records per shard must be at least 1");
}

Manifest dataset_header(const TraceSource& source, const BuildOptions& options) {
  Manifest m;
  m.domain = source.domain();
  m.params = source.params();
  m.params["count"] = options.count;
  m.params["shard_records"] = options.shard_records;
  m.seed = options.seed;
  m.deterministic = options.deterministic;
  m.test_fraction = options.test_fraction;
  m.vocabulary = source.vocabulary().tokens();
  m.traceplay_version = kVersion;
  m.git_sha = kGitSha;
  return m;
}

nlohmann::json BuildResult::summary(const std::string& dir) const {
  const char* names[] = {"built", "already done", "interrupted"};
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& s : manifest.shards)
    shards.push_back({{"file", s.file}, {"records", s.records}, {"xxh64", hex16(s.xxh64)}});
  return {{"status", names[static_cast<int>(status)]},
          {"dir", dir},
          {"domain", manifest.domain},
          {"counts", {{"train", manifest.train}, {"test", manifest.test}}},
          {"records", manifest.train + manifest.test},
          {"shards", shards},
          {"resumed_from", resumed_from},
          {"records_made", records_made},
          {"seconds", seconds},
          {"records_per_s", seconds > 0 ? static_cast<double>(records_made) / seconds : 0.0}};
}

BuildResult build_dataset(const TraceSource& source, const BuildOptions& options, const std::string& dir,
                          const LayoutProducerFactory& producer) {
  validate(options);
  const auto started = std::chrono::steady_clock::now();
  const Manifest header = dataset_header(source, options);
  const nlohmann::json identity = header.identity();

  const bool existed = create_directory(dir);
  DirectoryLock lock(dir);
  const DirectoryVerdict found =
      existed ? inspect_directory(dir, identity, options.force) : DirectoryVerdict{};
  BuildResult result;
  if (found.done) {
    result.status = BuildStatus::kAlreadyDone;
    result.manifest = Manifest::load(dir);
    result.seconds = seconds_since(started);
    return result;
  }

  DatasetWriter writer(dir, header, options.shard_records);
  Resume resume = restore_or_start(writer, dir, identity, found.state);
  result.resumed_from = writer.records();

  install_stop_handlers();
  std::optional<Progress> progress;
  if (options.progress) progress.emplace("gen " + dir, options.count - result.resumed_from, "records");
  const LoopEnd end = write_layouts(source, options, dir, identity, producer, writer, resume,
                                    progress ? &*progress : nullptr, result.resumed_from);
  if (progress) progress->finish();
  if (end.barren) refuse_barren(writer, options, dir);

  if (end.interrupted) {
    writer.abandon_chunk();
    result.status = BuildStatus::kInterrupted;
    result.exit_code = stop_exit_code();
    result.manifest = writer.manifest();
  } else {
    result.manifest = writer.finish();
    std::error_code ec;
    fs::remove(dir + "/" + kStateFile, ec);
    remove_work_dirs(dir);
  }
  result.records_made = writer.finished_records() - result.resumed_from;
  result.seconds = seconds_since(started);
  return result;
}

}  // namespace traceplay
