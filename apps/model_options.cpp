#include "apps/model_options.h"

#include <limits>
#include <set>
#include <vector>

#include "core/error.h"

namespace traceplay::apps {

namespace {

// Reads table[key] into `out` when present, checking its type and range.
class TableReader {
 public:
  TableReader(const nlohmann::json& table, const std::string& where, std::set<std::string> keys)
      : table_(table), where_(where) {
    if (!table.is_object()) throw UserError(where + ": must be a table");
    for (auto it = table.begin(); it != table.end(); ++it)
      if (!keys.count(it.key())) throw UserError(where + ": unknown key \"" + it.key() + "\"");
  }

  template <class T>
  void integer(const char* key, T& out, int64_t min = 0) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_number_integer()) throw UserError(where_ + ": \"" + key + "\" must be an integer");
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw UserError(where_ + ": \"" + key + "\" is out of range");
    const int64_t x = v.get<int64_t>();
    if (x < min) throw UserError(where_ + ": \"" + key + "\" must be at least " + std::to_string(min));
    if (x > static_cast<int64_t>(std::numeric_limits<T>::max()))
      throw UserError(where_ + ": \"" + key + "\" is out of range");
    out = static_cast<T>(x);
  }

  void number(const char* key, double& out, double min, bool min_inclusive = true) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_number()) throw UserError(where_ + ": \"" + key + "\" must be a number");
    const double x = v.get<double>();
    if (!(min_inclusive ? x >= min : x > min))
      throw UserError(where_ + ": \"" + key + "\" must be " + (min_inclusive ? "at least " : "greater than ") +
                      std::to_string(min));
    out = x;
  }

  // Dualformer's trace dropping: a list of the four probabilities p1..p4.
  void drop(const char* key, models::DropSpec& out) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    const std::string what = where_ + ": \"" + key + "\"";
    if (!v.is_array()) throw UserError(what + " must be a list of four probabilities [p1, p2, p3, p4]");
    std::vector<double> values;
    for (const auto& x : v) {
      if (!x.is_number()) throw UserError(what + " must be a list of four probabilities [p1, p2, p3, p4]");
      values.push_back(x.get<double>());
    }
    out = models::drop_spec_of(values, what);
  }

  void string(const char* key, std::string& out, std::set<std::string> choices = {}) const {
    if (!table_.contains(key)) return;
    const auto& v = table_.at(key);
    if (!v.is_string()) throw UserError(where_ + ": \"" + key + "\" must be a string");
    const std::string s = v.get<std::string>();
    if (!choices.empty() && !choices.count(s)) {
      std::string list;
      for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
      throw UserError(where_ + ": \"" + key + "\" must be one of " + list + ", got \"" + s + "\"");
    }
    out = s;
  }

 private:
  const nlohmann::json& table_;
  const std::string& where_;
};

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
  if (!table.contains("preset") && (table.contains("dim") || table.contains("layers") || table.contains("heads")))
    o.preset = "custom";
}

void apply_train_table(const nlohmann::json& table, models::TrainOptions& o, const std::string& where) {
  const TableReader r(table, where,
                      {"steps", "batch_tokens", "accumulate", "lr", "min_lr_ratio", "warmup", "weight_decay",
                       "beta1", "beta2", "grad_clip", "loss_average", "seed", "device", "threads",
                       "checkpoint_every", "log_every", "eval_every", "val_sequences", "max_decoder_tokens",
                       "train_sequences", "drop"});
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
  r.drop("drop", o.drop);
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
