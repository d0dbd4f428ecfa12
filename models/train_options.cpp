// The torch-free half of models/train.h: option checks, the run's defining settings,
// the learning-rate schedule and the JSON summary.
#include <cmath>
#include <string>

#include "core/error.h"
#include "models/sequence_data.h"
#include "models/train.h"

namespace traceplay::models {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw UserError(message);
}

std::string num(double x) {
  std::string s = std::to_string(x);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void validate_train_options(const TrainOptions& o) {
  require(!o.data_dir.empty(), "--data must name a dataset directory");
  require(!o.out_dir.empty(), "--out must name a run directory");
  parse_train_mode(o.mode, "--mode");
  const bool sized = o.dim > 0 || o.layers > 0 || o.heads > 0 || o.encoder_layers > 0 || o.decoder_layers > 0;
  if (o.preset == "custom") {
    require(o.dim > 0 && o.heads > 0, "a custom model needs --dim and --heads");
    require(o.layers > 0 || (o.encoder_layers > 0 && o.decoder_layers > 0),
            "a custom model needs --layers (or encoder_layers and decoder_layers)");
    require(o.dim % o.heads == 0, "--dim (" + std::to_string(o.dim) + ") must be divisible by --heads (" +
                                      std::to_string(o.heads) + ")");
    require((o.dim / o.heads) % 2 == 0,
            "--dim / --heads = " + std::to_string(o.dim / o.heads) + " must be even (RoPE rotates pairs)");
  } else {
    require(o.preset == "s" || o.preset == "m" || o.preset == "l" || o.preset == "xl",
            "--preset: \"" + o.preset + "\" is not a preset (expected s, m, l or xl)");
    require(!sized,
            "--preset " + o.preset + " and a custom size (--dim/--layers/--heads) exclude each other");
  }
  // 0 steps: the untrained model, checkpointed as it was initialised (a control arm).
  require(o.steps >= 0, "--steps must not be negative, got " + std::to_string(o.steps));
  require(o.batch_tokens >= 1, "--batch-tokens must be at least 1, got " + std::to_string(o.batch_tokens));
  require(o.accumulate >= 1, "--accumulate must be at least 1, got " + std::to_string(o.accumulate));
  require(std::isfinite(o.lr) && o.lr > 0, "--lr must be a positive number, got " + num(o.lr));
  require(o.min_lr_ratio >= 0 && o.min_lr_ratio <= 1,
          "min_lr_ratio must be in [0, 1], got " + num(o.min_lr_ratio));
  require(o.warmup >= 0, "--warmup must not be negative, got " + std::to_string(o.warmup));
  require(o.steps == 0 || o.warmup <= o.steps, "--warmup (" + std::to_string(o.warmup) +
                                                   ") must not exceed --steps (" + std::to_string(o.steps) +
                                                   ")");
  require(std::isfinite(o.weight_decay) && o.weight_decay >= 0,
          "--weight-decay must be a non-negative number, got " + num(o.weight_decay));
  require(o.beta1 >= 0 && o.beta1 < 1, "beta1 must be in [0, 1), got " + num(o.beta1));
  require(o.beta2 >= 0 && o.beta2 < 1, "beta2 must be in [0, 1), got " + num(o.beta2));
  require(std::isfinite(o.grad_clip) && o.grad_clip >= 0,
          "--grad-clip must be a non-negative number (0: no clipping), got " + num(o.grad_clip));
  require(o.loss_average == "sequence" || o.loss_average == "token",
          "--loss-average: \"" + o.loss_average + "\" (expected sequence or token)");
  require(o.threads >= 0, "--threads must not be negative");
  require(o.checkpoint_every >= 0, "--checkpoint-every must not be negative (0: only at the end)");
  require(o.log_every >= 1, "--log-every must be at least 1");
  require(o.eval_every >= 0, "--eval-every must not be negative (0: only at the end)");
  require(o.val_sequences >= 0, "--val-sequences must not be negative");
  require(o.max_decoder_tokens >= 0, "--max-decoder-tokens must not be negative (0: no limit)");
  require(o.max_decoder_tokens == 0 || o.max_decoder_tokens >= 3,
          "--max-decoder-tokens must be at least 3 (bos, one plan token, eos)");
  require(o.train_sequences >= 0, "--train-sequences must not be negative (0: all)");
  require(o.stop_at >= 0, "--stop-at must not be negative");
  o.drop.validate("--drop");
  require(!o.drop.any() || parse_train_mode(o.mode, "--mode") == TrainMode::kSearchAugmented,
          "--drop (train.drop) needs --mode search-augmented: a solution-only sequence has no trace to drop");
  require(o.world_size >= 1, "--world-size must be at least 1, got " + std::to_string(o.world_size));
  require(o.rank >= 0 && o.rank < o.world_size, "--rank must be in [0, --world-size), got " +
                                                    std::to_string(o.rank) + " with world size " +
                                                    std::to_string(o.world_size));
  const auto colon = o.master.rfind(':');
  require(colon != std::string::npos && colon > 0, "--master: \"" + o.master + "\" is not HOST:PORT");
  const std::string port = o.master.substr(colon + 1);
  require(!port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos &&
              std::stoi(port) >= 1 && std::stoi(port) <= 65535,
          "--master: \"" + o.master + "\" needs a port in 1..65535");
}

TransformerConfig model_config_of(const TrainOptions& o, int64_t vocab_size) {
  if (o.preset != "custom") return TransformerConfig::preset_named(o.preset, vocab_size);
  TransformerConfig c;
  c.preset = "custom";
  c.vocab_size = vocab_size;
  c.dim = o.dim;
  c.heads = o.heads;
  c.encoder_layers = o.encoder_layers > 0 ? o.encoder_layers : o.layers;
  c.decoder_layers = o.decoder_layers > 0 ? o.decoder_layers : o.layers;
  c.validate();
  return c;
}

nlohmann::ordered_json run_settings(const TrainOptions& o) {
  nlohmann::ordered_json j;
  j["mode"] = o.mode;
  const TransformerConfig arch = model_config_of(o, 2);  // the size only; the vocabulary comes from the data
  j["model"] = {{"preset", arch.preset},
                {"dim", arch.dim},
                {"encoder_layers", arch.encoder_layers},
                {"decoder_layers", arch.decoder_layers},
                {"heads", arch.heads}};
  j["steps"] = o.steps;
  j["batch_tokens"] = o.batch_tokens;
  // One process accumulating 2 sees what two processes with 1 see together.
  j["micro_batches_per_step"] = static_cast<int64_t>(o.world_size) * o.accumulate;
  j["lr"] = o.lr;
  j["min_lr_ratio"] = o.min_lr_ratio;
  j["warmup"] = o.warmup;
  j["weight_decay"] = o.weight_decay;
  j["beta1"] = o.beta1;
  j["beta2"] = o.beta2;
  j["grad_clip"] = o.grad_clip;
  j["loss_average"] = o.loss_average;
  j["seed"] = o.seed;
  j["val_sequences"] = o.val_sequences;
  j["max_decoder_tokens"] = o.max_decoder_tokens;
  j["train_sequences"] = o.train_sequences;
  if (o.drop.any()) j["drop"] = o.drop.p;
  return j;
}

double lr_factor(int64_t step, int64_t warmup, int64_t steps, double min_ratio) {
  if (step <= warmup) return warmup > 0 ? static_cast<double>(step) / static_cast<double>(warmup) : 1.0;
  if (step >= steps) return min_ratio;
  const double s = static_cast<double>(step - warmup) / static_cast<double>(steps - warmup);
  return min_ratio + 0.5 * (1.0 - min_ratio) * (std::cos(M_PI * s) + 1.0);
}

nlohmann::ordered_json TrainResult::to_json() const {
  nlohmann::ordered_json j;
  j["out"] = out_dir;
  j["step"] = step;
  j["steps"] = steps;
  j["finished"] = finished;
  j["already_done"] = already_done;
  j["parameters"] = parameters;
  j["loss"] = loss;
  j["val_loss"] = validated ? nlohmann::ordered_json(val_loss) : nlohmann::ordered_json();
  j["val_token_accuracy"] = validated ? nlohmann::ordered_json(val_token_accuracy) : nlohmann::ordered_json();
  j["tokens_per_s"] = tokens_per_s;
  j["elapsed_s"] = elapsed_s;
  return j;
}

}  // namespace traceplay::models
