// traceplay.models, the Searchformer part: a checkpoint loaded as `traceplay eval` loads
// it, its test tasks read as eval reads them, responses sampled with eval's KV-cache
// sampler (the same sequence numbering and random streams, so the same tokens for the
// same seed) and replayed in the simulator, teacher-forced log-likelihoods of given
// responses, and the next-token distribution through the decoding cache. Sampling and
// scoring release the GIL; one model runs one call at a time (a lock).
#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <pybind11/stl.h>
#include <torch/torch.h>

#include "core/dataset.h"
#include "core/error.h"
#include "core/hash.h"
#include "models/checkpoint.h"
#include "models/checkpoint_dir.h"
#include "models/eval_modes.h"
#include "models/response_check.h"
#include "models/sampler.h"
#include "models/samples_file.h"
#include "models/torch_runtime.h"
#include "python/bindings.h"
#include "search/maze_trace.h"
#include "search/plan_tokens.h"
#include "search/sokoban_trace.h"

namespace traceplay::python {

namespace {

// Responses of tasks made from a bare prompt (no dataset to take the longest from).
constexpr int64_t kDefaultMaxLen = 1024;
// The sampler indexes prompts by sequence / K, so the tasks before first_task take a slot each.
constexpr int64_t kMaxFirstTask = 10'000'000;

// A task to prompt a model with: eval's EvalTask, and what its dataset says of response
// lengths (for eval's default --max-len).
struct Task {
  models::EvalTask task;
  bool has_reference = true;              // false for a bare prompt: no dataset plan, so `optimal` is unknown
  int64_t trace_max = -1, plan_max = -1;  // the dataset's longest trace / plan (-1: no dataset)
};

Task task_from_prompt(const std::vector<std::string>& prompt, int width, int height,
                      const std::string& domain) {
  if (width < 1 || height < 1 || width > 1000 || height > 1000)
    throw py::value_error("width and height must be 1..1000, got " + std::to_string(width) + " x " +
                          std::to_string(height));
  Task t;
  t.has_reference = false;
  t.task.id = hash_tokens(prompt);
  t.task.domain = domain;
  t.task.width = width;
  t.task.height = height;
  t.task.prompt = prompt;
  if (domain == "maze") {
    t.task.maze = search::maze_task_from_prompt(prompt, width, height);  // UserError -> ValueError
  } else if (domain == "sokoban") {
    t.task.sokoban = search::level_from_prompt(prompt, width, height);
  } else {
    throw py::value_error("domain must be maze or sokoban, got \"" + domain + "\"");
  }
  return t;
}

// The tasks of a split in eval's order (models/evaluate.cpp load_tasks).
std::vector<Task> load_tasks(const std::string& data, const std::string& split_name_arg, int64_t count) {
  if (count < 0)
    throw py::value_error("count must be >= 0 (0 = every task of the split), got " + std::to_string(count));
  std::vector<Task> tasks;
  py::gil_scoped_release release;
  const Split split = parse_split(split_name_arg, "split");
  const DatasetReader reader(data);
  const Manifest& manifest = reader.manifest();
  const std::string where = reader.dir() + " (" + split_name(split) + ")";
  reader.for_each(split, [&](const DatasetRecord& record) {
    Task t;
    t.task = models::eval_task_from_record(record, manifest, reader.vocabulary(), where);
    t.trace_max = manifest.trace_lengths.max;
    t.plan_max = manifest.plan_lengths.max;
    tasks.push_back(std::move(t));
    return count == 0 || static_cast<int64_t>(tasks.size()) < count;
  });
  if (tasks.empty()) throw UserError(data + ": the " + split_name(split) + " split has no tasks");
  return tasks;
}

// One sampled response, checked against its task.
struct Sample {
  uint64_t task_id = 0;
  int64_t task_index = 0;  // the task's place in the list given to generate
  int64_t sample = 0;      // k of K
  uint64_t sequence = 0;   // the sampler's s = (first_task + task_index) * K + k: its random stream
  std::vector<int32_t> ids;
  std::vector<std::string> tokens;  // bos first; eos last unless max_len cut it
  models::ResponseCheck check;
  bool has_reference = true;
  std::vector<Pos> plan;  // the parsed plan (empty when it does not parse)
};

Sample checked_sample(const Task& task, std::vector<std::string> tokens) {
  Sample s;
  s.task_id = task.task.id;
  s.has_reference = task.has_reference;
  s.check = models::check_response(task.task, tokens);
  const search::ParsedResponse parsed =
      search::parse_plan_response(tokens, std::max(task.task.width, task.task.height));
  if (parsed.ok) s.plan = parsed.plan;
  s.tokens = std::move(tokens);
  return s;
}

// The line samples.jsonl holds for a sample (without the newline).
std::string sample_line(const Sample& s) {
  models::SampleRecord r;
  r.id = s.task_id;
  r.sample = s.sample;
  r.tokens = s.tokens;
  r.outcome = s.check.outcome;
  r.reason = s.check.reason;
  std::string line;
  models::append_sample_line(line, r);
  line.pop_back();
  return line;
}

py::dict check_dict(const Sample& s) {
  py::dict d;
  d["correct"] = s.check.outcome.correct;
  d["optimal"] = s.has_reference ? py::cast(s.check.outcome.optimal) : py::none();
  d["reason"] = s.check.reason ? py::cast(*s.check.reason) : py::none();
  d["trace_tokens"] = s.check.outcome.trace_tokens;
  d["plan_positions"] = s.check.outcome.plan_positions;
  d["plan"] = to_py(s.plan);
  return d;
}

class Model {
 public:
  Model(const std::string& path, const std::string& device, int threads) : device_(torch::kCPU) {
    if (threads < 0)
      throw py::value_error("threads must be >= 0 (0 = leave torch's setting), got " +
                            std::to_string(threads));
    py::gil_scoped_release release;
    dir_ = models::find_checkpoint_dir(path, "checkpoint");
    device_ = torch::Device(models::check_device(device, "device"));
    if (threads > 0) models::configure_threads(threads);
    net_ = models::load_model(dir_, &info_, device_);
    if (info_.mode != "search-augmented" && info_.mode != "solution-only")
      throw UserError(dir_ + "/config.json: unknown \"mode\" \"" + info_.mode + "\"");
    net_->eval();
    vocabulary_ = Vocabulary::from_list(info_.vocabulary);
  }

