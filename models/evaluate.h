// `traceplay eval`: sample K responses per test task with the KV-cache sampler, replay
// every plan in the simulator, and score them with the paper's metrics (DESIGN.md).
// A torch-free interface: apps include this header, not torch.
//
// The output directory (OUT) holds:
//   eval.json           the parameters (written first; "mode" only when one is given, so
//                       directories made before modes existed stay valid): a rerun with
//                       other parameters is refused unless `force`;
//   samples.jsonl       one line per task and sample, tasks in split order and samples
//                       0..K-1 within a task: {"id","sample","tokens","trace_tokens",
//                       "plan_positions","correct","optimal","reason"} (pinned). While
//                       sampling it is samples.jsonl.partial, appended as samples finish
//                       and renamed when complete; a stopped or killed run resumes from
//                       its complete lines (a torn last line is dropped) and, since every
//                       (task, sample) draws from its own random stream, gives the same
//                       samples as a straight run;
//   summary.json        the pinned summary (written last, atomically): its presence
//                       makes a rerun with the same parameters a no-op (one written
//                       before the 95% intervals is recomputed from samples.jsonl).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

struct EvalOptions {
  // checkpoint_dir: a checkpoint (config.json + model.safetensors) or a training run
  // directory holding checkpoint/. out_dir empty: RUN_DIR/eval-<split> for a run
  // directory or a checkpoint directory named "checkpoint" (RUN_DIR being its parent);
  // required otherwise.
  std::string checkpoint_dir, data_dir, out_dir;
  std::string split = "test";
  int64_t tasks = 0;         // first N tasks of the split (0 = all)
  int64_t samples = 64;      // K
  double temperature = 1.0;  // 0 = greedy
  int64_t top_k = 0;         // 0 = no truncation
  int64_t batch = 64;        // decoder rows decoded together
  int64_t max_len = 0;       // decoder tokens per response, bos and eos included
                             // (0 = the dataset's longest decoder sequence for the mode)
  int64_t astar_runs = 64;   // non-deterministic A* runs per task for ILR's t* (0: ILR null)
  uint64_t seed = 1;
  std::string device = "cpu";
  int threads = 0;
  // Dualformer's mode (models/eval_modes.h): "" (none: as before this option existed),
  // "fast" (`plan` forced first; ILRs null: no trace is written), "slow" (`create` forced
  // first; refused for solution-only models) or "auto" (nothing forced). A mode is a
  // parameter of eval.json, names the default directory (RUN_DIR/eval-<split>-<mode>)
  // and adds "mode", "fast_share", "slow_share" after the summary's pinned keys.
  std::string mode;
  bool force = false;  // replace an output made with other parameters
  const std::atomic<bool>* stop = nullptr;
  bool progress = true;
  std::string label = "eval";  // names the progress line ("solution-only eval" in a run)
};

// The pinned summary (models/eval_metrics.h): {"tasks","samples","solved","optimal",
// "solved_per_sample","optimal_per_sample","swc","ilr_solved","ilr_optimal",
// "mean_trace_tokens","mean_astar_trace_tokens"}, each metric but the trace means
// followed by its 95% interval "<metric>_ci95": [lo, hi]; ILRs (and their intervals)
// are null for solution-only models (and in fast mode).
// With a mode, "mode","fast_share","slow_share" follow (models/eval_modes.h).
struct EvalSummary {
  nlohmann::ordered_json json;  // the summary (empty when stopped early)
  bool finished = false;        // false when stopped early (samples so far are kept)
  bool already_done = false;    // OUT held a finished evaluation of the same parameters
  std::string out_dir;          // where the results are
  std::string mode;             // the checkpoint's "search-augmented" | "solution-only"
  int64_t samples_done = 0, samples_total = 0;
  int64_t tokens_sampled = 0;  // generated this time (not resumed ones)
  double sampling_s = 0;       // wall time of sampling this time
};

// Runs (or resumes, or recognises) an evaluation; throws UserError for bad input
// (exit 2), before anything is written.
EvalSummary evaluate(const EvalOptions& options);

}  // namespace traceplay::models
