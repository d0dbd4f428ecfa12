#include "models/arm_comparison.h"

#include <unordered_map>

#include "core/atomic_file.h"
#include "core/dataset.h"
#include "core/error.h"
#include "core/hash.h"
#include "models/response_check.h"
#include "models/samples_file.h"

namespace traceplay::models {

namespace {

// id -> index, refusing repeats.
std::unordered_map<uint64_t, size_t> index_by_id(const ArmTasks& arm, const std::string& name) {
  if (arm.ids.size() != arm.tasks.size())
    throw std::invalid_argument("compare_arms: " + name + " has " + std::to_string(arm.ids.size()) +
                                " ids for " + std::to_string(arm.tasks.size()) + " tasks");
  std::unordered_map<uint64_t, size_t> index;
  for (size_t i = 0; i < arm.ids.size(); ++i)
    if (!index.emplace(arm.ids[i], i).second)
      throw UserError("cannot compare " + name + ": task " + hex16(arm.ids[i]) + " appears twice");
  return index;
}

}  // namespace

std::vector<PairedDifference> compare_arms(const ArmTasks& a, const ArmTasks& b, const std::string& a_name,
                                           const std::string& b_name, const ResampleOptions& options) {
  const auto a_index = index_by_id(a, a_name);
  const auto b_index = index_by_id(b, b_name);
  if (a.ids.empty() || b.ids.empty())
    throw UserError("cannot compare " + a_name + " with " + b_name + ": no tasks");
  auto missing = [](const ArmTasks& from, const std::unordered_map<uint64_t, size_t>& in) -> const uint64_t* {
    for (const uint64_t& id : from.ids)
      if (!in.count(id)) return &id;
    return nullptr;
  };
  const uint64_t* only_a = missing(a, b_index);
  const uint64_t* only_b = missing(b, a_index);
  if (only_a || only_b || a.ids.size() != b.ids.size()) {
    // Ids are unique in each arm (index_by_id), so sizes differ only with a task missing.
    const std::string which = only_a   ? "task " + hex16(*only_a) + " is only in " + a_name
                              : only_b ? "task " + hex16(*only_b) + " is only in " + b_name
                                       : "their task counts differ";
    throw UserError("cannot compare " + a_name + " (" + std::to_string(a.ids.size()) + " tasks) with " +
                    b_name + " (" + std::to_string(b.ids.size()) +
                    " tasks): they were evaluated on different tasks (" + which + ")");
  }

  // Per-task values in A's order, B's looked up by id.
  const char* names[] = {"optimal", "solved", "swc"};
  std::vector<double> values_a[3], values_b[3];
  for (size_t i = 0; i < a.ids.size(); ++i) {
    const size_t j = b_index.at(a.ids[i]);
    const TaskScores sa = score_task(a.tasks[i], i), sb = score_task(b.tasks[j], j);
    const double va[3] = {double(sa.optimal), double(sa.solved), sa.swc};
    const double vb[3] = {double(sb.optimal), double(sb.solved), sb.swc};
    for (int m = 0; m < 3; ++m) values_a[m].push_back(va[m]), values_b[m].push_back(vb[m]);
  }
  std::vector<PairedDifference> out;
  for (int m = 0; m < 3; ++m) {
    PairedDifference d;
    d.metric = names[m];
    d.tasks = static_cast<int64_t>(a.ids.size());
    double sum = 0;
    for (size_t i = 0; i < a.ids.size(); ++i) sum += values_a[m][i] - values_b[m][i];
    d.difference = sum / static_cast<double>(a.ids.size());
    d.ci95 = paired_bootstrap_interval(values_a[m], values_b[m], options);
    out.push_back(d);
  }
  return out;
}

nlohmann::ordered_json to_json(const PairedDifference& d) {
  nlohmann::ordered_json j;
  j["metric"] = d.metric;
  j["difference"] = d.difference;
  j["ci95"] = nlohmann::json::array({d.ci95.lo, d.ci95.hi});
  j["tasks"] = d.tasks;
  return j;
}

ArmTasks read_arm_tasks(const std::string& eval_dir, const std::string& data_dir) {
  const std::string params_path = eval_dir + "/eval.json";
  std::string split_text;
  int64_t count = 0, K = 0;
  try {
    const nlohmann::json params = nlohmann::json::parse(read_file(params_path)).at("parameters");
    split_text = params.at("split").get<std::string>();
    count = params.at("tasks").get<int64_t>();
    K = params.at("samples").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw UserError(params_path + ": not an evaluation's parameters (" + e.what() + ")");
  }
  if (count < 1 || K < 1) throw UserError(params_path + ": \"tasks\" and \"samples\" must be positive");
  const Split split = parse_split(split_text, params_path + " \"split\"");

  ArmTasks arm;
  const DatasetReader reader(data_dir);
  const std::string where = data_dir + " (" + split_name(split) + ")";
  reader.for_each(split, [&](const DatasetRecord& record) {
    const EvalTask task = eval_task_from_record(record, reader.manifest(), reader.vocabulary(), where);
    arm.ids.push_back(task.id);
    TaskOutcome outcome;
    outcome.reference_plan_positions = task.reference_plan_positions;
    arm.tasks.push_back(std::move(outcome));
    return static_cast<int64_t>(arm.ids.size()) < count;
  });
  if (static_cast<int64_t>(arm.ids.size()) < count)
    throw UserError(params_path + ": evaluated " + std::to_string(count) + " tasks, but " + where +
                    " has only " + std::to_string(arm.ids.size()));

  const std::string samples_path = eval_dir + "/samples.jsonl";
  const uint64_t total = static_cast<uint64_t>(count) * static_cast<uint64_t>(K);
  uint64_t lines = 0;
  read_complete_lines(samples_path, [&](std::string_view line, uint64_t number) {
    const std::string at = samples_path + " line " + std::to_string(number);
    if (lines == total) throw UserError(at + ": more lines than " + std::to_string(total) + " samples");
    const SampleRecord r = parse_sample_line(line, at);
    const size_t task = static_cast<size_t>(lines / static_cast<uint64_t>(K));
    if (r.id != arm.ids[task])
      throw UserError(at + ": expected task " + hex16(arm.ids[task]) + ", found " + hex16(r.id) + " (is " +
                      data_dir + " the dataset it was evaluated on?)");
    arm.tasks[task].samples.push_back(r.outcome);
    ++lines;
    return true;
  });
  if (lines < total)
    throw UserError(samples_path + ": holds " + std::to_string(lines) + " of " + std::to_string(total) +
                    " samples (missing or unfinished evaluation)");
  return arm;
}

}  // namespace traceplay::models
