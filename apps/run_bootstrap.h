// `traceplay run`: an arm with a [bootstrap] table runs the Searchformer's whole
// bootstrapping loop (DESIGN.md, "Bootstrapping"): the arm's own training and evaluation
// are step 0; then for j = 1..iterations: sample the training prompts with step j-1's
// model and write a new dataset (models/bootstrap.h), fine-tune step j-1's model on it
// (`train --init-from`), evaluate on the arm's test tasks. Everything resumes.
//
//   [bootstrap]          (top level or per arm, e.g. `bootstrap.iterations = 3` in one arm)
//   iterations = 3       steps after step 0 (0: no bootstrapping)
//   samples = 4          responses per training prompt
//   temperature = 1.0    sampling temperature (top_k, max_len as in [eval])
//   keep_astar_candidate = false
//   [bootstrap.train]    overrides of [train] for every fine-tune (the reference: 10k steps, lr 7.5e-5)
//
// Step j samples with --max-len from step j-1's dataset (its longest trace + plan), so
// a response longer than any trace that model was fine-tuned on is cut and counts as
// incorrect; with keep_astar_candidate it could not have won anyway.
//
// Each step j >= 1 lives in <arm>/bootstrap-<j>/: data/ (the new dataset, its sampling
// in data/samples/), train/ (the fine-tuned run), eval-<split>/.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/bootstrap.h"
#include "models/evaluate.h"
#include "models/train.h"

namespace traceplay::apps {

struct BootstrapPlan {
  int64_t iterations = 0;
  models::BootstrapOptions sampling;  // checkpoint, data and out are set per step
  models::TrainOptions finetune;      // init_from, data and out are set per step
};

// The arm's [bootstrap] table with its [train] and [eval] options (already resolved);
// nullopt when the table is absent or iterations = 0. Throws UserError naming `where`
// and the key for unknown keys, wrong types, or a solution-only arm.
std::optional<BootstrapPlan> plan_bootstrap(const nlohmann::json& table, const models::TrainOptions& train,
                                            const models::EvalOptions& eval, const std::string& where);

// Step 0's entry of run.json's arms[i].bootstrap: {"step": 0, "dataset", "replaced": 0, "eval"}.
nlohmann::json bootstrap_step_zero(const std::string& dataset, const nlohmann::json& eval);

// Runs steps 1..iterations of an arm whose step 0 trained into `train_dir` on `data_dir`
// and evaluated with `eval` (its out_dir names the split's folder). Calls on_step with
// each finished step's run.json entry {"step", "dataset", "replaced", "replaced_share",
// "mean_trace_before", "mean_trace_after", "sampling", "train", "eval", "vs_step0"}: the
// last, the paired differences against step 0 on the same tasks (models/arm_comparison.h).
// False when a stop request cut it short (what is done is kept and resumes). The table
// of the steps is apps/run_tables.h's print_bootstrap_table.
bool run_bootstrap_steps(const BootstrapPlan& plan, const std::string& arm_dir, const std::string& train_dir,
                         const std::string& data_dir, const models::EvalOptions& eval,
                         const std::function<void(const nlohmann::json&)>& on_step);

}  // namespace traceplay::apps
