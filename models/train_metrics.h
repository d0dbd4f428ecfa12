// RUN_DIR/metrics.jsonl: one JSON object per logged step, {"step", "loss", "loss_trace",
// "loss_plan", "lr", "tokens_per_s", "padded_tokens_per_s", "grad_norm", "elapsed_s"}
// plus "val_loss", "val_token_accuracy" on evaluation steps. Training losses are means
// over the steps since the previous line (as the reference's logger averages between
// log points); "loss_trace" is null when no sequence had trace targets (solution-only).
// A resumed run rewrites the file to the lines of steps up to its checkpoint, then
// appends: no line is lost or repeated.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

// Loss sums over the steps since the last logged line; kept in the train state, so a
// resumed run logs the same numbers as an uninterrupted one.
struct MetricsWindow {
  int64_t steps = 0;
  double loss = 0, loss_plan = 0, grad_norm = 0;
  double loss_trace = 0;
  int64_t trace_steps = 0;  // steps that had trace targets

  void add(double step_loss, double step_trace, bool has_trace, double step_plan, double step_grad_norm);
  void clear() { *this = MetricsWindow(); }
  nlohmann::json to_json() const;
  // Throws UserError naming `where` for a malformed object.
  static MetricsWindow from_json(const nlohmann::json& j, const std::string& where);
};

class MetricsLog {
 public:
  // keep_through < 0: a new run (the file starts empty). Otherwise the lines of steps
  // <= keep_through are kept (rewritten atomically; a torn last line is dropped).
  MetricsLog(std::string path, int64_t keep_through);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  // Appends one line and flushes it.
  void append(const nlohmann::ordered_json& line);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace traceplay::models
