// The tables `traceplay run` prints when an experiment is done: its datasets, and its
// models' results in the paper's metrics (DESIGN.md, "Metrics"), and the paired
// differences between arms evaluated on the same tasks. Kept apart from
// cmd_run.cpp, which runs the experiment, so that each new result (intervals, paired
// differences, bootstrapping steps) adds a table here without touching the runner.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/dataset.h"

namespace traceplay::apps {

// One arm's dataset, as built or found.
struct DatasetRow {
  std::string arm, data_dir;
  const Manifest* manifest = nullptr;
};

// One arm's results: its TrainResult JSON and its evaluation summary (null when the arm
// has no model).
struct ModelRow {
  std::string arm;
  nlohmann::json train = nullptr, eval = nullptr;
};

// Sizes of each arm's dataset (records, mean prompt / trace / plan tokens, vocabulary).
void print_table(const std::vector<DatasetRow>& rows);
// Each evaluated arm's training and metrics, solved and optimal with their 95% intervals
// ("80.0 [71.1,86.7]"); nothing when no arm was evaluated.
void print_model_table(const std::vector<ModelRow>& rows);
// The paired differences A - B of arms evaluated on the same tasks: run.json's
// "comparisons", entries {"a", "b", "metric", "difference", "ci95", "tasks"}; nothing
// when there are none.
void print_comparison_table(const nlohmann::json& comparisons);
// One bootstrapping arm's steps (run.json's arms[i].bootstrap, apps/run_bootstrap.h):
// step, solved % and optimal % with intervals, optimal's paired difference to step 0,
// SWC, ILR-on-solved, ILR-on-optimal, mean trace tokens against A*'s, share replaced.
void print_bootstrap_table(const std::string& arm, const nlohmann::json& steps);

}  // namespace traceplay::apps
