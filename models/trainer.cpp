// The training loop of `traceplay train` (models/train.h): the run directory's state
// (new, resumed, already done, refused), the model and AdamW over flat buffers, one
// optimizer step = every rank's share of the step's micro-batches, forward/backward
// with an exactly normalised loss, one allreduce of the gradients and the loss sums
// together, clipping, the update; metrics, evaluation and checkpoints on rank 0.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>

#include <unistd.h>

#include <torch/torch.h>
#include <torch/version.h>

#if defined(TRACEPLAY_CUDA) && TORCH_VERSION_MAJOR >= 2
#include <ATen/autocast_mode.h>
#endif

#include "core/dataset.h"
#include "core/error.h"
#include "core/progress.h"
#include "models/allocator.h"
#include "models/checkpoint.h"
#include "models/checkpoint_dir.h"
#include "models/sequence_data.h"
#include "models/torch_runtime.h"
#include "models/trace_drop.h"
#include "models/train.h"
#include "models/train_checkpoint.h"
#include "models/train_distributed.h"
#include "models/train_metrics.h"
#include "models/train_optimizer.h"

namespace traceplay::models {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The slots after the gradients in the allreduced buffer.
enum Extra : int64_t { kLossSum, kTraceSum, kPlanSum, kStopVotes, kExtraSlots };

// Ignored targets (padding) in the cross entropy.
constexpr int64_t kIgnore = -100;

// One micro-batch as tensors. Decoder input = decoder[:-1], targets = decoder[1:] (padding
// ignored). weights [3, B * (T - 1)]: row 0 the objective's weight per target (the global
// normaliser folded in), row 1 1/(trace targets of the row) on trace targets, row 2 the
// same for plan targets, so that weights x per-target losses = [objective share, sum of
// per-sequence trace means, sum of per-sequence plan means] in one matrix-vector product.
struct Batch {
  torch::Tensor prompt, prompt_mask, decoder_in, targets, weights;
  int64_t target_tokens = 0, padded_tokens = 0;
};

// Global counts of a step, which every rank computes for every micro-batch of the step.
struct StepCounts {
  int64_t sequences = 0, trace_sequences = 0, target_tokens = 0;
};

// Row k of a micro-batch as trained: its decoder (the trace dropped, with trace dropping on).
int64_t targets_of(const SequenceSet& set, const MicroBatch& mb, size_t k) {
  return static_cast<int64_t>(mb.decoder(set, k).size()) - 1;
}
int64_t trace_targets_of(const SequenceSet& set, const MicroBatch& mb, size_t k) {
  return static_cast<int64_t>(mb.plan_start(set, k)) - 1;
}

StepCounts count_step(BatchStream& stream, const SequenceSet& set, const std::vector<uint64_t>& indices) {
  StepCounts c;
  for (uint64_t i : indices) {
    const MicroBatch& mb = stream.at(i);
    for (size_t k = 0; k < mb.rows.size(); ++k) {
      ++c.sequences;
      c.trace_sequences += trace_targets_of(set, mb, k) > 0;
      c.target_tokens += targets_of(set, mb, k);
    }
  }
  return c;
}

// objective: per sequence, weight 1 / (its targets x `sequences`); per token (token_mode),
// 1 / `tokens`. Built on the host with one allocation per tensor, then moved.
Batch make_batch(const SequenceSet& set, const MicroBatch& mb, bool token_mode, double sequences,
                 double tokens, const torch::Device& device) {
  const int64_t B = static_cast<int64_t>(mb.rows.size());
  const int64_t P = static_cast<int64_t>(mb.encoder_len), T = static_cast<int64_t>(mb.decoder_len) - 1;
  Batch b;
  auto prompt = torch::zeros({B, P}, torch::kLong);
  auto mask = torch::zeros({B, P}, torch::kBool);
  auto decoder_in = torch::zeros({B, T}, torch::kLong);
  auto targets = torch::full({B, T}, kIgnore, torch::kLong);
  auto weights = torch::zeros({3, B * T}, torch::kFloat);
  int64_t* pp = prompt.data_ptr<int64_t>();
  bool* pm = mask.data_ptr<bool>();
  int64_t* pd = decoder_in.data_ptr<int64_t>();
  int64_t* pt = targets.data_ptr<int64_t>();
  float* w0 = weights.data_ptr<float>();
  float* w1 = w0 + B * T;
  float* w2 = w1 + B * T;
  for (int64_t row = 0; row < B; ++row) {
    const size_t r = static_cast<size_t>(row);
    const std::vector<int32_t>& encoder = set.items[mb.rows[r]].encoder;
    const std::vector<int32_t>& decoder = mb.decoder(set, r);
    const int32_t plan_start = mb.plan_start(set, r);
    for (size_t k = 0; k < encoder.size(); ++k) {
      pp[row * P + static_cast<int64_t>(k)] = encoder[k];
      pm[row * P + static_cast<int64_t>(k)] = true;
    }
    const int64_t n = targets_of(set, mb, r), n_trace = trace_targets_of(set, mb, r), n_plan = n - n_trace;
    const float objective =
        static_cast<float>(token_mode ? 1.0 / tokens : 1.0 / (static_cast<double>(n) * sequences));
    const float trace_w = n_trace > 0 ? static_cast<float>(1.0 / static_cast<double>(n_trace)) : 0.f;
    const float plan_w = static_cast<float>(1.0 / static_cast<double>(n_plan));
    for (int64_t j = 0; j < n; ++j) {
      const int64_t at = row * T + j;
      pd[at] = decoder[static_cast<size_t>(j)];
      pt[at] = decoder[static_cast<size_t>(j + 1)];
      w0[at] = objective;
      // Target j + 1 is a trace target when it comes before plan_start.
      if (j + 1 < plan_start) w1[at] = trace_w;
      else w2[at] = plan_w;
    }
    b.target_tokens += n;
  }
  b.padded_tokens = B * T;
  b.prompt = prompt.to(device);
  b.prompt_mask = mask.to(device);
  b.decoder_in = decoder_in.to(device);
  b.targets = targets.to(device);
  b.weights = weights.to(device);
  return b;
}

// bf16 autocast around the forward pass on CUDA with LibTorch 2.x (DESIGN.md); nothing
// elsewhere.
class AutocastScope {
 public:
  explicit AutocastScope(const torch::Device& device) {
#if defined(TRACEPLAY_CUDA) && TORCH_VERSION_MAJOR >= 2
    on_ = device.is_cuda();
    if (on_) {
      at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
      at::autocast::set_autocast_enabled(at::kCUDA, true);
    }
#else
    (void)device;
#endif
  }
  ~AutocastScope() {
#if defined(TRACEPLAY_CUDA) && TORCH_VERSION_MAJOR >= 2
    if (on_) {
      at::autocast::set_autocast_enabled(at::kCUDA, false);
      at::autocast::clear_cache();
    }
#endif
  }

