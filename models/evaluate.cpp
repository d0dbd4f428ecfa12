// `traceplay eval` (models/evaluate.h): checks everything, then samples with the KV-cache
// sampler, replays every response, streams samples.jsonl in order, measures t* with
// non-deterministic A*, and writes the summary.
#include "models/evaluate.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include <torch/torch.h>

#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/progress.h"
#include "core/shard.h"
#include "models/allocator.h"
#include "models/astar_reference.h"
#include "models/checkpoint.h"
#include "models/eval_modes.h"
#include "models/response_check.h"
#include "models/sampler.h"
#include "models/samples_file.h"
#include "models/stored_parameters.h"
#include "models/torch_runtime.h"

namespace traceplay::models {

namespace {

namespace fs = std::filesystem;

constexpr const char* kParamsFile = "eval.json";
constexpr const char* kSamplesFile = "samples.jsonl";
constexpr const char* kPartialFile = "samples.jsonl.partial";
constexpr const char* kSummaryFile = "summary.json";

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

struct Paths {
  std::string checkpoint;  // the directory holding config.json + model.safetensors
  std::string out;
};

// --checkpoint: a checkpoint or a run directory holding checkpoint/ (models/train.h).
Paths resolve_paths(const EvalOptions& o) {
  if (o.checkpoint_dir.empty())
    throw UserError("--checkpoint must name a checkpoint or a training run directory");
  Paths p;
  std::string run_dir;
  const std::string dir = fs::path(o.checkpoint_dir).lexically_normal().string();
  if (exists(dir + "/config.json")) {
    p.checkpoint = dir;
    const fs::path path(dir);
    const fs::path name = path.filename().empty() ? path.parent_path().filename() : path.filename();
    if (name == "checkpoint") run_dir = fs::path(dir).parent_path().string();
  } else if (exists(dir + "/checkpoint/config.json")) {
    p.checkpoint = dir + "/checkpoint";
    run_dir = dir;
  } else {
    throw UserError(
        "--checkpoint " + o.checkpoint_dir +
        ": neither a checkpoint (config.json + model.safetensors) nor a run directory holding checkpoint/");
  }
  if (!o.out_dir.empty()) {
    p.out = o.out_dir;
  } else if (!run_dir.empty()) {
    p.out = run_dir + "/" + eval_dir_name(o.split, o.mode);
  } else {
    throw UserError("--out is required when --checkpoint (" + o.checkpoint_dir +
                    ") is neither a run directory nor a directory named checkpoint");
  }
  return p;
}

void validate(const EvalOptions& o) {
  parse_split(o.split, "--split");
  if (o.tasks < 0)
    throw UserError("--tasks must be >= 0 (0 = every task of the split), got " + std::to_string(o.tasks));
  if (o.samples < 1) throw UserError("--samples must be at least 1, got " + std::to_string(o.samples));
  if (!(o.temperature >= 0) || o.temperature > 100)
    throw UserError("--temperature must be between 0 (greedy) and 100, got " + std::to_string(o.temperature));
  if (o.top_k < 0)
    throw UserError("--top-k must be >= 0 (0 = no truncation), got " + std::to_string(o.top_k));
  if (o.batch < 1) throw UserError("--batch must be at least 1, got " + std::to_string(o.batch));
  if (o.max_len != 0 && o.max_len < 2)
    throw UserError("--max-len must be at least 2 (bos and one token) or 0 (from the dataset), got " +
                    std::to_string(o.max_len));
  if (o.astar_runs < 0 || o.astar_runs > 100000)
    throw UserError("--astar-runs must be between 0 (no ILR) and 100000, got " +
                    std::to_string(o.astar_runs));
  if (o.threads < 0) throw UserError("--threads must be >= 0 (0 = all cores)");
  if (o.data_dir.empty()) throw UserError("--data must name a dataset directory");
  if (!o.mode.empty() && !is_eval_mode(o.mode))
    throw UserError("--mode must be fast, slow or auto, got \"" + o.mode + "\"");
}

std::vector<EvalTask> load_tasks(const DatasetReader& reader, Split split, int64_t limit) {
  std::vector<EvalTask> tasks;
  const std::string where = reader.dir() + " (" + split_name(split) + ")";
  reader.for_each(split, [&](const DatasetRecord& record) {
    tasks.push_back(eval_task_from_record(record, reader.manifest(), reader.vocabulary(), where));
    return limit == 0 || static_cast<int64_t>(tasks.size()) < limit;
  });
  if (tasks.empty())
    throw UserError("--data " + reader.dir() + ": the " + split_name(split) + " split has no tasks");
  return tasks;
}

std::string format_line(const SampleRecord& r) {
  std::string line;
  append_sample_line(line, r);
  return line;
}

// Reads back the finished samples of an earlier run (a prefix of the pinned order),
// replaying each again: a line that does not match what it says is refused.
std::vector<SampleOutcome> read_done(const std::string& path, const std::vector<EvalTask>& tasks, int64_t K,
                                     const Vocabulary& vocabulary, uint64_t* bytes,
                                     ResponseStartCounter* starts, std::vector<int64_t>* simulations) {
  std::vector<SampleOutcome> done;
  const uint64_t total = tasks.size() * static_cast<uint64_t>(K);
  *bytes = read_complete_lines(path, [&](std::string_view line, uint64_t number) {
    if (done.size() == total)
      throw UserError(path + ": more lines than " + std::to_string(total) + " samples");
    const std::string where = path + " line " + std::to_string(number);
    const SampleRecord r = parse_sample_line(line, where);
    const EvalTask& task = tasks[done.size() / static_cast<size_t>(K)];
    const int64_t sample = static_cast<int64_t>(done.size() % static_cast<size_t>(K));
    if (r.id != task.id || r.sample != sample)
      throw UserError(where + ": expected task " + hex16(task.id) + " sample " + std::to_string(sample) +
                      ", found " + hex16(r.id) + " sample " + std::to_string(r.sample) +
                      " (use --force to start over)");
    for (const auto& t : r.tokens)
      if (vocabulary.find(t) < 0) throw UserError(where + ": token \"" + t + "\" is not in the vocabulary");
    const ResponseCheck check = check_response(task, r.tokens);
    if (format_line({r.id, r.sample, r.tokens, check.outcome, check.reason}) != std::string(line) + "\n")
      throw UserError(where +
                      ": its outcome is not what replaying its tokens gives (use --force to start over)");
    done.push_back(check.outcome);
    simulations->push_back(check.simulations);
    starts->add(r.tokens);
    return true;
  });
  return done;
}

// The go-tactics lines of a summary (DESIGN.md, "Go tactics"): the model's correct-move
// rate over all samples and its simulations per sample, beside the MCTS teacher's rate
// and simulations on the same tasks (from the dataset), each rate with its Wilson 95%
// interval.
nlohmann::ordered_json go_tactics_summary(const std::vector<EvalTask>& tasks,
                                          const std::vector<SampleOutcome>& outcomes,
                                          const std::vector<int64_t>& simulations) {
  int64_t correct = 0, sims = 0, teacher_correct = 0, teacher_sims = 0, teacher_tokens = 0;
  for (const SampleOutcome& s : outcomes) correct += s.correct;
  for (const int64_t n : simulations) sims += n;
  for (const EvalTask& t : tasks) {
    teacher_correct += t.teacher_correct;
    teacher_sims += t.teacher_simulations;
    teacher_tokens += t.teacher_trace_tokens;
  }
  const auto mean = [](int64_t sum, size_t n) {
    return n == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(n);
  };
  const auto interval = [](const Interval& i) { return nlohmann::ordered_json::array({i.lo, i.hi}); };
  nlohmann::ordered_json j;
  j["correct_move_rate"] = mean(correct, outcomes.size());
  j["correct_move_rate_ci95"] = interval(wilson_interval(correct, static_cast<int64_t>(outcomes.size())));
  j["mean_simulations"] = mean(sims, simulations.size());
  j["teacher_correct_move_rate"] = mean(teacher_correct, tasks.size());
  j["teacher_correct_move_rate_ci95"] =
      interval(wilson_interval(teacher_correct, static_cast<int64_t>(tasks.size())));
  j["teacher_mean_simulations"] = mean(teacher_sims, tasks.size());
  j["teacher_mean_trace_tokens"] = mean(teacher_tokens, tasks.size());
  return j;
}

nlohmann::ordered_json read_summary(const std::string& path) {
  try {
    return nlohmann::ordered_json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw UserError(path + ": not JSON (" + e.what() + "); use --force to redo the evaluation");
  }
}

// Writes lines in the pinned order although rows finish out of order: a finished
// sequence waits here until every earlier one is written. The wait is bounded by the
// batch (an earlier sequence is always in a row), so memory stays small.
class OrderedWriter {
 public:
  OrderedWriter(SampleAppender& file, uint64_t next) : file_(file), next_(next) {}
  void add(uint64_t index, std::string line) {
    pending_.emplace(index, std::move(line));
    while (!pending_.empty() && pending_.begin()->first == next_) {
      buffer_ += pending_.begin()->second;
      pending_.erase(pending_.begin());
      ++next_;
    }
    const auto now = std::chrono::steady_clock::now();
    if (buffer_.size() > (1 << 20) || now - last_flush_ > std::chrono::seconds(1)) flush();
  }
  void flush() {
    file_.append(buffer_);
    file_.flush();
    buffer_.clear();
    last_flush_ = std::chrono::steady_clock::now();
  }
  uint64_t written() const { return next_; }

