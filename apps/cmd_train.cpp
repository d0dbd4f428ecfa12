// `traceplay train`: trains an encoder-decoder on a dataset (models/train.h) from flags
// or a TOML config's [model] and [train] tables (--config; flags win). Every check runs
// before the output directory is touched. --nproc N runs N local ranks of one
// data-parallel run (apps/train_launcher.h).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "apps/commands.h"
#include "apps/model_options.h"
#include "apps/torch_commands.h"
#include "apps/train_launcher.h"
#include "core/config.h"
#include "core/error.h"
#include "core/signals.h"
#include "models/checkpoint_dir.h"
#include "models/train.h"

namespace traceplay::apps {

namespace {

struct TrainArgs {
  models::TrainOptions o;
  std::string config;
  int nproc = 0;
  bool json = false;
  // Flags given on the command line (they override the config).
  std::vector<std::pair<CLI::Option*, std::function<void(models::TrainOptions&)>>> given;
  CLI::Option *o_preset = nullptr, *o_dim = nullptr, *o_layers = nullptr, *o_heads = nullptr,
              *o_mode = nullptr;
};

// An option whose value, when given, is copied into TrainOptions after the config.
template <class T>
CLI::Option* flag(CLI::App* cmd, TrainArgs& a, const std::string& name, T models::TrainOptions::*field,
                  const std::string& help) {
  auto value = std::make_shared<T>();
  CLI::Option* option = cmd->add_option(name, *value, help);
  a.given.emplace_back(option, [value, field](models::TrainOptions& o) { o.*field = *value; });
  return option;
}

models::TrainOptions resolve(const TrainArgs& a) {
  models::TrainOptions o = a.o;  // data, out, resume, force, distributed flags, init_from
  bool mode_set = false;
  if (!a.config.empty()) {
    const nlohmann::json config = load_toml(a.config);
    for (auto it = config.begin(); it != config.end(); ++it)
      if (it.value().is_object() && it.key() != "model" && it.key() != "train" && it.key() != "data" &&
          it.key() != "eval")
        throw UserError(a.config + ": unknown table [" + it.key() + "] (train reads [model] and [train])");
    if (config.contains("model")) apply_model_table(config["model"], o, a.config + " [model]");
    mode_set = config.contains("model") && config["model"].contains("mode");
    if (config.contains("train")) apply_train_table(config["train"], o, a.config + " [train]");
  }
  const bool sized = a.o_dim->count() || a.o_layers->count() || a.o_heads->count();
  for (const auto& [option, apply] : a.given)
    if (option->count()) apply(o);
  // A size on the command line means a custom model; a preset there drops the config's size.
  if (sized && !a.o_preset->count()) o.preset = "custom";
  if (a.o_preset->count() && !sized) o.dim = o.layers = o.heads = o.encoder_layers = o.decoder_layers = 0;
  if (!o.init_from.empty()) {
    // The checkpoint defines the architecture; its mode is the default mode.
    if (a.o_preset->count() || sized)
      throw UserError(
          "--init-from takes the architecture from the checkpoint: drop --preset/--dim/--layers/--heads");
    const auto checkpoint =
        models::read_checkpoint_summary(models::find_checkpoint_dir(o.init_from, "--init-from"));
    if (!mode_set && !a.o_mode->count()) o.mode = checkpoint.mode;
  }
  return o;
}

void print_result(const models::TrainResult& r, bool json) {
  char val[96] = "";
  if (r.validated)
    std::snprintf(val, sizeof val, ", val_loss %.4f, val_token_accuracy %.4f", r.val_loss,
                  r.val_token_accuracy);
  if (r.already_done)
    std::printf("%s: already done (%lld steps, loss %.4f%s)\n", r.out_dir.c_str(),
                static_cast<long long>(r.steps), r.loss, val);
  else if (r.finished)
    std::printf("%s: trained %lld steps (loss %.4f%s, %.0f tokens/s, %.1f s)\n", r.out_dir.c_str(),
                static_cast<long long>(r.steps), r.loss, val, r.tokens_per_s, r.elapsed_s);
  else
    std::printf("%s: stopped at step %lld of %lld, checkpoint written; continue with --resume\n",
                r.out_dir.c_str(), static_cast<long long>(r.step), static_cast<long long>(r.steps));
  if (json) std::printf("%s\n", r.to_json().dump().c_str());
  std::fflush(stdout);
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("train", torch_command("train").summary);
  auto a = std::make_shared<TrainArgs>();
  using O = models::TrainOptions;
  cmd->add_option("--data", a->o.data_dir, "Dataset directory (traceplay gen)")->required();
  cmd->add_option("--out", a->o.out_dir, "Run directory (checkpoint/, metrics.jsonl)")->required();
  cmd->add_option("--config", a->config, "TOML file with [model] and [train] tables (flags win)");
  a->o_preset = flag(cmd, *a, "--preset", &O::preset, "Model size: s, m, l or xl (default s)");
  a->o_dim = flag(cmd, *a, "--dim", &O::dim, "Custom model width");
  a->o_layers = flag(cmd, *a, "--layers", &O::layers, "Custom model: encoder and decoder layers each");
  a->o_heads = flag(cmd, *a, "--heads", &O::heads, "Custom model: attention heads");
  a->o_mode = flag(cmd, *a, "--mode", &O::mode,
                   "search-augmented (bos trace plan eos) or solution-only (bos plan eos)");
  flag(cmd, *a, "--steps", &O::steps, "Optimizer steps (0: checkpoint the untrained model)");
  flag(cmd, *a, "--batch-tokens", &O::batch_tokens, "Padded decoder tokens per micro-batch (16384)");
  flag(cmd, *a, "--accumulate", &O::accumulate, "Micro-batches per rank and step (1)");
  flag(cmd, *a, "--lr", &O::lr, "Peak learning rate (2.5e-4)");
  flag(cmd, *a, "--warmup", &O::warmup, "Linear warmup steps before the cosine decay to 0.1 x lr (2000)");
  flag(cmd, *a, "--weight-decay", &O::weight_decay, "AdamW weight decay (0.01)");
  flag(cmd, *a, "--grad-clip", &O::grad_clip, "Clip the global gradient norm to this (1.0; 0: off)");
  flag(cmd, *a, "--loss-average", &O::loss_average,
       "sequence (the reference: per sequence, then batch) or token");
  flag(cmd, *a, "--seed", &O::seed, "Seed of the initialisation and the batch order (1)")
      ->check(CLI::Validator(
          [](std::string& text) {
            // CLI11 would wrap "-1" around into a uint64_t.
            return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos
                       ? std::string()
                       : "must be a non-negative integer, got " + text;
          },
          "UINT"));
  flag(cmd, *a, "--device", &O::device, "cpu, cuda or cuda:N");
  flag(cmd, *a, "--threads", &O::threads, "Torch threads per process (default: all cores)");
  flag(cmd, *a, "--checkpoint-every", &O::checkpoint_every,
       "Checkpoint every N steps (1000; 0: only at the end)");
  flag(cmd, *a, "--log-every", &O::log_every, "A metrics.jsonl line every N steps (10)");
  flag(cmd, *a, "--eval-every", &O::eval_every, "Held-out loss every N steps (500; 0: only at the end)");
  flag(cmd, *a, "--val-sequences", &O::val_sequences, "Held-out sequences (test split) for val_loss (256)");
  flag(cmd, *a, "--max-decoder-tokens", &O::max_decoder_tokens, "Drop longer sequences (0: keep all)");
  flag(cmd, *a, "--train-sequences", &O::train_sequences, "Use the first N training sequences (0: all)");
  cmd->add_option(
      "--init-from", a->o.init_from,
      "Start from this checkpoint's weights (fresh optimizer and schedule; its architecture and mode)");
  {
    // "p1,p2,p3,p4", parsed (and refused with one line) when the options are resolved.
    auto text = std::make_shared<std::string>();
    CLI::Option* option = cmd->add_option(
        "--drop", *text,
        "Dualformer trace dropping: probabilities p1,p2,p3,p4 of dropping the close steps, also the costs, "
        "also 30% of the create steps, the whole trace (default 0,0,0,0: off)");
    a->given.emplace_back(option, [text](O& o) { o.drop = models::parse_drop_spec(*text, "--drop"); });
  }
  cmd->add_option("--stop-at", a->o.stop_at, "Checkpoint and stop after this step (resumable chunks)");
  cmd->add_flag("--resume", a->o.resume, "Continue the unfinished run in --out");
  cmd->add_flag("--force", a->o.force, "Replace a run of other settings in --out");
  cmd->add_option("--world-size", a->o.world_size, "Data parallel: number of ranks");
  cmd->add_option("--rank", a->o.rank, "Data parallel: this process's rank");
  cmd->add_option("--master", a->o.master, "Data parallel: HOST:PORT of rank 0's rendezvous");
  auto* nproc = cmd->add_option("--nproc", a->nproc, "Run N local ranks of one data-parallel run");
  cmd->add_flag("--json", a->json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, a, nproc] {
    models::TrainOptions o = resolve(*a);
    if (nproc->count()) {
      if (a->nproc < 1) throw UserError("--nproc must be at least 1, got " + std::to_string(a->nproc));
      if (o.world_size != 1 || o.rank != 0)
        throw UserError("--nproc and --world-size/--rank exclude each other");
      o.world_size = a->nproc;
      models::validate_train_options(o);  // bad flags fail once, here, not in every rank
      std::vector<std::string> args = own_arguments_without_nproc();
      // Ranks share this machine's cores unless told otherwise.
      if (o.threads == 0) {
        const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        args.insert(args.end(), {"--threads", std::to_string(std::max(1, cores / a->nproc))});
      }
      exit_code = launch_ranks(a->nproc, args);
      return;
    }
    install_stop_handlers();
    o.stop = &stop_flag();
    o.quiet = o.rank != 0;
    const models::TrainResult result = models::train(o);
    const bool interrupted = !result.finished && stop_requested();
    if (interrupted && o.rank == 0)
      std::fprintf(stderr,
                   "traceplay train: interrupted at step %lld of %lld; checkpoint written; "
                   "run the same command with --resume to continue\n",
                   static_cast<long long>(result.step), static_cast<long long>(result.steps));
    if (o.rank == 0 && (!interrupted || a->json)) print_result(result, a->json);
    exit_code = interrupted ? stop_exit_code() : kExitOk;
  });
}

}  // namespace traceplay::apps
