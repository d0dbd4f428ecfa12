#include "apps/run_bootstrap.h"

#include <cstdio>
#include <set>

#include "apps/model_options.h"
#include "core/error.h"
#include "models/arm_comparison.h"

namespace traceplay::apps {

namespace {

// A non-negative integer table value (when present).
void read_integer(const nlohmann::json& t, const char* key, int64_t& out, int64_t min,
                  const std::string& where) {
  if (!t.contains(key)) return;
  const auto& v = t.at(key);
  if (!v.is_number_integer() || v.get<int64_t>() < min)
    throw UserError(where + ": \"" + key + "\" must be an integer >= " + std::to_string(min));
  out = v.get<int64_t>();
}

}  // namespace

std::optional<BootstrapPlan> plan_bootstrap(const nlohmann::json& table, const models::TrainOptions& train,
                                            const models::EvalOptions& eval, const std::string& where) {
  if (!table.is_object()) throw UserError(where + ": must be a table");
  const std::set<std::string> keys = {"iterations",           "samples", "temperature", "top_k", "max_len",
                                      "keep_astar_candidate", "train"};
  for (auto it = table.begin(); it != table.end(); ++it)
    if (!keys.count(it.key())) throw UserError(where + ": unknown key \"" + it.key() + "\"");
  BootstrapPlan plan;
  read_integer(table, "iterations", plan.iterations, 0, where);
  if (plan.iterations > 100) throw UserError(where + ": \"iterations\" must be at most 100");
  if (plan.iterations == 0) return std::nullopt;
  if (train.mode != "search-augmented")
    throw UserError(where +
                    ": bootstrapping shortens traces, so it needs a search-augmented arm (model.mode is " +
                    train.mode + ")");
  if (!table.contains("samples"))
    throw UserError(where + ": \"samples\" (responses per training prompt) is required");

  models::BootstrapOptions& s = plan.sampling;
  read_integer(table, "samples", s.samples, 1, where);
  if (table.contains("temperature")) {
    const auto& v = table["temperature"];
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 100)
      throw UserError(where + ": \"temperature\" must be a number from 0 (greedy) to 100");
    s.temperature = v.get<double>();
  }
  read_integer(table, "top_k", s.top_k, 0, where);
  read_integer(table, "max_len", s.max_len, 0, where);
  if (s.max_len == 1) throw UserError(where + ": \"max_len\" must be 0 (from the dataset) or at least 2");
  if (table.contains("keep_astar_candidate")) {
    if (!table["keep_astar_candidate"].is_boolean())
      throw UserError(where + ": \"keep_astar_candidate\" must be true or false");
    s.keep_astar_candidate = table["keep_astar_candidate"].get<bool>();
  }
  // Sampling runs where the arm's evaluation runs.
  s.batch = eval.batch;
  s.seed = eval.seed;
  s.device = eval.device;
  s.threads = eval.threads;
  s.force = eval.force;
  s.stop = eval.stop;
  s.progress = eval.progress;

  plan.finetune = train;
  if (table.contains("train")) apply_train_table(table["train"], plan.finetune, where + " [train]");
  models::validate_train_options(plan.finetune);
  return plan;
}

nlohmann::json bootstrap_step_zero(const std::string& dataset, const nlohmann::json& eval) {
  return {{"step", 0}, {"dataset", dataset}, {"replaced", 0}, {"replaced_share", 0.0}, {"eval", eval}};
}

bool run_bootstrap_steps(const BootstrapPlan& plan, const std::string& arm_dir, const std::string& train_dir,
                         const std::string& data_dir, const models::EvalOptions& eval,
                         const std::function<void(const nlohmann::json&)>& on_step) {
  std::string previous_train = train_dir, previous_data = data_dir;
  const std::string label = eval.label.substr(0, eval.label.rfind(' '));  // "<arm>"
  for (int64_t j = 1; j <= plan.iterations; ++j) {
    const std::string step_dir = arm_dir + "/bootstrap-" + std::to_string(j);
    const std::string tag = "[" + label + " bootstrap " + std::to_string(j) + "]";

    models::BootstrapOptions sampling = plan.sampling;
    sampling.checkpoint = previous_train;
    sampling.data_dir = previous_data;
    sampling.out_dir = step_dir + "/data";
    sampling.label = label + " bootstrap " + std::to_string(j);
    std::fprintf(stderr, "%s sample %s\n", tag.c_str(), sampling.out_dir.c_str());
    const models::BootstrapResult sampled = models::bootstrap(sampling);
    if (!sampled.finished) return false;

    models::TrainOptions finetune = plan.finetune;
    finetune.init_from = previous_train;
    finetune.data_dir = sampling.out_dir;
    finetune.out_dir = step_dir + "/train";
    finetune.resume = true;
    finetune.label = label + " fine-tune " + std::to_string(j);
    std::fprintf(stderr, "%s fine-tune %s\n", tag.c_str(), finetune.out_dir.c_str());
    const models::TrainResult trained = models::train(finetune);
    if (!trained.finished) return false;

    // Every step is evaluated on the arm's own dataset: bootstrapping copies the test
    // split unchanged, so all steps answer the same tasks (paired comparisons hold).
    models::EvalOptions step_eval = eval;
    step_eval.checkpoint_dir = finetune.out_dir;
    step_eval.data_dir = eval.data_dir;
    step_eval.out_dir = step_dir + "/eval-" + eval.split;
    step_eval.label = label + " eval " + std::to_string(j);
    std::fprintf(stderr, "%s eval %s\n", tag.c_str(), step_eval.out_dir.c_str());
    const models::EvalSummary evaluated = models::evaluate(step_eval);
    if (!evaluated.finished) return false;

    // Paired against step 0 on the same tasks: did bootstrapping cost (or gain) accuracy?
    nlohmann::json versus = nlohmann::json::array();
    for (const auto& d : models::compare_arms(models::read_arm_tasks(step_eval.out_dir, eval.data_dir),
                                              models::read_arm_tasks(eval.out_dir, eval.data_dir),
                                              "bootstrap step " + std::to_string(j), "step 0"))
      versus.push_back(nlohmann::json::parse(models::to_json(d).dump()));
    const nlohmann::json s = sampled.to_json();
    on_step({{"step", j},
             {"dataset", sampling.out_dir},
             {"replaced", sampled.replaced},
             {"replaced_share", s["replaced_share"]},
             {"mean_trace_before", sampled.mean_trace_before},
             {"mean_trace_after", sampled.mean_trace_after},
             {"sampling", sampled.sampling},
             {"train", trained.to_json()},
             {"eval", evaluated.json},
             {"vs_step0", versus}});
    previous_train = finetune.out_dir;
    previous_data = sampling.out_dir;
  }
  return true;
}

}  // namespace traceplay::apps