  const std::string& dir() const { return dir_; }
  const models::ModelInfo& info() const { return info_; }
  std::string device() const { return device_.str(); }
  bool search_augmented() const { return info_.mode == "search-augmented"; }

  // The ids of token strings in this model's vocabulary; ValueError naming the token.
  std::vector<int32_t> encode(const std::vector<std::string>& tokens, const std::string& what) const {
    std::vector<int32_t> ids;
    ids.reserve(tokens.size());
    for (const auto& t : tokens) {
      const int32_t id = vocabulary_.find(t);
      if (id < 0)
        throw py::value_error(what + ": token \"" + t + "\" is not in the vocabulary of " + dir_ +
                              "/config.json (" + std::to_string(vocabulary_.size()) +
                              " tokens): the model was trained on other data");
      ids.push_back(id);
    }
    return ids;
  }
  // bos prompt eos, as the encoder reads it.
  std::vector<int32_t> encoder_input(const std::vector<std::string>& prompt, const std::string& what) const {
    if (prompt.empty()) throw py::value_error(what + ": the prompt is empty");
    std::vector<int32_t> ids{Vocabulary::kBos};
    const std::vector<int32_t> body = encode(prompt, what);
    ids.insert(ids.end(), body.begin(), body.end());
    ids.push_back(Vocabulary::kEos);
    return ids;
  }

