#include "apps/model_options.h"

#include <limits>
#include <set>
#include <vector>

#include "core/config_table.h"
#include "core/error.h"

namespace traceplay::apps {

namespace {

// Dualformer's trace dropping: a list of the four probabilities p1..p4.
void read_drop(const nlohmann::json& table, const std::string& where, const char* key,
               models::DropSpec& out) {
  if (!table.contains(key)) return;
  const auto& v = table.at(key);
  const std::string what = where + ": \"" + key + "\"";
  if (!v.is_array()) throw UserError(what + " must be a list of four probabilities [p1, p2, p3, p4]");
  std::vector<double> values;
  for (const auto& x : v) {
    if (!x.is_number()) throw UserError(what + " must be a list of four probabilities [p1, p2, p3, p4]");
    values.push_back(x.get<double>());
  }
  out = models::drop_spec_of(values, what);
}

}  // namespace

void apply_model_table(const nlohmann::json& table, models::TrainOptions& o, const std::string& where) {
  const TableReader r(table, where,
                      {"preset", "dim", "layers", "heads", "encoder_layers", "decoder_layers", "mode"});
  r.string("preset", o.preset, {"s", "m", "l", "xl", "custom"});
  r.integer("dim", o.dim, 1);
  r.integer("layers", o.layers, 1);
  r.integer("heads", o.heads, 1);
  r.integer("encoder_layers", o.encoder_layers, 1);
  r.integer("decoder_layers", o.decoder_layers, 1);
  r.string("mode", o.mode, {"search-augmented", "solution-only"});
  // A size without a preset means a custom model.
  if (!table.contains("preset") &&
      (table.contains("dim") || table.contains("layers") || table.contains("heads")))
    o.preset = "custom";
}

void apply_train_table(const nlohmann::json& table, models::TrainOptions& o, const std::string& where) {
  const TableReader r(table, where, {"steps",        "batch_tokens",  "accumulate",         "lr",
                                     "min_lr_ratio", "warmup",        "weight_decay",       "beta1",
                                     "beta2",        "grad_clip",     "loss_average",       "seed",
                                     "device",       "threads",       "checkpoint_every",   "log_every",
                                     "eval_every",   "val_sequences", "max_decoder_tokens", "train_sequences",
                                     "drop"});
  r.integer("steps", o.steps, 0);
  r.integer("batch_tokens", o.batch_tokens, 1);
  r.integer("accumulate", o.accumulate, 1);
  r.number("lr", o.lr, 0, false);
  r.number("min_lr_ratio", o.min_lr_ratio, 0);
  r.integer("warmup", o.warmup, 0);
  r.number("weight_decay", o.weight_decay, 0);
  r.number("beta1", o.beta1, 0);
  r.number("beta2", o.beta2, 0);
  r.number("grad_clip", o.grad_clip, 0);
  r.string("loss_average", o.loss_average, {"sequence", "token"});
  r.integer("seed", o.seed, 0);
  r.string("device", o.device);
  r.integer("threads", o.threads, 0);
  r.integer("checkpoint_every", o.checkpoint_every, 1);
  r.integer("log_every", o.log_every, 1);
  r.integer("eval_every", o.eval_every, 1);
  r.integer("val_sequences", o.val_sequences, 0);
  r.integer("max_decoder_tokens", o.max_decoder_tokens, 0);
  r.integer("train_sequences", o.train_sequences, 0);
  read_drop(table, where, "drop", o.drop);
  if (o.beta1 >= 1 || o.beta2 >= 1) throw UserError(where + ": \"beta1\" and \"beta2\" must be below 1");
}

void apply_eval_table(const nlohmann::json& table, models::EvalOptions& o, const std::string& where) {
  const TableReader r(table, where,
                      {"split", "tasks", "samples", "temperature", "top_k", "batch", "max_len", "astar_runs",
                       "seed", "device", "threads", "mode"});
  r.string("split", o.split, {"train", "test"});
  r.integer("tasks", o.tasks, 0);
  r.integer("samples", o.samples, 1);
  r.number("temperature", o.temperature, 0);
  r.integer("top_k", o.top_k, 0);
  r.integer("batch", o.batch, 1);
  r.integer("max_len", o.max_len, 0);
  r.integer("astar_runs", o.astar_runs, 0);  // 0: no A* runs, ILR null
  r.integer("seed", o.seed, 0);
  r.string("device", o.device);
  r.integer("threads", o.threads, 0);
  r.string("mode", o.mode, {"fast", "slow", "auto"});
}

}  // namespace traceplay::apps
