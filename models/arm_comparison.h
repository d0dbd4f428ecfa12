// Paired comparison of two arms evaluated on the same tasks (DESIGN.md, "Summaries"):
// for each metric that is a mean over tasks, the difference A - B and its 95% paired
// bootstrap interval (core/intervals.h). Pairing by task removes what both arms share
// -- how hard each task is -- so a difference can be resolved that two overlapping
// Wilson intervals cannot. Torch-free.
//
// Compared: "optimal", "solved" (per-task 0/1) and "swc" (per task as in SWC). Not ILR:
// its t* comes from A* runs that the summary averages but samples.jsonl does not keep,
// and an ILR difference means little between arms of which one writes no trace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/eval_metrics.h"
#include "core/intervals.h"

namespace traceplay::models {

// One arm's evaluation, task by task: ids[i] is the dataset id of tasks[i].
struct ArmTasks {
  std::vector<uint64_t> ids;
  std::vector<TaskOutcome> tasks;  // l* and the samples; t* unset
};

struct PairedDifference {
  std::string metric;     // "optimal" | "solved" | "swc"
  double difference = 0;  // mean over tasks of A's per-task value minus B's
  Interval ci95;
  int64_t tasks = 0;
};

// The metrics compared, in this order: optimal, solved, swc. Tasks are matched by id
// (their order may differ). Throws UserError, naming `a_name` / `b_name`, when the task
// sets differ (giving a task that is in one and not the other), an id repeats, or there
// are no tasks.
std::vector<PairedDifference> compare_arms(const ArmTasks& a, const ArmTasks& b, const std::string& a_name,
                                           const std::string& b_name, const ResampleOptions& options = {});

// {"metric", "difference", "ci95": [lo, hi], "tasks"}.
nlohmann::ordered_json to_json(const PairedDifference& d);

// An evaluation directory's outcomes per task (models/evaluate.h): the split and task
// count from its eval.json, l* from the dataset's records (the same first tasks of the
// split), the samples from samples.jsonl (K lines per task, in the dataset's order).
// Throws UserError naming the file when anything is missing or does not fit.
ArmTasks read_arm_tasks(const std::string& eval_dir, const std::string& data_dir);

}  // namespace traceplay::models