 private:
  SampleAppender& file_;
  uint64_t next_;
  std::map<uint64_t, std::string> pending_;
  std::string buffer_;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

// One evaluation, checked before anything is written: the model, the tasks, the
// parameters that identify it (eval.json) and its files.
struct EvalJob {
  Paths paths;
  std::string device;
  ModelInfo info;
  bool search_augmented = false;
  std::vector<int32_t> forced;  // the prefix a Dualformer mode forces (eval_modes.h)
  std::vector<EvalTask> tasks;
  int64_t K = 0;       // samples per task
  uint64_t total = 0;  // tasks x K
  int64_t max_len = 0;
  bool go_tactics = false;  // t* is the dataset's MCTS teacher trace; the summary gains "go_tactics"
  nlohmann::ordered_json params;
  std::string file(const char* name) const { return paths.out + "/" + name; }
};

EvalJob plan_job(const EvalOptions& o, Paths paths, std::string device, ModelInfo info,
                 const DatasetReader& reader) {
  const Manifest& manifest = reader.manifest();
  if (info.vocabulary != manifest.vocabulary)
    throw UserError("the vocabulary of " + paths.checkpoint + "/config.json (" +
                    std::to_string(info.vocabulary.size()) + " tokens) differs from that of " + o.data_dir +
                    "/manifest.json (" + std::to_string(manifest.vocabulary.size()) +
                    " tokens): the model was trained on other data");
  EvalJob job;
  job.search_augmented = info.mode == "search-augmented";
  if (!job.search_augmented && info.mode != "solution-only")
    throw UserError(paths.checkpoint + "/config.json: unknown \"mode\" \"" + info.mode + "\"");
  if (o.mode == "slow" && !job.search_augmented)
    throw UserError(
        "--mode slow: " + paths.checkpoint +
        " is a solution-only model, which writes no trace; slow mode needs a search-augmented model");
  job.forced = forced_prefix(o.mode, reader.vocabulary());
  job.go_tactics = manifest.domain == "go-tactics";
  job.tasks = load_tasks(reader, parse_split(o.split, "--split"), o.tasks);
  job.K = o.samples;
  job.total = job.tasks.size() * static_cast<uint64_t>(job.K);
  job.max_len = o.max_len > 0 ? o.max_len
                              : static_cast<int64_t>((job.search_augmented ? manifest.trace_lengths.max : 0) +
                                                     manifest.plan_lengths.max + 2);

  nlohmann::ordered_json& params = job.params;
  params["checkpoint_xxh64"] = hex16(xxh64_file(paths.checkpoint + "/model.safetensors"));
  params["config_xxh64"] = hex16(xxh64(read_file(paths.checkpoint + "/config.json")));
  params["dataset"] = manifest.identity();
  params["split"] = o.split;
  params["tasks"] = job.tasks.size();
  params["samples"] = job.K;
  params["temperature"] = o.temperature;
  params["top_k"] = o.top_k;
  params["max_len"] = job.max_len;
  params["seed"] = o.seed;
  params["astar_runs"] = o.astar_runs;
  if (!o.mode.empty()) params["mode"] = o.mode;  // absent without one: older directories stay valid
  job.paths = std::move(paths);
  job.device = std::move(device);
  job.info = std::move(info);
  return job;
}

// OUT already holding this evaluation: true (and `summary` filled) when it is finished.
// An evaluation with other parameters is refused, or removed with --force; a summary
// from before the 95% intervals is recomputed from the kept samples.
bool finished_before(const EvalOptions& o, const EvalJob& job, EvalSummary& summary) {
  if (!exists(job.file(kParamsFile))) return false;
  if (const auto differs = stored_parameters_differ(job.file(kParamsFile), job.params)) {
    if (!o.force)
      throw UserError(job.paths.out + " holds an evaluation with other parameters: " + *differs +
                      "; use --force to replace it or --out for another directory");
    for (const char* f : {kSummaryFile, kSamplesFile, kPartialFile, kParamsFile})
      std::remove(job.file(f).c_str());
    return false;
  }
  if (!exists(job.file(kSummaryFile)) || !exists(job.file(kSamplesFile))) return false;
  summary.json = read_summary(job.file(kSummaryFile));
  if (!summary.json.contains("optimal_ci95")) {
    summary.json = nullptr;
    return false;
  }
  summary.finished = summary.already_done = true;
  summary.samples_done = summary.samples_total;
  return true;
}

// The model (its weights checked against config.json), loaded before anything is written.
EncoderDecoder load_eval_model(const EvalOptions& o, const EvalJob& job) {
  configure_threads(o.threads);
  keep_freed_memory();  // the sampler's per-step tensors reuse the heap (allocator.h)
  ModelInfo loaded;
  EncoderDecoder model = load_model(job.paths.checkpoint, &loaded, torch::Device(job.device));
  model->eval();
  return model;
}

void write_params_file(const EvalOptions& o, const EvalJob& job) {
  fs::create_directories(job.paths.out);
  if (exists(job.file(kParamsFile))) return;
  nlohmann::ordered_json file;
  file["format"] = "traceplay-eval";
  file["version"] = 1;
  file["parameters"] = job.params;
  file["checkpoint"] = job.paths.checkpoint;
  file["data"] = o.data_dir;
  file["mode"] = job.info.mode;
  write_file_atomic(job.file(kParamsFile), file.dump(2) + "\n");
}

std::vector<std::vector<int32_t>> bos_prompt_eos(const std::vector<EvalTask>& tasks) {
  std::vector<std::vector<int32_t>> prompts;
  prompts.reserve(tasks.size());
  for (const EvalTask& t : tasks) {
    std::vector<int32_t> p{Vocabulary::kBos};
    p.insert(p.end(), t.prompt_ids.begin(), t.prompt_ids.end());
    p.push_back(Vocabulary::kEos);
    prompts.push_back(std::move(p));
  }
  return prompts;
}

// Samples what is not kept yet, appending samples.jsonl.partial in the pinned order, and
// renames it samples.jsonl once complete. False when stopped (the finished lines stay).
bool sample_the_rest(const EvalOptions& o, const EvalJob& job, EncoderDecoder& model,
                     const Vocabulary& vocabulary, uint64_t kept_bytes, ResponseStartCounter& starts,
                     std::vector<SampleOutcome>& outcomes, std::vector<int64_t>& simulations,
                     EvalSummary& summary) {
  SamplerOptions so;
  so.batch = o.batch;
  so.max_len = job.max_len;
  so.temperature = o.temperature;
  so.top_k = o.top_k;
  so.seed = o.seed;
  so.samples_per_prompt = job.K;
  so.forced_prefix = job.forced;
  Sampler sampler(*model, torch::Device(job.device), so);

  SampleAppender file(job.file(kPartialFile), kept_bytes);
  OrderedWriter writer(file, outcomes.size());
  // Outcomes (and go-tactics simulations) waiting for their turn, as their lines.
  std::map<uint64_t, std::pair<SampleOutcome, int64_t>> finished_early;
  std::unique_ptr<Progress> progress;
  if (o.progress) progress = std::make_unique<Progress>(o.label, job.total, "samples");
  const uint64_t K = static_cast<uint64_t>(job.K);
  const SamplerStats stats = sampler.run(
      bos_prompt_eos(job.tasks), outcomes.size(), job.total,
      [&](SampledSequence&& seq) {
        const EvalTask& task = job.tasks[seq.index / K];
        SampleRecord record;
        record.id = task.id;
        record.sample = static_cast<int64_t>(seq.index % K);
        record.tokens = vocabulary.decode(seq.tokens);
        starts.add(record.tokens);
        const ResponseCheck check = check_response(task, record.tokens);
        record.outcome = check.outcome;
        record.reason = check.reason;
        finished_early.emplace(seq.index, std::make_pair(check.outcome, check.simulations));
        writer.add(seq.index, format_line(record));
        while (!finished_early.empty() && finished_early.begin()->first == outcomes.size()) {
          outcomes.push_back(finished_early.begin()->second.first);
          simulations.push_back(finished_early.begin()->second.second);
          finished_early.erase(finished_early.begin());
        }
        if (progress) progress->update(outcomes.size());
      },
      o.stop);
  writer.flush();
  file.close();
  if (progress) progress->finish();
  summary.tokens_sampled = stats.tokens;
  summary.sampling_s = stats.seconds;
  summary.samples_done = static_cast<int64_t>(outcomes.size());
  if (outcomes.size() < job.total) return false;
  if (std::rename(job.file(kPartialFile).c_str(), job.file(kSamplesFile).c_str()) != 0)
    throw std::runtime_error("cannot rename " + job.file(kPartialFile) + " to " + job.file(kSamplesFile));
  return true;
}

// Every task's samples with its t* (the mean trace of --astar-runs non-deterministic A*
// runs; go-tactics: the MCTS teacher's trace in the dataset, the run with the same
// settings, whatever --astar-runs says); empty when stopped (the samples are all kept;
// A* is redone).
std::vector<TaskOutcome> score_tasks(const EvalOptions& o, const EvalJob& job,
                                     const std::vector<SampleOutcome>& outcomes) {
  std::vector<TaskOutcome> scored(job.tasks.size());
  std::unique_ptr<Progress> progress;
  if (o.progress && o.astar_runs > 0 && !job.go_tactics)
    progress = std::make_unique<Progress>(o.label + " A* reference", job.tasks.size(), "tasks");
  for (size_t i = 0; i < job.tasks.size(); ++i) {
    TaskOutcome& t = scored[i];
    t.reference_plan_positions = job.tasks[i].reference_plan_positions;
    t.samples.assign(outcomes.begin() + static_cast<int64_t>(i) * job.K,
                     outcomes.begin() + static_cast<int64_t>(i + 1) * job.K);
    if (job.go_tactics) {
      t.astar_trace_tokens = job.tasks[i].teacher_trace_tokens;
    } else if (o.astar_runs > 0) {
      t.astar_trace_tokens = astar_mean_trace_tokens(job.tasks[i], static_cast<int>(o.astar_runs), o.stop);
      if (o.stop && o.stop->load()) return {};
      if (progress) progress->update(i + 1);
    }
  }
  if (progress) progress->finish();
  return scored;
}

}  // namespace

EvalSummary evaluate(const EvalOptions& o) {
  // Everything is checked before OUT is touched.
  validate(o);
  Paths paths = resolve_paths(o);
  std::string device = check_device(o.device);
  ModelInfo info = load_model_info(paths.checkpoint);
  const DatasetReader reader(o.data_dir);
  const EvalJob job = plan_job(o, std::move(paths), std::move(device), std::move(info), reader);

  EvalSummary summary;
  summary.out_dir = job.paths.out;
  summary.mode = job.info.mode;
  summary.samples_total = static_cast<int64_t>(job.total);
  if (finished_before(o, job, summary)) return summary;

  EncoderDecoder model = load_eval_model(o, job);
  write_params_file(o, job);

  // Resume: the finished samples are read back (and replayed again), not resampled.
  const bool sampled_all = exists(job.file(kSamplesFile));
  uint64_t kept_bytes = 0;
  ResponseStartCounter starts;       // how responses began (the summary's shares, with a mode)
  std::vector<int64_t> simulations;  // go-tactics: each sample's trace simulations, in order
  std::vector<SampleOutcome> outcomes =
      read_done(job.file(sampled_all ? kSamplesFile : kPartialFile), job.tasks, job.K, reader.vocabulary(),
                &kept_bytes, &starts, &simulations);
  outcomes.reserve(job.total);
  summary.samples_done = static_cast<int64_t>(outcomes.size());
  if (outcomes.size() < job.total) {
    if (sampled_all)
      throw UserError(job.file(kSamplesFile) + ": holds only " + std::to_string(outcomes.size()) + " of " +
                      std::to_string(job.total) + " samples (use --force to start over)");
    if (!sample_the_rest(o, job, model, reader.vocabulary(), kept_bytes, starts, outcomes, simulations,
                         summary))
      return summary;  // stopped: the finished lines are kept
  }

  const std::vector<TaskOutcome> scored = score_tasks(o, job, outcomes);
  if (scored.empty()) return summary;  // stopped during A*
  // Fast mode writes no trace: t* over an empty trace would be a ratio against a trace
  // nobody wrote, so its ILRs are null as a solution-only model's (auto keeps them).
  summary.json = compute_metrics(scored, job.search_augmented && o.mode != "fast").to_json();
  if (!o.mode.empty()) starts.append_to(summary.json, o.mode);
  if (job.go_tactics) summary.json["go_tactics"] = go_tactics_summary(job.tasks, outcomes, simulations);
  write_file_atomic(job.file(kSummaryFile), summary.json.dump() + "\n");
  summary.finished = true;
  return summary;
}

}  // namespace traceplay::models