  std::vector<std::vector<Sample>> generate(const std::vector<const Task*>& tasks, int64_t samples,
                                            double temperature, int64_t top_k, int64_t seed, int64_t max_len,
                                            int64_t batch, const std::string& mode, int64_t first_task) {
    // The checks and messages of `traceplay eval` (models/evaluate.cpp validate).
    if (samples < 1) throw py::value_error("samples must be at least 1, got " + std::to_string(samples));
    if (!(temperature >= 0) || temperature > 100)
      throw py::value_error("temperature must be between 0 (greedy) and 100, got " +
                            std::to_string(temperature));
    if (top_k < 0)
      throw py::value_error("top_k must be >= 0 (0 = no truncation), got " + std::to_string(top_k));
    if (batch < 1) throw py::value_error("batch must be at least 1, got " + std::to_string(batch));
    if (max_len != 0 && (max_len < 2 || max_len > models::kMaxResponseTokens))
      throw py::value_error("max_len must be 2.." + std::to_string(models::kMaxResponseTokens) +
                            " (bos and one token at least) or 0 (from the tasks' dataset), got " +
                            std::to_string(max_len));
    if (seed < 0) throw py::value_error("seed must be >= 0, got " + std::to_string(seed));
    if (first_task < 0 || first_task > kMaxFirstTask)
      throw py::value_error("first_task must be 0.." + std::to_string(kMaxFirstTask) + ", got " +
                            std::to_string(first_task));
    if (!mode.empty() && !models::is_eval_mode(mode))
      throw py::value_error("mode must be fast, slow or auto, got \"" + mode + "\"");
    if (mode == "slow" && !search_augmented())
      throw py::value_error("mode slow: " + dir_ +
                            " is a solution-only model, which writes no trace; slow mode needs a "
                            "search-augmented model");
    if (tasks.empty()) return {};

    const auto K = static_cast<uint64_t>(samples);
    const auto first = static_cast<uint64_t>(first_task);
    std::vector<std::vector<int32_t>> prompts(first);  // tasks before first_task: never sampled
    int64_t longest = 0;
    bool from_dataset = true;
    for (size_t i = 0; i < tasks.size(); ++i) {
      const Task& t = *tasks[i];
      prompts.push_back(
          encoder_input(t.task.prompt, "task " + std::to_string(i) + " (" + hex16(t.task.id) + ")"));
      if (t.plan_max < 0) from_dataset = false;
      longest = std::max<int64_t>(longest, (search_augmented() ? t.trace_max : 0) + t.plan_max + 2);
    }
    models::SamplerOptions so;
    so.batch = batch;
    so.max_len = max_len > 0 ? max_len : from_dataset ? longest : kDefaultMaxLen;
    so.temperature = temperature;
    so.top_k = top_k;
    so.seed = static_cast<uint64_t>(seed);
    so.samples_per_prompt = samples;
    so.forced_prefix = models::forced_prefix(mode, vocabulary_);

    std::vector<std::vector<Sample>> out(tasks.size(), std::vector<Sample>(static_cast<size_t>(K)));
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      models::Sampler sampler(*net_, device_, so);
      sampler.run(prompts, first * K, (first + tasks.size()) * K, [&](models::SampledSequence&& seq) {
        const uint64_t index = seq.index / K - first;
        const Task& task = *tasks[index];
        Sample s = checked_sample(task, vocabulary_.decode(seq.tokens));
        s.task_index = static_cast<int64_t>(index);
        s.sample = static_cast<int64_t>(seq.index % K);
        s.sequence = seq.index;
        s.ids = std::move(seq.tokens);
        out[index][static_cast<size_t>(s.sample)] = std::move(s);
      });
    }
    return out;
  }