 private:
  bool on_ = false;
};

// Per-target cross entropy [B * T] of a batch.
torch::Tensor target_losses(EncoderDecoderImpl& model, const Batch& b, const torch::Device& device) {
  torch::Tensor logits;
  {
    AutocastScope autocast(device);
    logits = model.forward(b.prompt, b.prompt_mask, b.decoder_in);
  }
  const int64_t vocab = logits.size(-1);
  return torch::nn::functional::cross_entropy(
      logits.reshape({-1, vocab}), b.targets.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone).ignore_index(kIgnore));
}

// --- the run directory --------------------------------------------------------------

enum class Start : int64_t { kFresh = 0, kResume = 1, kDone = 2, kAbort = 3 };

// The first setting in which a stored run differs from this one, for the refusal.
std::string first_difference(const nlohmann::json& stored, const nlohmann::json& current) {
  for (auto it = current.begin(); it != current.end(); ++it) {
    if (!stored.contains(it.key())) return "\"" + it.key() + "\" is not recorded there";
    if (stored[it.key()] != it.value())
      return "\"" + it.key() + "\": " + stored[it.key()].dump() + " there, " + it.value().dump() + " here";
  }
  return "the recorded settings have other keys";
}

struct RunDirState {
  Start start = Start::kFresh;
  nlohmann::json state;  // the checkpoint's train state (resume, done)
};

