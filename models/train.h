// `traceplay train`: the training loop behind a torch-free interface (apps include this
// header, not torch). See models/README.md for the run directory it writes.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/trace_drop.h"
#include "models/transformer_config.h"

namespace traceplay::models {

struct TrainOptions {
  std::string data_dir, out_dir;
  // Architecture: a preset name or a custom size (vocab_size comes from the dataset).
  std::string preset = "s";                        // "s" | "m" | "l" | "xl" | "custom"
  int64_t dim = 0, layers = 0, heads = 0;          // custom (layers: encoder and decoder each)
  int64_t encoder_layers = 0, decoder_layers = 0;  // override `layers` when > 0
  std::string mode = "search-augmented";           // | "solution-only"
  // Start from this checkpoint's weights (a checkpoint or a run directory holding
  // checkpoint/) with a fresh optimizer and schedule, as bootstrapping fine-tunes. The
  // architecture is the checkpoint's (preset and sizes are ignored), the mode must be
  // its mode, its vocabulary the dataset's; its weights' hash joins the run's settings.
  std::string init_from;
  int64_t steps = 10000;         // 0: checkpoint the untrained model (a control)
  int64_t batch_tokens = 16384;  // padded decoder tokens per micro-batch
  int accumulate = 1;            // micro-batches per rank and step
  double lr = 2.5e-4, min_lr_ratio = 0.1;
  int64_t warmup = 2000;
  double weight_decay = 0.01, beta1 = 0.9, beta2 = 0.99, grad_clip = 1.0;
  std::string loss_average = "sequence";  // "sequence" (the reference) | "token"
  uint64_t seed = 1;
  bool resume = false, force = false;
  std::string device = "cpu";  // "cpu" | "cuda" | "cuda:N"
  int threads = 0;             // torch intra-op threads; 0 = all cores
  int64_t checkpoint_every = 1000, log_every = 10, eval_every = 500;
  int64_t val_sequences = 256;     // held-out (test split) sequences for val_loss
  int64_t max_decoder_tokens = 0;  // drop longer training sequences (0 = keep all)
  int64_t train_sequences = 0;     // use only the first N training sequences (0 = all)
  DropSpec drop;                   // Dualformer trace dropping p1..p4 (all 0: off)
  // Data parallel (torch c10d): Gloo on CPU, NCCL on CUDA.
  int world_size = 1, rank = 0;
  std::string master = "127.0.0.1:29500";
  int64_t stop_at = 0;                      // checkpoint and return after this step (0 = run to the end)
  const std::atomic<bool>* stop = nullptr;  // Ctrl-C / SIGTERM: checkpoint and return
  bool progress = true;                     // the terminal progress line
  bool quiet = false;                       // no log lines on stderr (ranks other than 0)
  std::string label = "train";              // names the log lines ("solution-only train" in a run)
};

// Throws UserError naming the flag for values out of range or combinations that do not
// go together (a preset with a custom size, world size vs rank, a bad --master, ...).
// Checks only the options themselves: nothing is read or written.
void validate_train_options(const TrainOptions& options);

// The architecture the options ask for (a preset, or the custom size) for a vocabulary.
TransformerConfig model_config_of(const TrainOptions& options, int64_t vocab_size);

// The settings that define a run (what a resumed or repeated run must share with the
// run in the output directory): everything but threads, device, logging and
// checkpoint cadence, world size x accumulate taken as one number (the global batch).
// "drop" is present only when trace dropping is on, so runs without it keep the
// settings (and the resume checks) they always had.
nlohmann::ordered_json run_settings(const TrainOptions& options);

// The learning-rate factor of update `step` (1-based) of `steps`, as the reference's
// cosine schedule (searchformer/transformer/optim.py): step / warmup during warmup,
// then min_ratio + (1 - min_ratio) / 2 x (1 + cos(pi s)), s = (step - warmup) / (steps -
// warmup), decaying to min_ratio at the last step.
double lr_factor(int64_t step, int64_t warmup, int64_t steps, double min_ratio);

struct TrainResult {
  int64_t step = 0;           // steps done (== steps when finished)
  int64_t steps = 0;          // the run's length
  bool finished = false;      // false when stopped early (a checkpoint was written)
  bool already_done = false;  // the output held a finished run of the same parameters
  double loss = 0, val_loss = 0, val_token_accuracy = 0;
  bool validated = false;  // val_* hold a held-out evaluation (null in JSON otherwise)
  double tokens_per_s = 0, elapsed_s = 0;
  int64_t parameters = 0;
  std::string out_dir;
  // {"out", "step", "steps"... } -- the last stdout line of `train --json`.
  nlohmann::ordered_json to_json() const;
};

// Trains (or resumes, or recognises a finished run); throws UserError for bad input.
TrainResult train(const TrainOptions& options);

}  // namespace traceplay::models