  // Teacher-forced log-probabilities of each response token after bos, in double
  // precision, `batch` sequences per forward pass.
  std::vector<std::vector<double>> token_log_probs(const std::vector<std::vector<int32_t>>& prompts,
                                                   const std::vector<std::vector<int32_t>>& responses,
                                                   int64_t batch) {
    std::vector<std::vector<double>> out(responses.size());
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex_);
    c10::InferenceMode guard;
    const auto n = static_cast<int64_t>(responses.size());
    for (int64_t begin = 0; begin < n; begin += batch) {
      const int64_t end = std::min(n, begin + batch), B = end - begin;
      int64_t P = 1, T = 1;
      for (int64_t i = begin; i < end; ++i) {
        P = std::max<int64_t>(P, static_cast<int64_t>(prompts[i].size()));
        T = std::max<int64_t>(T, static_cast<int64_t>(responses[i].size()) - 1);
      }
      // Padding: id 0, masked in the prompt; the causal mask keeps it from real positions.
      torch::Tensor prompt = torch::zeros({B, P}, torch::kInt64);
      torch::Tensor mask = torch::zeros({B, P}, torch::kBool);
      torch::Tensor decoder = torch::zeros({B, T}, torch::kInt64);
      auto pa = prompt.accessor<int64_t, 2>();
      auto ma = mask.accessor<bool, 2>();
      auto da = decoder.accessor<int64_t, 2>();
      for (int64_t b = 0; b < B; ++b) {
        const auto& p = prompts[begin + b];
        const auto& r = responses[begin + b];
        for (size_t j = 0; j < p.size(); ++j) {
          pa[b][static_cast<int64_t>(j)] = p[j];
          ma[b][static_cast<int64_t>(j)] = true;
        }
        for (size_t j = 0; j + 1 < r.size(); ++j) da[b][static_cast<int64_t>(j)] = r[j];
      }
      const torch::Tensor logits = net_->forward(prompt.to(device_), mask.to(device_), decoder.to(device_));
      const torch::Tensor logp =
          torch::log_softmax(logits.to(torch::kCPU).to(torch::kFloat64), -1).contiguous();
      auto la = logp.accessor<double, 3>();
      for (int64_t b = 0; b < B; ++b) {
        const auto& r = responses[begin + b];
        std::vector<double>& lp = out[static_cast<size_t>(begin + b)];
        for (size_t j = 1; j < r.size(); ++j) lp.push_back(la[b][static_cast<int64_t>(j - 1)][r[j]]);
      }
    }
    return out;
  }

  // log p(next token | prompt, prefix) through the decoding cache (one decode_step per
  // prefix token): the sampler's path, not the teacher-forced one.
  std::vector<double> next_token_log_probs(const std::vector<int32_t>& prompt,
                                           const std::vector<int32_t>& prefix) {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex_);
    c10::InferenceMode guard;
    const auto P = static_cast<int64_t>(prompt.size());
    torch::Tensor host = torch::empty({1, P}, torch::kInt64);
    auto ha = host.accessor<int64_t, 2>();
    for (int64_t j = 0; j < P; ++j) ha[0][j] = prompt[static_cast<size_t>(j)];
    const torch::Tensor p = host.to(device_);
    const torch::Tensor mask =
        torch::ones({1, P}, torch::TensorOptions().dtype(torch::kBool).device(device_));
    const torch::Tensor features = net_->encode(p, mask);
    models::DecoderCache cache = net_->new_cache(features, mask, static_cast<int64_t>(prefix.size()));
    torch::Tensor logits;
    for (int32_t id : prefix)
      logits = net_->decode_step(
          cache, torch::full({1}, id, torch::TensorOptions().dtype(torch::kInt64).device(device_)));
    const torch::Tensor logp =
        torch::log_softmax(logits.to(torch::kCPU).to(torch::kFloat64), -1).contiguous();
    const double* data = logp.data_ptr<double>();
    return std::vector<double>(data, data + logp.size(1));
  }

  const Vocabulary& vocabulary() const { return vocabulary_; }

 private:
  std::string dir_;
  torch::Device device_;
  models::ModelInfo info_;
  models::EncoderDecoder net_{nullptr};
  Vocabulary vocabulary_;
  std::mutex mutex_;  // one call at a time: the model grows its RoPE tables on demand
};

// A prompt from Python: a Task or a list of token strings (without bos / eos).
std::vector<std::string> prompt_tokens(const py::handle& prompt) {
  if (py::isinstance<Task>(prompt)) return prompt.cast<const Task&>().task.prompt;
  return prompt.cast<std::vector<std::string>>();
}

// A response from Python: a Sample or a list of token strings; bos is put first when missing.
std::vector<std::string> response_tokens(const py::handle& response) {
  std::vector<std::string> tokens = py::isinstance<Sample>(response)
                                        ? response.cast<const Sample&>().tokens
                                        : response.cast<std::vector<std::string>>();
  if (tokens.empty() || tokens.front() != "bos") tokens.insert(tokens.begin(), "bos");
  return tokens;
}

bool is_single_prompt(const py::handle& prompts) {
  if (py::isinstance<Task>(prompts)) return true;
  if (!py::isinstance<py::sequence>(prompts) || py::isinstance<py::str>(prompts)) return false;
  const py::sequence seq = prompts.cast<py::sequence>();
  return seq.size() > 0 && py::isinstance<py::str>(seq[0]);
}