// Rank 0 looks at the output directory before anything is written to it.
RunDirState inspect_run_dir(const TrainOptions& o, const nlohmann::json& settings) {
  RunDirState r;
  if (fs::exists(o.out_dir) && !fs::is_directory(o.out_dir))
    throw UserError("--out: " + o.out_dir + " exists and is not a directory");
  if (!fs::exists(o.out_dir)) return r;
  clean_checkpoint_leftovers(o.out_dir);
  auto state = read_train_state(o.out_dir);
  if (!state) return r;
  const int64_t step = (*state)["step"].get<int64_t>(), steps = (*state)["steps"].get<int64_t>();
  const bool finished = (*state)["finished"].get<bool>();
  const bool same = (*state)["settings"] == settings;
  if (same && finished && !(o.force && !o.resume)) {
    r.start = Start::kDone;
    r.state = std::move(*state);
    return r;
  }
  if (same && !finished && o.resume) {
    r.start = Start::kResume;
    r.state = std::move(*state);
    return r;
  }
  if (o.force) return r;
  if (same)
    throw UserError(o.out_dir + " holds an unfinished run of these settings (step " + std::to_string(step) +
                    " of " + std::to_string(steps) +
                    "): pass --resume to continue it, or --force to start over");
  throw UserError(o.out_dir + " holds a run with other settings (" +
                  first_difference((*state)["settings"], settings) +
                  "); use another --out, or --force to replace it");
}

// Removes what a previous run left (only the files this command writes).
void clear_run_dir(const std::string& dir) {
  fs::remove_all(checkpoint_path(dir));
  fs::remove_all(checkpoint_path(dir) + ".tmp");
  fs::remove_all(checkpoint_path(dir) + ".old");
  fs::remove(dir + "/metrics.jsonl");
}

// --- the loop -------------------------------------------------------------------------

struct Validation {
  double loss = 0, token_accuracy = 0;
};

class Trainer {
 public:
  Trainer(const TrainOptions& o) : o_(o) {}
  TrainResult run();

 private:
  void load_data();
  Validation validate();
  void checkpoint(int64_t step, bool finished);
  nlohmann::json state_json(int64_t step, bool finished) const;
  // A log line on stderr (over the progress line on a terminal).
  void say(const std::string& line) const {
    if (o_.quiet) return;
    std::fprintf(stderr, "%s%s: %s\n", tty_ ? "\r\033[K" : "", o_.label.c_str(), line.c_str());
    std::fflush(stderr);
  }

  void check_init_from();

  // run(), step by step.
  struct RunStart {
    Start start = Start::kFresh;
    int64_t step = 0;  // the step training continues from
    RunDirState dir;   // rank 0: what inspect_run_dir found
  };
  struct StepOutcome {  // one optimizer step's figures (all ranks' sums)
    double lr = 0, loss_sum = 0, trace_mean = 0, plan_mean = 0, grad_norm = 0;
    bool has_trace = false, stop_voted = false;
    int64_t target_tokens = 0, padded_tokens = 0;
  };
  struct LogWindow {  // since the last metrics line
    Clock::time_point start = Clock::now(), last_said = Clock::now();
    int64_t tokens = 0, padded = 0;
  };
  struct LoopEnd {
    int64_t step = 0;    // where training stopped
    int64_t tokens = 0;  // target tokens trained on in this run
  };
  void prepare();
  RunStart agree_on_start();
  TrainResult already_done(const RunDirState& dir) const;
  void make_model(const RunStart& begin);
  void copy_weights_from(const std::string& dir, const std::string& mismatch);
  void restore_training_state(const RunDirState& dir);
  std::unique_ptr<MetricsLog> open_run_dir(const RunStart& begin);
  LoopEnd train_steps(int64_t step, MetricsLog* metrics);
  StepOutcome take_step(BatchStream& stream, int64_t step);
  void log_step(int64_t step, double lr, const std::optional<Validation>& val, bool last, MetricsLog& metrics,
                LogWindow& log);
  TrainResult result_of(const LoopEnd& end) const;
  TrainResult result_base() const;  // what every result says: the folder, steps, size

  const TrainOptions& o_;
  std::optional<CheckpointSummary> init_from_;  // --init-from, checked against the data
  torch::Device device_{torch::kCPU};
  bool tty_ = false;
  Manifest manifest_;
  std::vector<std::string> vocabulary_;
  SequenceSet train_, val_;
  size_t dropped_ = 0;                   // sequences longer than max_decoder_tokens
  std::optional<TraceDropper> dropper_;  // with trace dropping on (any p > 0)
  nlohmann::ordered_json settings_;
  TransformerConfig arch_;
  EncoderDecoder model_{nullptr};
  std::unique_ptr<FlatParameters> flat_;
  std::unique_ptr<FlatAdamW> optimizer_;
  std::unique_ptr<Communicator> comm_;
  MetricsWindow window_;
  double elapsed_before_ = 0;  // training seconds of earlier runs of this run directory
  Clock::time_point started_;
  double last_loss_ = 0;
  std::optional<Validation> last_val_;
};

