// `traceplay bootstrap` (models/bootstrap.h): checks, sampling through evaluate() on the
// training split, choosing the shortest optimal response per prompt, and writing the
// new dataset shard by shard in the parent's layout.
#include "models/bootstrap.h"

#include <cmath>
#include <filesystem>
#include <optional>
#include <vector>

#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/progress.h"
#include "core/shard.h"
#include "core/version.h"
#include "models/bootstrap_choice.h"
#include "models/checkpoint_dir.h"
#include "models/evaluate.h"
#include "models/response_check.h"
#include "models/samples_file.h"
#include "models/stored_parameters.h"

namespace traceplay::models {

namespace {

namespace fs = std::filesystem;

constexpr const char* kParamsFile = "bootstrap.json";
constexpr const char* kSamplesDir = "samples";

void validate(const BootstrapOptions& o) {
  if (o.data_dir.empty()) throw UserError("--data must name a dataset directory");
  if (o.out_dir.empty()) throw UserError("--out must name the new dataset's directory");
  if (o.samples < 1) throw UserError("--samples must be at least 1, got " + std::to_string(o.samples));
  if (!(o.temperature >= 0) || o.temperature > 100)
    throw UserError("--temperature must be between 0 (greedy) and 100, got " + std::to_string(o.temperature));
  if (o.top_k < 0)
    throw UserError("--top-k must be >= 0 (0 = no truncation), got " + std::to_string(o.top_k));
  if (o.batch < 1) throw UserError("--batch must be at least 1, got " + std::to_string(o.batch));
  if (o.max_len != 0 && o.max_len < 2)
    throw UserError("--max-len must be at least 2 or 0 (from the dataset), got " + std::to_string(o.max_len));
  if (o.threads < 0) throw UserError("--threads must be >= 0 (0 = all cores)");
}

bool same_path(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  const fs::path pa = fs::weakly_canonical(a, ec1), pb = fs::weakly_canonical(b, ec2);
  return !ec1 && !ec2 && pa == pb;
}

// Removes what this command writes in NEW_DATA (and nothing else).
void clear_output(const std::string& dir) {
  std::error_code ec;
  fs::remove(dir + "/" + Manifest::kFileName, ec);
  fs::remove(dir + "/" + kParamsFile, ec);
  fs::remove_all(dir + "/" + kSamplesDir, ec);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool shard = (name.rfind("train-", 0) == 0 || name.rfind("test-", 0) == 0) && name.size() > 10 &&
                       name.compare(name.size() - 10, 10, ".jsonl.zst") == 0;
    if (shard) fs::remove(entry.path(), ec);
  }
}

// The tokens of a chosen (correct, so well-formed) response as the record's new trace
// and plan: bos, trace..., plan ..., eos.
struct NewTrace {
  int64_t sample = -1;
  std::vector<int32_t> trace, plan;
};

NewTrace split_response(const std::vector<std::string>& tokens, int64_t sample, const Vocabulary& vocabulary,
                        const std::string& where) {
  NewTrace t;
  t.sample = sample;
  size_t i = !tokens.empty() && tokens[0] == "bos" ? 1 : 0;
  size_t end = tokens.size();
  if (end > i && tokens[end - 1] == "eos") --end;
  bool in_plan = false;
  for (; i < end; ++i) {
    const int32_t id = vocabulary.find(tokens[i]);
    if (id < 0) throw UserError(where + ": token \"" + tokens[i] + "\" is not in the vocabulary");
    in_plan = in_plan || tokens[i] == "plan";
    (in_plan ? t.plan : t.trace).push_back(id);
  }
  return t;
}

// Pass 1 over samples.jsonl: for each task (in split order, K lines each) the response
// to keep, if any.
std::vector<std::optional<NewTrace>> choose_responses(const std::string& path,
                                                      const std::vector<uint64_t>& ids,
                                                      const std::vector<int32_t>& own_trace_tokens, int64_t K,
                                                      bool keep_astar_candidate,
                                                      const Vocabulary& vocabulary) {
  std::vector<std::optional<NewTrace>> chosen(ids.size());
  std::vector<SampleRecord> group;
  size_t task = 0;
  read_complete_lines(path, [&](std::string_view line, uint64_t number) {
    const std::string where = path + " line " + std::to_string(number);
    if (task >= ids.size()) throw UserError(where + ": more lines than the training prompts x --samples");
    SampleRecord r = parse_sample_line(line, where);
    if (r.id != ids[task] || r.sample != static_cast<int64_t>(group.size()))
      throw UserError(where + ": expected prompt " + hex16(ids[task]) + " sample " +
                      std::to_string(group.size()) + " (use --force to start over)");
    group.push_back(std::move(r));
    if (static_cast<int64_t>(group.size()) == K) {
      std::vector<SampleOutcome> outcomes;
      for (const auto& g : group) outcomes.push_back(g.outcome);
      const int64_t pick = shortest_optimal_sample(outcomes, own_trace_tokens[task], keep_astar_candidate);
      if (pick >= 0)
        chosen[task] = split_response(group[static_cast<size_t>(pick)].tokens, pick, vocabulary, where);
      group.clear();
      ++task;
    }
    return true;
  });
  if (task != ids.size() || !group.empty())
    throw UserError(path + ": holds " + std::to_string(task) + " of " + std::to_string(ids.size()) +
                    " prompts' samples (use --force to start over)");
  return chosen;
}

double mean_training_trace(const DatasetReader& reader) {
  double sum = 0, n = 0;
  reader.for_each(Split::kTrain, [&](const DatasetRecord& r) {
    sum += static_cast<double>(r.trace.size());
    n += 1;
    return true;
  });
  return n > 0 ? sum / n : 0.0;
}

// Copies a shard file byte for byte, through a temporary name.
void copy_shard(const std::string& from, const std::string& to) {
  AtomicFile out(to);
  out.write(read_file(from));
  out.commit();
}

}  // namespace