// log_likelihood's arguments: one prompt for every response, or one prompt per response.
py::object log_likelihood(Model& m, const py::object& prompts, const py::sequence& responses, int64_t batch,
                          bool per_token) {
  if (batch < 1) throw py::value_error("batch must be at least 1, got " + std::to_string(batch));
  const size_t n = responses.size();
  std::vector<std::vector<int32_t>> encoder_inputs, decoder_tokens;
  const bool single = is_single_prompt(prompts);
  std::optional<py::sequence> prompt_list;
  if (!single) {
    prompt_list = prompts.cast<py::sequence>();
    if (prompt_list->size() != n)
      throw py::value_error("prompts: " + std::to_string(prompt_list->size()) + " prompts for " +
                            std::to_string(n) + " responses (give one prompt, or one per response)");
  }
  for (size_t i = 0; i < n; ++i) {
    const std::string what = "response " + std::to_string(i);
    if (single) {
      if (i == 0) encoder_inputs.push_back(m.encoder_input(prompt_tokens(prompts), "prompt"));
      else encoder_inputs.push_back(encoder_inputs.front());
    } else {
      encoder_inputs.push_back(
          m.encoder_input(prompt_tokens((*prompt_list)[i]), "prompt " + std::to_string(i)));
    }
    const std::vector<std::string> tokens = response_tokens(responses[i]);
    if (tokens.size() < 2) throw py::value_error(what + ": no token after bos to score");
    decoder_tokens.push_back(m.encode(tokens, what));
  }
  const auto log_probs = m.token_log_probs(encoder_inputs, decoder_tokens, batch);
  if (per_token) {
    py::list out;
    for (const auto& lp : log_probs) out.append(to_numpy(std::vector<double>(lp)));
    return std::move(out);
  }
  std::vector<double> sums;
  for (const auto& lp : log_probs) {
    double s = 0;
    for (double v : lp) s += v;
    sums.push_back(s);
  }
  return to_numpy(std::move(sums));
}

}  // namespace