void Trainer::load_data() {
  const DatasetReader reader(o_.data_dir);
  manifest_ = reader.manifest();
  vocabulary_ = reader.vocabulary().tokens();
  const TrainMode mode = parse_train_mode(o_.mode, "--mode");
  train_ = load_sequences(reader, Split::kTrain, mode, static_cast<size_t>(o_.train_sequences),
                          static_cast<size_t>(o_.max_decoder_tokens), &dropped_);
  if (train_.items.empty())
    throw UserError(
        o_.data_dir + ": no training sequences" +
        (dropped_ ? " (all " + std::to_string(dropped_) + " are longer than --max-decoder-tokens)" : ""));
  if (o_.val_sequences > 0)
    val_ = load_sequences(reader, Split::kTest, mode, static_cast<size_t>(o_.val_sequences),
                          static_cast<size_t>(o_.max_decoder_tokens));
  if (o_.drop.any()) dropper_.emplace(reader.vocabulary(), manifest_.domain, o_.drop);
}

// --init-from: the checkpoint must fit the data and the mode; its architecture becomes
// the run's and its weights' hash part of the run's settings (so a resume or a rerun
// from another checkpoint can tell).
void Trainer::check_init_from() {
  const CheckpointSummary c = read_checkpoint_summary(find_checkpoint_dir(o_.init_from, "--init-from"));
  if (c.vocabulary != vocabulary_)
    throw UserError("--init-from " + o_.init_from + ": its vocabulary (" +
                    std::to_string(c.vocabulary.size()) + " tokens) differs from that of " + o_.data_dir +
                    " (" + std::to_string(vocabulary_.size()) +
                    " tokens): the model was trained on other data");
  if (!c.domain.empty() && c.domain != manifest_.domain)
    throw UserError("--init-from " + o_.init_from + ": a " + c.domain + " model, but " + o_.data_dir +
                    " is a " + manifest_.domain + " dataset");
  if (c.mode != o_.mode)
    throw UserError("--init-from " + o_.init_from + ": the checkpoint was trained " + c.mode +
                    ", this run is " + o_.mode + " (--mode)");
  init_from_ = c;
  ModelInfo info = load_model_info(c.dir);
  arch_ = info.arch;
}

Validation Trainer::validate() {
  // Every rank takes every world_size-th batch of the held-out sequences, sorted by length.
  torch::NoGradGuard no_grad;
  BatchStream batches(val_, static_cast<size_t>(o_.batch_tokens), 0, val_.items.size());
  auto sums = torch::zeros({2}, torch::TensorOptions().dtype(torch::kDouble).device(device_));
  int64_t tokens = 0;
  const size_t n = batches.epoch_size(0);
  for (size_t i = 0; i < n; ++i) {
    const MicroBatch& mb = batches.at(i);
    for (size_t k = 0; k < mb.rows.size(); ++k) tokens += targets_of(val_, mb, k);
    if (static_cast<int>(i % static_cast<size_t>(comm_->world_size())) != comm_->rank()) continue;
    // Per-sequence means (sequences = 1 per row), summed.
    const Batch b = make_batch(val_, mb, false, 1.0, 1.0, device_);
    torch::Tensor logits;
    {
      AutocastScope autocast(device_);
      logits = model_->forward(b.prompt, b.prompt_mask, b.decoder_in);
    }
    const int64_t vocab = logits.size(-1);
    auto losses = torch::nn::functional::cross_entropy(
        logits.reshape({-1, vocab}), b.targets.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone).ignore_index(kIgnore));
    sums[0] += torch::dot(b.weights[0], losses).to(torch::kDouble);
    sums[1] += logits.argmax(-1).reshape({-1}).eq(b.targets.reshape({-1})).sum().to(torch::kDouble);
  }
  comm_->allreduce_sum(sums);
  const auto host = sums.cpu();
  Validation v;
  v.loss = host[0].item<double>() / static_cast<double>(val_.items.size());
  v.token_accuracy = host[1].item<double>() / static_cast<double>(tokens);
  return v;
}

