// `traceplay bootstrap`: one step of the Searchformer's search-dynamics bootstrapping
// (Lehnert et al. 2024, section 4.3). A search-augmented model samples K responses for
// every *training* prompt with `traceplay eval`'s sampler and verdicts (models/evaluate.h:
// the same KV-cache continuous batching, seeding and samples.jsonl); for each prompt the
// response with the fewest trace tokens among those whose plan is correct and optimal
// replaces the record's trace and plan, else the record keeps its own. The result is a
// dataset in the pinned format that a model is fine-tuned on (`train --init-from`).
// A torch-free interface.
//
// The output directory NEW_DATA holds:
//   bootstrap.json       the parameters (written first): a rerun with other parameters is
//                        refused unless `force`;
//   samples/             the sampling, an evaluation directory of the training split
//                        (eval.json, samples.jsonl, summary.json): a stopped or killed run
//                        resumes there without redoing finished prompts;
//   train-NNNNN.jsonl.zst  the parent's training shards, same names, same records in the
//                        same order, traces and plans replaced where a response won;
//   test-NNNNN.jsonl.zst   the parent's test shards, copied byte for byte;
//   manifest.json        written last (its presence: "already done"): the parent's, with
//                        new shard checksums and lengths, and the lineage keys "parent",
//                        "checkpoint", "checkpoint_step", "step", "replaced" (core/dataset.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

struct BootstrapOptions {
  std::string checkpoint;         // a checkpoint or a training run directory
  std::string data_dir, out_dir;  // the dataset the model learned from; NEW_DATA
  int64_t samples = 0;            // K responses per training prompt (>= 1)
  double temperature = 1.0;       // sampling temperature (0: greedy, then K = 1 is enough)
  int64_t top_k = 0;
  int64_t batch = 64;   // decoder rows decoded together
  int64_t max_len = 0;  // 0: the dataset's longest decoder sequence
  uint64_t seed = 1;
  // The record's own trace competes too: a response replaces it only when its trace is
  // strictly shorter, so no kept trace is longer than the record's.
  bool keep_astar_candidate = false;
  std::string device = "cpu";
  int threads = 0;
  bool force = false;  // replace an output made with other parameters
  const std::atomic<bool>* stop = nullptr;
  bool progress = true;
  std::string label = "bootstrap";
};

struct BootstrapResult {
  bool finished = false;      // false when stopped during sampling (finished samples are kept)
  bool already_done = false;  // NEW_DATA held a finished result of the same parameters
  std::string out_dir;
  int64_t step = 0;       // the bootstrapping step of NEW_DATA (1 + the parent's)
  uint64_t train = 0;     // training records
  uint64_t replaced = 0;  // training traces replaced by a model response
  double mean_trace_before = 0, mean_trace_after = 0;  // mean trace tokens of the training records
  nlohmann::ordered_json sampling;  // the pinned eval summary of the sampling (training prompts)
  // {"out","step","train","replaced","replaced_share","mean_trace_before","mean_trace_after","sampling"}
  nlohmann::ordered_json to_json() const;
};

// Runs (or resumes, or recognises) one bootstrapping step; throws UserError for bad
// input (exit 2) before anything is written.
BootstrapResult bootstrap(const BootstrapOptions& options);

}  // namespace traceplay::models