void bind_models(py::module_& m) {
  py::class_<Task>(m, "Task",
                   "A maze or Sokoban task to prompt a model with: its prompt tokens and the task\n"
                   "they describe (responses are replayed in it). From a dataset (load_tasks, as\n"
                   "`traceplay eval` reads its split) or from a bare prompt.")
      .def(py::init(&task_from_prompt), py::arg("prompt"), py::arg("width"), py::arg("height"),
           py::arg("domain") = "maze",
           "A task from prompt tokens (as a dataset record's prompt, without bos/eos) on a\n"
           "width x height grid. With no dataset plan, a response's `optimal` is None.")
      .def_property_readonly("id", [](const Task& t) { return hex16(t.task.id); })
      .def_property_readonly("domain", [](const Task& t) { return t.task.domain; })
      .def_property_readonly("width", [](const Task& t) { return t.task.width; })
      .def_property_readonly("height", [](const Task& t) { return t.task.height; })
      .def_property_readonly(
          "prompt", [](const Task& t) { return t.task.prompt; }, "Prompt tokens (no bos/eos).")
      .def_property_readonly(
          "reference_plan_positions",
          [](const Task& t) -> py::object {
            return t.has_reference ? py::cast(t.task.reference_plan_positions) : py::none();
          },
          "l*: positions of the dataset's plan (None for a bare prompt).")
      .def(
          "check",
          [](const Task& t, const std::vector<std::string>& tokens) {
            return check_dict(checked_sample(t, tokens));
          },
          py::arg("tokens"),
          "Replays a response (token strings, bos first or not) as eval does: a dict of correct,\n"
          "optimal, reason, trace_tokens, plan_positions, plan ((x, y) list).")
      .def("__repr__", [](const Task& t) {
        return "<Task " + hex16(t.task.id) + ": " + t.task.domain + " " + std::to_string(t.task.width) + "x" +
               std::to_string(t.task.height) + ", " + std::to_string(t.task.prompt.size()) +
               " prompt tokens>";
      });

  m.def("load_tasks", &load_tasks, py::arg("data"), py::arg("split") = "test", py::arg("count") = 0,
        "The first `count` tasks (0: all) of a dataset split, in `traceplay eval`'s order, each\n"
        "checked as eval checks it (its own plan must replay). Releases the GIL.");

  py::class_<Sample>(m, "Sample",
                     "One sampled response, replayed in its task's simulator (nothing the model\n"
                     "writes is trusted).")
      .def_property_readonly("task_id", [](const Sample& s) { return hex16(s.task_id); })
      .def_readonly("task_index", &Sample::task_index, "The task's place in the list given to generate.")
      .def_readonly("sample", &Sample::sample, "k of the task's K samples.")
      .def_readonly("sequence", &Sample::sequence,
                    "The sampler's sequence number ((first_task + task_index) * K + k): its random stream.")
      .def_readonly("tokens", &Sample::tokens, "Token strings, bos first, eos last unless max_len cut it.")
      .def_property_readonly(
          "ids", [](const Sample& s) { return to_numpy(std::vector<int32_t>(s.ids)); }, "int32 token ids.")
      .def_property_readonly(
          "trace",
          [](const Sample& s) {
            const auto begin = s.tokens.begin() + (s.tokens.empty() || s.tokens[0] != "bos" ? 0 : 1);
            return std::vector<std::string>(begin, begin + s.check.outcome.trace_tokens);
          },
          "The trace: tokens after bos before the first 'plan'.")
      .def_property_readonly(
          "plan", [](const Sample& s) { return to_py(s.plan); },
          "The plan's (x, y) positions ([] when the response does not parse).")
      .def_property_readonly(
          "correct", [](const Sample& s) { return s.check.outcome.correct; },
          "The plan replays from the start to the goal (Sokoban: every box on a dock).")
      .def_property_readonly(
          "optimal",
          [](const Sample& s) -> py::object {
            return s.has_reference ? py::cast(s.check.outcome.optimal) : py::none();
          },
          "Correct and no longer than the dataset's plan (None for a bare prompt's task).")
      .def_property_readonly(
          "reason", [](const Sample& s) { return s.check.reason; },
          "Why it is not correct (None when correct).")
      .def_property_readonly("trace_tokens", [](const Sample& s) { return s.check.outcome.trace_tokens; })
      .def_property_readonly("plan_positions", [](const Sample& s) { return s.check.outcome.plan_positions; })
      .def("json_line", &sample_line, "Its line in `traceplay eval`'s samples.jsonl (without the newline).")
      .def("__repr__", [](const Sample& s) {
        return "<Sample " + hex16(s.task_id) + "/" + std::to_string(s.sample) + ": " +
               std::to_string(s.tokens.size()) + " tokens, " +
               (s.check.outcome.correct ? "correct" : "not correct") + ">";
      });

  py::class_<Model>(m, "Model",
                    "A Searchformer checkpoint (config.json + model.safetensors), its weights checked\n"
                    "against config.json's checksum, in eval mode.")
      .def(py::init<const std::string&, const std::string&, int>(), py::arg("path"),
           py::arg("device") = "cpu", py::arg("threads") = 0,
           "`path`: a checkpoint or a training run directory holding checkpoint/ (as `traceplay\n"
           "eval --checkpoint`). device 'cpu', 'cuda' or 'cuda:N'. threads > 0 sets torch's\n"
           "intra-op threads for the whole process (0 leaves them). ValueError with the command\n"
           "line's message for a missing, damaged or foreign checkpoint.")
      .def_property_readonly("checkpoint", &Model::dir, "The checkpoint directory.")
      .def_property_readonly("device", &Model::device)
      .def_property_readonly(
          "mode", [](const Model& model) { return model.info().mode; },
          "'search-augmented' (writes a trace, then the plan) or 'solution-only'.")
      .def_property_readonly(
          "domain", [](const Model& model) { return model.info().extra.value("domain", std::string()); },
          "The training data's domain ('' when the checkpoint does not record it).")
      .def_property_readonly("step",
                             [](const Model& model) { return model.info().extra.value("step", int64_t{0}); })
      .def_property_readonly(
          "vocabulary", [](const Model& model) { return model.vocabulary().tokens(); },
          "Token strings by id.")
      .def_property_readonly("weights_xxh64", [](const Model& model) { return model.info().weights_xxh64; })
      .def_property_readonly(
          "arch", [](const Model& model) { return to_py(model.info().arch.to_json()); },
          "The architecture (config.json's \"arch\").")
      .def_property_readonly("parameters",
                             [](const Model& model) { return model.info().arch.num_parameters(); })
      .def(
          "generate",
          [](Model& model, const py::object& tasks, int64_t samples, double temperature, int64_t top_k,
             int64_t seed, int64_t max_len, int64_t batch, const std::string& mode,
             int64_t first_task) -> py::object {
            const bool one = py::isinstance<Task>(tasks);
            std::vector<const Task*> list;
            py::list keep;  // the tasks stay alive while the GIL is released
            if (one) {
              list.push_back(&tasks.cast<const Task&>());
            } else {
              for (const py::handle& t : tasks) {
                keep.append(t);
                if (!py::isinstance<Task>(t))
                  throw py::type_error("tasks must be a models.Task or a list of them, got an element " +
                                       py::repr(t).cast<std::string>());
                list.push_back(&t.cast<const Task&>());
              }
            }
            auto out =
                model.generate(list, samples, temperature, top_k, seed, max_len, batch, mode, first_task);
            if (one) return py::cast(std::move(out.front()));
            return py::cast(std::move(out));
          },
          py::arg("tasks"), py::arg("samples") = 1, py::arg("temperature") = 1.0, py::arg("top_k") = 0,
          py::arg("seed") = 1, py::arg("max_len") = 0, py::arg("batch") = 64, py::arg("mode") = "",
          py::arg("first_task") = 0,
          "Samples `samples` responses per task with `traceplay eval`'s KV-cache sampler and\n"
          "replays each: a list of Sample for one Task, a list of such lists for a list of tasks.\n"
          "Sequence (first_task + i) * samples + k draws from its own stream of `seed`, so the\n"
          "tasks of load_tasks(data, split) with eval's --samples/--temperature/--top-k/--seed\n"
          "give eval's samples.jsonl (first_task: the place of tasks[0] in that split).\n"
          "temperature 0 is greedy. max_len 0: the tasks' dataset's longest trace (search-\n"
          "augmented) + plan + 2, as eval; 1024 for bare-prompt tasks. mode '' / 'fast' / 'slow'\n"
          "/ 'auto' as eval --mode. Releases the GIL.")
      .def("log_likelihood", &log_likelihood, py::arg("prompts"), py::arg("responses"), py::arg("batch") = 16,
           py::arg("per_token") = false,
           "Teacher-forced log-likelihoods (natural log, float64) of responses (token lists,\n"
           "bos added when missing, or Samples) given prompts (one Task / token list for all,\n"
           "or one per response): the sum over each response's tokens after bos, as a numpy\n"
           "array, or with per_token=True a list of per-token arrays. Releases the GIL.")
      .def(
          "next_token_log_probs",
          [](Model& model, const py::object& prompt, const std::vector<std::string>& prefix) {
            const std::vector<int32_t> encoder = model.encoder_input(prompt_tokens(prompt), "prompt");
            std::vector<std::string> tokens = prefix;
            if (tokens.empty() || tokens.front() != "bos") tokens.insert(tokens.begin(), "bos");
            return to_numpy(model.next_token_log_probs(encoder, model.encode(tokens, "prefix")));
          },
          py::arg("prompt"), py::arg("prefix") = std::vector<std::string>{},
          "log p(next token) (float64, one per vocabulary id) after `prefix` (bos added when\n"
          "missing), computed through the decoding cache as the sampler does. Releases the GIL.")
      .def("__repr__", [](const Model& model) {
        return "<Model " + model.dir() + ": " + model.info().mode + ", " +
               std::to_string(model.info().arch.num_parameters()) + " parameters>";
      });

  m.def(
      "load",
      [](const std::string& path, const std::string& device, int threads) {
        return std::make_unique<Model>(path, device, threads);
      },
      py::arg("path"), py::arg("device") = "cpu", py::arg("threads") = 0, "The same as Model(path, ...).");
}

}  // namespace traceplay::python