nlohmann::ordered_json BootstrapResult::to_json() const {
  nlohmann::ordered_json j;
  j["out"] = out_dir;
  j["step"] = step;
  j["train"] = train;
  j["replaced"] = replaced;
  j["replaced_share"] = train ? static_cast<double>(replaced) / static_cast<double>(train) : 0.0;
  j["mean_trace_before"] = mean_trace_before;
  j["mean_trace_after"] = mean_trace_after;
  j["sampling"] = sampling;
  return j;
}

BootstrapResult bootstrap(const BootstrapOptions& o) {
  // Everything is checked before NEW_DATA is touched.
  validate(o);
  const CheckpointSummary checkpoint =
      read_checkpoint_summary(find_checkpoint_dir(o.checkpoint, "--checkpoint"));
  const DatasetReader reader(o.data_dir);
  const Manifest& parent = reader.manifest();
  if (checkpoint.vocabulary != parent.vocabulary)
    throw UserError("the vocabulary of " + checkpoint.dir + "/config.json (" +
                    std::to_string(checkpoint.vocabulary.size()) + " tokens) differs from that of " +
                    o.data_dir + "/manifest.json (" + std::to_string(parent.vocabulary.size()) +
                    " tokens): the model was trained on other data");
  if (!checkpoint.domain.empty() && checkpoint.domain != parent.domain)
    throw UserError("--checkpoint " + o.checkpoint + " is a " + checkpoint.domain + " model, but " +
                    o.data_dir + " is a " + parent.domain + " dataset");
  if (checkpoint.mode != "search-augmented")
    throw UserError("--checkpoint " + o.checkpoint + " is a " + checkpoint.mode +
                    " model: bootstrapping shortens traces, so it needs a search-augmented model");
  if (parent.train == 0)
    throw UserError("--data " + o.data_dir + " has no training records: nothing to bootstrap");
  if (same_path(o.data_dir, o.out_dir)) throw UserError("--out must differ from --data (" + o.data_dir + ")");

  nlohmann::ordered_json params;
  params["checkpoint_xxh64"] = checkpoint.weights_xxh64;
  params["parent"] = parent.identity();
  params["samples"] = o.samples;
  params["temperature"] = o.temperature;
  params["top_k"] = o.top_k;
  params["max_len"] = o.max_len;
  params["seed"] = o.seed;
  params["keep_astar_candidate"] = o.keep_astar_candidate;

  BootstrapResult result;
  result.out_dir = o.out_dir;
  result.step = parent.lineage ? parent.lineage->step + 1 : 1;
  result.train = parent.train;

  const std::string params_path = o.out_dir + "/" + kParamsFile;
  std::error_code ec;
  if (fs::exists(o.out_dir, ec)) {
    if (!fs::is_directory(o.out_dir, ec))
      throw UserError("--out " + o.out_dir + " exists and is not a directory");
    if (fs::exists(params_path)) {
      if (const auto differs = stored_parameters_differ(params_path, params)) {
        if (!o.force)
          throw UserError(o.out_dir + " holds a bootstrapping step with other parameters: " + *differs +
                          "; use --force to replace it or --out for another directory");
        clear_output(o.out_dir);
      } else if (fs::exists(o.out_dir + "/" + Manifest::kFileName)) {
        const Manifest done = Manifest::load(o.out_dir);
        result.finished = result.already_done = true;
        result.replaced = done.lineage ? done.lineage->replaced : 0;
        result.mean_trace_before = mean_training_trace(reader);
        result.mean_trace_after = mean_training_trace(DatasetReader(o.out_dir));
        const std::string summary = o.out_dir + "/" + kSamplesDir + "/summary.json";
        if (fs::exists(summary)) result.sampling = nlohmann::ordered_json::parse(read_file(summary));
        return result;
      }
    } else if (!fs::is_empty(o.out_dir, ec)) {
      throw UserError("--out " + o.out_dir + " is not empty and holds no bootstrapping step (" + kParamsFile +
                      "); choose another directory");
    }
  }

  // Sampling: `traceplay eval` on the training split, resumable in NEW_DATA/samples/.
  fs::create_directories(o.out_dir);
  if (!fs::exists(params_path)) {
    nlohmann::ordered_json file;
    file["format"] = "traceplay-bootstrap";
    file["version"] = 1;
    file["parameters"] = params;
    file["checkpoint"] = checkpoint.dir;
    file["data"] = o.data_dir;
    write_file_atomic(params_path, file.dump(2) + "\n");
  }
  EvalOptions eval;
  eval.checkpoint_dir = checkpoint.dir;
  eval.data_dir = o.data_dir;
  eval.out_dir = o.out_dir + "/" + kSamplesDir;
  eval.split = "train";
  eval.samples = o.samples;
  eval.temperature = o.temperature;
  eval.top_k = o.top_k;
  eval.batch = o.batch;
  eval.max_len = o.max_len;
  eval.astar_runs = 0;  // t* is not needed to choose traces
  eval.seed = o.seed;
  eval.device = o.device;
  eval.threads = o.threads;
  eval.force = o.force;
  eval.stop = o.stop;
  eval.progress = o.progress;
  eval.label = o.label + " sampling";
  const EvalSummary sampled = evaluate(eval);
  if (!sampled.finished) return result;  // stopped: the finished samples are kept
  result.sampling = sampled.json;

  // Pass 1: the response to keep for each training prompt.
  std::vector<uint64_t> ids;
  std::vector<int32_t> own_trace_tokens;
  ids.reserve(parent.train);
  own_trace_tokens.reserve(parent.train);
  reader.for_each(Split::kTrain, [&](const DatasetRecord& r) {
    ids.push_back(r.id);
    own_trace_tokens.push_back(static_cast<int32_t>(r.trace.size()));
    return true;
  });
  double own_sum = 0;
  for (int32_t t : own_trace_tokens) own_sum += t;
  const std::vector<std::optional<NewTrace>> chosen =
      choose_responses(eval.out_dir + "/samples.jsonl", ids, own_trace_tokens, o.samples,
                       o.keep_astar_candidate, reader.vocabulary());

  // Pass 2: the shards, in the parent's order and names. Every kept response is
  // replayed once more (what samples.jsonl says is not trusted blindly).
  Manifest manifest = parent;
  LengthStats lengths[3];  // prompt, trace, plan over every record
  LengthStats train_trace;
  std::unique_ptr<Progress> progress;
  if (o.progress)
    progress = std::make_unique<Progress>(o.label + " writing", parent.train + parent.test, "records");
  uint64_t done = 0, task = 0;
  for (ShardInfo& shard : manifest.shards) {
    const std::string from = reader.path(shard), to = o.out_dir + "/" + shard.file;
    if (shard_split(shard.file) == Split::kTest) {
      ShardReader lines(from, &shard);
      DatasetRecord r;
      while (lines.next(r)) {
        lengths[0].add(r.prompt.size()), lengths[1].add(r.trace.size()), lengths[2].add(r.plan.size());
      }
      copy_shard(from, to);  // byte for byte: the same checksum
      done += shard.records;
      if (progress) progress->update(done);
      continue;
    }
    ShardWriter writer(to, shard.file);
    ShardReader lines(from, &shard);
    DatasetRecord r;
    while (lines.next(r)) {
      if (task >= chosen.size() || r.id != ids[task])
        throw UserError(from + ": the training records changed while bootstrapping ran");
      if (const auto& c = chosen[task]) {
        const EvalTask t = eval_task_from_record(r, parent, reader.vocabulary(), from);
        std::vector<std::string> tokens{"bos"};
        for (int32_t id : c->trace) tokens.push_back(reader.vocabulary().token(id));
        for (int32_t id : c->plan) tokens.push_back(reader.vocabulary().token(id));
        tokens.push_back("eos");
        const ResponseCheck check = check_response(t, tokens);
        if (!check.outcome.optimal)
          throw UserError(eval.out_dir + "/samples.jsonl: the response kept for prompt " + hex16(r.id) +
                          " does not replay to an optimal plan (use --force to start over)");
        r.trace = c->trace;
        r.plan = c->plan;
        r.meta["bootstrap_sample"] = c->sample;
        ++result.replaced;
      }
      lengths[0].add(r.prompt.size()), lengths[1].add(r.trace.size()), lengths[2].add(r.plan.size());
      train_trace.add(r.trace.size());
      writer.add(r);
      ++task;
      if (progress && ++done % 4096 == 0) progress->update(done);
    }
    shard = writer.finish();
  }
  if (progress) progress->finish();
  if (task != ids.size())
    throw UserError(o.out_dir + ": wrote " + std::to_string(task) + " of " + std::to_string(ids.size()) +
                    " training records");

  manifest.prompt_lengths = lengths[0].summary();
  manifest.trace_lengths = lengths[1].summary();
  manifest.plan_lengths = lengths[2].summary();
  manifest.traceplay_version = kVersion;
  manifest.git_sha = kGitSha;
  Manifest::Lineage lineage;
  lineage.parent = parent.identity();
  lineage.checkpoint = checkpoint.weights_xxh64;
  lineage.checkpoint_step = checkpoint.step;
  lineage.step = result.step;
  lineage.replaced = result.replaced;
  manifest.lineage = lineage;
  manifest.save(o.out_dir);  // last: from here on the step is "already done"

  result.finished = true;
  result.mean_trace_before = own_sum / static_cast<double>(parent.train);
  result.mean_trace_after = train_trace.summary().mean;
  return result;
}

}  // namespace traceplay::models