nlohmann::json Trainer::state_json(int64_t step, bool finished) const {
  const uint64_t per_step = static_cast<uint64_t>(o_.world_size) * static_cast<uint64_t>(o_.accumulate);
  nlohmann::json metrics = {{"elapsed_s", elapsed_before_ + seconds_since(started_)},
                            {"window", window_.to_json()},
                            {"loss", last_loss_}};
  if (last_val_)
    metrics["val_loss"] = last_val_->loss, metrics["val_token_accuracy"] = last_val_->token_accuracy;
  return {{"format", kTrainStateFormat},
          {"version", 1},
          {"step", step},
          {"steps", o_.steps},
          {"finished", finished},
          {"settings", settings_},
          // Micro-batch i of the stream is a pure function of (data, batch_tokens, seed, i):
          // the position is all the data loader's state. Initialisation drew from torch's
          // generator seeded with `seed`; nothing random happens after it.
          {"data", {{"seed", o_.seed}, {"next_micro_batch", static_cast<uint64_t>(step) * per_step}}},
          {"optimizer", {{"kind", "adamw"}, {"steps", optimizer_->steps()}}},
          {"metrics", metrics},
          {"last_run",
           {{"world_size", o_.world_size},
            {"accumulate", o_.accumulate},
            {"threads", o_.threads},
            {"device", device_.str()}}}};
}

void Trainer::checkpoint(int64_t step, bool finished) {
  if (comm_->rank() != 0) return;
  ModelInfo info;
  info.arch = arch_;
  info.vocabulary = vocabulary_;
  info.mode = o_.mode;
  info.extra = {{"domain", manifest_.domain},
                {"dataset", o_.data_dir},
                {"dataset_identity", manifest_.identity()},
                {"step", step},
                {"steps", o_.steps}};
  if (init_from_) info.extra["init_from"] = init_from_->weights_xxh64;
  write_checkpoint(o_.out_dir, *model_, info, *flat_, *optimizer_, state_json(step, finished));
}

TrainResult Trainer::run() {
  prepare();
  comm_ = make_communicator(o_.world_size, o_.rank, o_.master, device_);
  const RunStart begin = agree_on_start();
  if (begin.start == Start::kDone) return already_done(begin.dir);
  make_model(begin);
  started_ = Clock::now();
  // The untrained control still gets its held-out loss (every rank takes part).
  if (begin.start == Start::kFresh && o_.steps == 0 && !val_.items.empty()) last_val_ = validate();
  std::unique_ptr<MetricsLog> metrics = open_run_dir(begin);
  const LoopEnd end = train_steps(begin.step, metrics.get());
  return result_of(end);
}

// Options, device and threads, the data, the architecture (the options' or --init-from's)
// and the run's settings, which decide whether an existing run directory is this run.
void Trainer::prepare() {
  validate_train_options(o_);
  device_ = torch::Device(check_device(o_.device));
  configure_threads(o_.threads);
  keep_freed_memory();
  tty_ = o_.progress && !o_.quiet && ::isatty(2);
  load_data();
  if (!o_.init_from.empty()) {
    check_init_from();
  } else {
    arch_ = model_config_of(o_, static_cast<int64_t>(vocabulary_.size()));
  }
  settings_ = run_settings(o_);
  if (init_from_) {
    settings_["model"] = {{"preset", arch_.preset},
                          {"dim", arch_.dim},
                          {"encoder_layers", arch_.encoder_layers},
                          {"decoder_layers", arch_.decoder_layers},
                          {"heads", arch_.heads}};
    settings_["init_from"] = {{"checkpoint_xxh64", init_from_->weights_xxh64}, {"step", init_from_->step}};
  }
  settings_["data"] = {
      {"identity", manifest_.identity()}, {"train", manifest_.train}, {"test", manifest_.test}};
  settings_["vocab_size"] = arch_.vocab_size;
}

// Rank 0 decides what to do with the output directory and tells the others (on the run's
// device: NCCL moves only CUDA tensors); a refusal stops every rank.
Trainer::RunStart Trainer::agree_on_start() {
  RunStart begin;
  auto tell = [&](Start start, int64_t at) {
    auto decision = torch::tensor({static_cast<int64_t>(start), at}, torch::kLong).to(device_);
    comm_->broadcast(decision);
    return decision.cpu();
  };
  torch::Tensor decision;
  if (comm_->rank() == 0) {
    try {
      begin.dir = inspect_run_dir(o_, settings_);
    } catch (const UserError&) {
      tell(Start::kAbort, 0);
      throw;
    }
    decision =
        tell(begin.dir.start, begin.dir.state.is_object() ? begin.dir.state["step"].get<int64_t>() : 0);
  } else {
    decision = tell(Start::kFresh, 0);
  }
  begin.start = static_cast<Start>(decision[0].item<int64_t>());
  begin.step = decision[1].item<int64_t>();
  if (begin.start == Start::kAbort) throw UserError("rank 0 refused the run directory (see its message)");
  return begin;
}

// A finished run of the same settings: its recorded figures, nothing trained.
TrainResult Trainer::result_base() const {
  TrainResult result;
  result.out_dir = o_.out_dir;
  result.steps = o_.steps;
  result.parameters = arch_.num_parameters();
  return result;
}

TrainResult Trainer::already_done(const RunDirState& dir) const {
  TrainResult result = result_base();
  result.step = o_.steps;
  result.finished = result.already_done = true;
  if (comm_->rank() == 0) {
    const auto& m = dir.state["metrics"];
    result.loss = m.value("loss", 0.0);
    result.validated = m.contains("val_loss");
    result.val_loss = m.value("val_loss", 0.0);
    result.val_token_accuracy = m.value("val_token_accuracy", 0.0);
    result.elapsed_s = m.value("elapsed_s", 0.0);
  }
  return result;
}

// The model: seeded initialisation, or on rank 0 the weights of --init-from or of the
// checkpoint being resumed (with its optimizer and metrics state); then the same values
// on every rank.
void Trainer::make_model(const RunStart& begin) {
  const bool lead = comm_->rank() == 0;
  {
    // Module constructors draw from torch's global generator: one model at a time, so
    // the initial weights depend on the seed alone, also when `traceplay run` trains
    // arms side by side in one process.
    static std::mutex global_generator;
    std::lock_guard<std::mutex> lock(global_generator);
    torch::manual_seed(o_.seed);
    model_ = EncoderDecoder(arch_);
  }
  model_->to(device_);
  if (lead && begin.start == Start::kFresh && init_from_)
    copy_weights_from(init_from_->dir, init_from_->dir + "/config.json changed while this run started");
  if (lead && begin.start == Start::kResume)
    copy_weights_from(
        checkpoint_path(o_.out_dir),
        checkpoint_path(o_.out_dir) + "/config.json: the architecture differs from the train state's");
  flat_ = std::make_unique<FlatParameters>(*model_, kExtraSlots);
  optimizer_ = std::make_unique<FlatAdamW>(*flat_, AdamWOptions{o_.beta1, o_.beta2, 1e-8, o_.weight_decay});
  if (begin.start == Start::kResume) {
    if (lead) restore_training_state(begin.dir);
    optimizer_->set_steps(begin.step);
  }
  comm_->broadcast(flat_->values());
  comm_->broadcast(optimizer_->exp_avg());
  comm_->broadcast(optimizer_->exp_avg_sq());
}

// Copies a checkpoint's weights into model_ (`mismatch`: the error when its architecture
// is not the run's).
void Trainer::copy_weights_from(const std::string& dir, const std::string& mismatch) {
  ModelInfo info;
  EncoderDecoder stored = load_model(dir, &info, device_);
  if (info.arch.to_json() != arch_.to_json()) throw UserError(mismatch);
  torch::NoGradGuard no_grad;
  auto from = stored->named_parameters();
  for (auto& p : model_->named_parameters()) p.value().copy_(from[p.key()]);
}

// A resumed run's AdamW moments, metrics window, elapsed time and last losses.
void Trainer::restore_training_state(const RunDirState& dir) {
  load_optimizer_state(o_.out_dir, *flat_, *optimizer_);
  const std::string where = checkpoint_path(o_.out_dir) + "/" + kTrainStateFile;
  const auto& m = dir.state["metrics"];
  window_ = MetricsWindow::from_json(m.value("window", nlohmann::json()), where + " \"metrics\".\"window\"");
  elapsed_before_ = m.value("elapsed_s", 0.0);
  last_loss_ = m.value("loss", 0.0);
  if (m.contains("val_loss"))
    last_val_ = Validation{m.value("val_loss", 0.0), m.value("val_token_accuracy", 0.0)};
}

// Rank 0 claims the run directory (a fresh run clears what a previous one left and writes
// its step-0 checkpoint at once; with 0 steps that is the finished untrained run), opens
// metrics.jsonl (a resume truncates it to the checkpoint's step) and says how it starts.
// Other ranks write nothing: nullptr.
std::unique_ptr<MetricsLog> Trainer::open_run_dir(const RunStart& begin) {
  if (comm_->rank() != 0) return nullptr;
  if (begin.start == Start::kFresh) {
    clear_run_dir(o_.out_dir);
    fs::create_directories(o_.out_dir);
  }
  auto metrics = std::make_unique<MetricsLog>(o_.out_dir + "/metrics.jsonl",
                                              begin.start == Start::kResume ? begin.step : -1);
  if (begin.start == Start::kFresh) checkpoint(0, o_.steps == 0);
  const std::string mode = o_.mode + (dropper_ ? ", trace dropping p = " + o_.drop.to_string() : "");
  char line[384];
  std::snprintf(
      line, sizeof line,
      "%s model, %.2fM parameters, %zu training sequences%s, %zu held out, %s, %s at step %lld of %lld",
      arch_.preset.c_str(), static_cast<double>(arch_.num_parameters()) / 1e6, train_.items.size(),
      dropped_ ? (" (" + std::to_string(dropped_) + " too long, dropped)").c_str() : "", val_.items.size(),
      mode.c_str(), begin.start == Start::kResume ? "resuming" : "starting",
      static_cast<long long>(begin.step), static_cast<long long>(o_.steps));
  say(line);
  return metrics;
}

// Optimizer steps from `step` to the end or to a stop request: each step, then its
// metrics line, validation and checkpoint when due.
Trainer::LoopEnd Trainer::train_steps(int64_t step, MetricsLog* metrics) {
  // Trace dropping (Dualformer) applies to the training stream only: val_loss stays on
  // the held-out sequences as they are.
  BatchStream stream(train_, static_cast<size_t>(o_.batch_tokens), o_.seed, BatchStream::kDefaultPoolBatches,
                     dropper_ ? &*dropper_ : nullptr);
  std::optional<Progress> progress;
  if (metrics && tty_) progress.emplace(o_.label, static_cast<uint64_t>(o_.steps), "steps");
  LogWindow log;
  LoopEnd end;
  while (step < o_.steps) {
    const StepOutcome outcome = take_step(stream, step);
    ++step;
    window_.add(outcome.loss_sum, outcome.trace_mean, outcome.has_trace, outcome.plan_mean,
                outcome.grad_norm);
    last_loss_ = outcome.loss_sum;
    log.tokens += outcome.target_tokens;
    log.padded += outcome.padded_tokens;
    end.tokens += outcome.target_tokens;
    const bool stopped = outcome.stop_voted || (o_.stop_at > 0 && step == o_.stop_at && step < o_.steps);
    const bool last = step == o_.steps;
    const bool eval = !val_.items.empty() && ((o_.eval_every > 0 && step % o_.eval_every == 0) || last);
    std::optional<Validation> val;
    if (eval) val = last_val_ = validate();
    if (metrics && (step % o_.log_every == 0 || eval || last))
      log_step(step, outcome.lr, val, last, *metrics, log);
    if (progress) progress->update(static_cast<uint64_t>(step));
    if (last || stopped || (o_.checkpoint_every > 0 && step % o_.checkpoint_every == 0))
      checkpoint(step, last);
    if (stopped) break;
  }
  if (progress) progress->finish();
  end.step = step;
  return end;
}

// One optimizer step: this rank's micro-batches of the step forward and backward with the
// exactly normalised loss, one allreduce of the gradients with the loss sums and stop
// votes, clipping, AdamW; one device-to-host copy for the figures.
Trainer::StepOutcome Trainer::take_step(BatchStream& stream, int64_t step) {
  const uint64_t s = static_cast<uint64_t>(step);
  const bool token_mode = o_.loss_average == "token";
  const StepCounts counts =
      count_step(stream, train_, step_all_micro_batches(s, o_.world_size, o_.accumulate));
  flat_->zero_grad();
  torch::Tensor extra = flat_->extra();
  int64_t padded = 0;
  for (uint64_t index : step_micro_batches(s, o_.world_size, o_.rank, o_.accumulate)) {
    const MicroBatch& mb = stream.at(index);  // valid until the next at(): make_batch does not call it
    const Batch b = make_batch(train_, mb, token_mode, static_cast<double>(counts.sequences),
                               static_cast<double>(counts.target_tokens), device_);
    const torch::Tensor losses = target_losses(*model_, b, device_);
    const torch::Tensor parts = torch::mv(b.weights, losses);  // [objective, trace sums, plan sums]
    parts[0].backward();
    torch::NoGradGuard no_grad;
    extra.narrow(0, kLossSum, 3).add_(parts.detach());
    padded += b.padded_tokens;
  }
  if (o_.stop && o_.stop->load()) extra[kStopVotes] = 1.0;
  comm_->allreduce_sum(flat_->grad_buffer());
  const torch::Tensor norm = clip_grad_norm(flat_->grads(), o_.grad_clip);
  StepOutcome out;
  out.lr = o_.lr * lr_factor(step + 1, o_.warmup, o_.steps, o_.min_lr_ratio);
  optimizer_->step(out.lr);

  const torch::Tensor host =
      torch::cat({extra, norm.reshape({1}).to(extra.scalar_type())}).to(torch::kDouble).cpu();
  const double* h = host.data_ptr<double>();
  out.has_trace = counts.trace_sequences > 0;
  out.loss_sum = h[kLossSum];
  out.trace_mean = out.has_trace ? h[kTraceSum] / static_cast<double>(counts.trace_sequences) : 0.0;
  out.plan_mean = h[kPlanSum] / static_cast<double>(counts.sequences);
  out.grad_norm = h[kExtraSlots];
  out.stop_voted = h[kStopVotes] > 0;
  out.target_tokens = counts.target_tokens;
  out.padded_tokens = padded * o_.world_size;
  return out;
}

// Rank 0: the metrics line of the window since the last one; on a terminal the progress
// line shows the pace, elsewhere a plain line every 10 s (and at validations and the end).
void Trainer::log_step(int64_t step, double lr, const std::optional<Validation>& val, bool last,
                       MetricsLog& metrics, LogWindow& log) {
  const double window_s = seconds_since(log.start);
  nlohmann::ordered_json line;
  line["step"] = step;
  line["loss"] = window_.loss / static_cast<double>(window_.steps);
  line["loss_trace"] =
      window_.trace_steps
          ? nlohmann::ordered_json(window_.loss_trace / static_cast<double>(window_.trace_steps))
          : nlohmann::ordered_json();
  line["loss_plan"] = window_.loss_plan / static_cast<double>(window_.steps);
  line["lr"] = lr;
  line["tokens_per_s"] = window_s > 0 ? static_cast<double>(log.tokens) / window_s : 0.0;
  line["padded_tokens_per_s"] = window_s > 0 ? static_cast<double>(log.padded) / window_s : 0.0;
  line["grad_norm"] = window_.grad_norm / static_cast<double>(window_.steps);
  line["elapsed_s"] = elapsed_before_ + seconds_since(started_);
  if (val) line["val_loss"] = val->loss, line["val_token_accuracy"] = val->token_accuracy;
  metrics.append(line);
  if (val || (!tty_ && seconds_since(log.last_said) >= 10) || last) {
    char text[160];
    std::snprintf(text, sizeof text, "step %lld/%lld loss %.4f lr %.3g %.0f tokens/s",
                  static_cast<long long>(step), static_cast<long long>(o_.steps), line["loss"].get<double>(),
                  lr, line["tokens_per_s"].get<double>());
    std::string said = text;
    if (val)
      said += " val_loss " + std::to_string(val->loss) + " val_token_accuracy " +
              std::to_string(val->token_accuracy);
    say(said);
    log.last_said = Clock::now();
  }
  window_.clear();
  log.start = Clock::now();
  log.tokens = log.padded = 0;
}

TrainResult Trainer::result_of(const LoopEnd& end) const {
  TrainResult result = result_base();
  result.step = end.step;
  result.finished = end.step == o_.steps;
  result.loss = last_loss_;
  if (last_val_) {
    result.validated = true;
    result.val_loss = last_val_->loss;
    result.val_token_accuracy = last_val_->token_accuracy;
  }
  const double run_s = seconds_since(started_);
  result.tokens_per_s = run_s > 0 ? static_cast<double>(end.tokens) / run_s : 0.0;
  result.elapsed_s = elapsed_before_ + run_s;
  return result;
}

}  // namespace

TrainResult train(const TrainOptions& options) {
  Trainer trainer(options);
  return trainer.run();
}

}  // namespace traceplay::models
