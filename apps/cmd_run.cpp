// `traceplay run CONFIG.toml`: a whole experiment, every step of every arm, skipping
// what is already done (DESIGN.md): the dataset, then -- for arms with a [train] table --
// training and evaluation. Everything goes under RUNS/<name>/:
//   run.json              resolved config, seeds, versions, machine, start and end
//   data-<domain>-<hash>/ one dataset per distinct [data] table (arms share them)
//   <arm>/train/          the arm's training run (checkpoint/, metrics.jsonl)
//   <arm>/eval-<split>/   its evaluation (samples.jsonl, summary.json); with Dualformer
//                         modes (eval.modes, apps/eval_modes_option.h) one
//                         <arm>/eval-<split>-<mode>/ per mode instead
// run.json's "comparisons" holds the paired differences of trained arms evaluated on the
// same tasks (models/arm_comparison.h), printed after the results table.
// An arm with train.steps = 0 evaluates the untrained model: the control that shows
// what training added. The datasets are built first; then `parallel` arms (top-level key
// or --parallel) train and evaluate at once, each on its share of the cores: on a small
// model one core each does more per core than all cores on one arm.
#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "apps/commands.h"
#include "apps/dataset_options.h"
#include "apps/eval_modes_option.h"
#include "apps/model_options.h"
#include "apps/run_bootstrap.h"
#include "apps/run_tables.h"
#include "apps/torch_commands.h"
#include "core/atomic_file.h"
#include "core/config.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/provenance.h"
#include "core/signals.h"
#include "models/arm_comparison.h"
#include "models/eval_modes.h"
#include "models/evaluate.h"
#include "models/train.h"
#include "models/torch_runtime.h"

namespace traceplay::apps {

namespace {

namespace fs = std::filesystem;

struct RunArgs {
  std::string config, runs_dir = "runs";
  int threads = 0;
  int parallel = 0;  // arms trained at once (0: the config's "parallel", else 1)
  bool force = false, json = false;
};

struct ArmPlan {
  std::string name;
  nlohmann::json config;
  DatasetSpec spec;
  std::string data_dir;
  // Set when the arm trains and evaluates a model (it has a [train] table).
  std::optional<models::TrainOptions> train;
  std::optional<models::EvalOptions> eval;
  // Set when the arm bootstraps its model (a [bootstrap] table with iterations > 0).
  std::optional<BootstrapPlan> bootstrap;
  // With eval.modes: one evaluation per mode, instead of `eval`.
  std::vector<models::EvalOptions> mode_evals;
};

// What an arm reached, for the results table.
struct ArmOutcome {
  nlohmann::json train = nullptr, eval = nullptr;
  nlohmann::json bootstrap = nullptr;   // run.json's arms[i].bootstrap: one entry per step
  nlohmann::json eval_modes = nullptr;  // {mode: summary} with eval.modes
};

// A dataset's folder is named by what defines its contents (not by thread counts), so
// arms with equal [data] share one dataset and a changed [data] gets a new one.
std::string dataset_dir_name(const nlohmann::json& data, uint64_t seed) {
  nlohmann::json identity = data;
  identity.erase("threads");
  identity["seed"] = seed;
  const std::string domain = data.value("domain", std::string("unknown"));
  return "data-" + domain + "-" + hex16(xxh64(identity.dump())).substr(0, 8);
}

// The training and evaluation settings of an arm with a [train] table (validated
// here, before anything runs, so that a typo in the last arm fails at once).
void plan_model(ArmPlan& plan, const RunArgs& args, const std::string& experiment, const std::string& where) {
  const nlohmann::json& c = plan.config;
  if (!c.contains("train")) {
    if (c.contains("model") || c.contains("eval") || c.contains("bootstrap"))
      throw UserError(where +
                      ": [model], [eval] and [bootstrap] need a [train] table (train.steps = 0 for an "
                      "untrained control)");
    return;
  }
  const std::string arm_dir = args.runs_dir + "/" + experiment + "/" + plan.name;
  models::TrainOptions train;
  train.seed = *plan.spec.seed;
  if (c.contains("model")) apply_model_table(c["model"], train, where + " [model]");
  apply_train_table(c["train"], train, where + " [train]");
  if (args.threads > 0) train.threads = args.threads;
  // Arms side by side share the cores (each arm's thread count applies to its own torch
  // calls) and write plain log lines instead of redrawing one progress line.
  const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int share = std::max(1, hardware / std::max(1, args.parallel));
  if (args.parallel > 1 && train.threads == 0) train.threads = share;
  if (args.parallel > 1) train.progress = false;
  train.label = plan.name + " train";
  train.data_dir = plan.data_dir;
  train.out_dir = arm_dir + "/train";
  train.force = args.force;
  train.stop = &stop_flag();
  models::check_device(train.device, where + " [train] device");

  models::EvalOptions eval;
  eval.seed = train.seed;
  eval.device = train.device;
  std::vector<std::string> modes;
  if (c.contains("eval"))
    apply_eval_table(take_eval_modes(c["eval"], train.mode, modes, where + " [eval]"), eval,
                     where + " [eval]");
  if (args.threads > 0) eval.threads = args.threads;
  if (args.parallel > 1 && eval.threads == 0) eval.threads = share;
  if (args.parallel > 1) eval.progress = false;
  eval.label = plan.name + " eval";
  models::check_device(eval.device, where + " [eval] device");
  eval.checkpoint_dir = train.out_dir;
  eval.data_dir = plan.data_dir;
  eval.out_dir = arm_dir + "/" + models::eval_dir_name(eval.split, eval.mode);
  eval.force = args.force;
  eval.stop = &stop_flag();
  plan.train = train;
  plan.eval = eval;
  if (c.contains("bootstrap"))
    plan.bootstrap = plan_bootstrap(c["bootstrap"], train, eval, where + " [bootstrap]");
  if (plan.bootstrap && !modes.empty())
    throw UserError(where + ": [bootstrap] evaluates every step in one mode: use eval.mode, not eval.modes");
  for (const std::string& mode : modes) {
    models::EvalOptions m = eval;
    m.mode = mode;
    m.out_dir = arm_dir + "/" + models::eval_dir_name(eval.split, mode);
    m.label = plan.name + " eval " + mode;
    plan.mode_evals.push_back(m);
  }
}

std::vector<ArmPlan> plan_arms(const Experiment& experiment, const RunArgs& args, const std::string& where) {
  std::vector<ArmPlan> plans;
  for (const auto& arm : experiment.arms) {
    const std::string arm_where = where + " (arm " + arm.name + ")";
    if (!arm.config.contains("data")) throw UserError(arm_where + ": a [data] table is required");
    const nlohmann::json& data = arm.config["data"];
    ArmPlan plan;
    plan.name = arm.name;
    plan.config = arm.config;
    plan.spec = dataset_spec_from_json(data, arm_where + " [data]");
    // The experiment's seed seeds its datasets unless [data] sets its own.
    if (!plan.spec.seed) {
      const nlohmann::json seed = arm.config.value("seed", nlohmann::json(0));
      if (!seed.is_number_integer() || seed.get<int64_t>() < 0)
        throw UserError(where + ": \"seed\" must be a non-negative integer");
      plan.spec.seed = seed.get<uint64_t>();
    }
    if (args.threads > 0) plan.spec.threads = args.threads;
    validate_spec(plan.spec);
    plan.data_dir = args.runs_dir + "/" + experiment.name + "/" + dataset_dir_name(data, *plan.spec.seed);
    plan_model(plan, args, experiment.name, arm_where);
    plans.push_back(std::move(plan));
  }
  return plans;
}

// run.json, rewritten (atomically) after every change; arms trained side by side
// update it from their own threads.
class RunRecord {
 public:
  RunRecord(std::string path, nlohmann::json record) : path_(std::move(path)), record_(std::move(record)) {
    write();
  }

  template <class F>
  void update(F&& change) {
    std::lock_guard<std::mutex> lock(mutex_);
    change(record_);
    write();
  }
  const std::string& path() const { return path_; }

 private:
  void write() { write_file_atomic(path_, record_.dump(2) + "\n"); }

  std::string path_;
  nlohmann::json record_;
  std::mutex mutex_;
};

// How many arms train at once: the flag, else the config's top-level "parallel", else 1.
int parallel_arms(const nlohmann::json& config, const RunArgs& args, const std::string& where) {
  if (args.parallel > 0) return args.parallel;
  if (!config.contains("parallel")) return 1;
  const nlohmann::json& p = config["parallel"];
  if (!p.is_number_integer() || p.get<int64_t>() < 1 || p.get<int64_t>() > 64)
    throw UserError(where + ": \"parallel\" must be an integer from 1 to 64 (arms trained at once)");
  return p.get<int>();
}

// Evaluates a trained arm once per Dualformer mode, in the listed order; false when a
// stop request cut it short.
bool evaluate_modes(const ArmPlan& plan, size_t index, ArmOutcome& outcome, RunRecord& record) {
  for (const models::EvalOptions& options : plan.mode_evals) {
    std::fprintf(stderr, "[%s] eval %s\n", plan.name.c_str(), options.out_dir.c_str());
    const models::EvalSummary evaluated = models::evaluate(options);
    if (evaluated.finished) outcome.eval_modes[options.mode] = evaluated.json;
    record.update([&](nlohmann::json& r) {
      if (evaluated.finished) r["arms"][index]["eval_modes"][options.mode] = evaluated.json;
      r["arms"][index]["status"] =
          evaluated.finished ? "evaluated " + options.mode : "evaluation interrupted";
    });
    if (!evaluated.finished) return false;
  }
  record.update([&](nlohmann::json& r) { r["arms"][index]["status"] = "done"; });
  return true;
}

// Trains and evaluates one arm (resuming whatever an interrupted run left); false when a
// stop request cut it short (a checkpoint or the finished samples are kept).
bool train_and_evaluate(const ArmPlan& plan, size_t index, ArmOutcome& outcome, RunRecord& record) {
  // Training resumes whatever a previous (interrupted) run of this arm left; a finished
  // one is "already done".
  models::TrainOptions train = *plan.train;
  train.resume = true;
  std::fprintf(stderr, "[%s] train %s\n", plan.name.c_str(), train.out_dir.c_str());
  const models::TrainResult trained = models::train(train);
  outcome.train = trained.to_json();
  record.update([&](nlohmann::json& r) {
    r["arms"][index]["train"] = outcome.train;
    r["arms"][index]["status"] = trained.finished ? "trained" : "training interrupted";
  });
  if (!trained.finished) return false;

  if (!plan.mode_evals.empty()) return evaluate_modes(plan, index, outcome, record);
  std::fprintf(stderr, "[%s] eval %s\n", plan.name.c_str(), plan.eval->out_dir.c_str());
  const models::EvalSummary evaluated = models::evaluate(*plan.eval);
  outcome.eval = evaluated.json;
  record.update([&](nlohmann::json& r) {
    r["arms"][index]["eval"] = evaluated.json;
    r["arms"][index]["status"] = evaluated.finished ? "done" : "evaluation interrupted";
  });
  if (!evaluated.finished || !plan.bootstrap) return evaluated.finished;

  // Bootstrapping: step 0 is what was just trained and evaluated.
  outcome.bootstrap = nlohmann::json::array({bootstrap_step_zero(plan.data_dir, evaluated.json)});
  record.update([&](nlohmann::json& r) {
    r["arms"][index]["bootstrap"] = outcome.bootstrap;
    r["arms"][index]["status"] = "bootstrapping";
  });
  const bool finished = run_bootstrap_steps(
      *plan.bootstrap, fs::path(train.out_dir).parent_path().string(), train.out_dir, plan.data_dir,
      *plan.eval, [&](const nlohmann::json& step) {
        outcome.bootstrap.push_back(step);
        record.update([&](nlohmann::json& r) { r["arms"][index]["bootstrap"] = outcome.bootstrap; });
      });
  record.update([&](nlohmann::json& r) {
    r["arms"][index]["status"] = finished ? "done" : "bootstrapping interrupted";
  });
  return finished;
}

// Runs train_and_evaluate for the arms that have a model, `parallel` at a time. An arm
// that fails does not stop the others (their work is kept and resumable); the first
// error is rethrown once all have returned. False when a stop request cut any arm short.
bool train_arms(const std::vector<ArmPlan>& plans, int parallel, std::vector<ArmOutcome>& outcomes,
                RunRecord& record) {
  std::vector<size_t> todo;
  for (size_t i = 0; i < plans.size(); ++i)
    if (plans[i].train) todo.push_back(i);
  std::atomic<size_t> next{0};
  std::atomic<bool> all_finished{true};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  auto worker = [&] {
    for (size_t k; (k = next.fetch_add(1)) < todo.size();) {
      if (stop_requested()) {
        all_finished = false;
        return;
      }
      const size_t i = todo[k];
      try {
        if (!train_and_evaluate(plans[i], i, outcomes[i], record)) all_finished = false;
      } catch (const std::exception& e) {
        all_finished = false;
        std::fprintf(stderr, "[%s] failed: %s\n", plans[i].name.c_str(), e.what());
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
      }
    }
  };
  const size_t n = std::min(todo.size(), static_cast<size_t>(parallel));
  if (n <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  if (first_error) std::rethrow_exception(first_error);
  return all_finished;
}

// Paired differences (models/arm_comparison.h) for every two evaluated arms that share
// a dataset, a split and a number of tasks -- hence the same tasks -- in arm order (A the
// earlier arm); an arm evaluated in Dualformer modes takes part once per mode ("arm
// mode"), its modes not paired with each other. Untrained controls (train.steps = 0)
// are left out: their 0% needs no interval, and pairs with them would crowd the table.
// run.json's "comparisons".
nlohmann::json compare_evaluated_arms(const std::vector<ArmPlan>& plans,
                                      const std::vector<ArmOutcome>& outcomes) {
  // Every evaluation of a trained arm: the arm's own, or one per Dualformer mode, named
  // as the results table names its row ("dualformer slow").
  struct Evaluated {
    std::string name;
    const ArmPlan* plan;
    const models::EvalOptions* eval;
    const nlohmann::json* summary;
    std::optional<models::ArmTasks> tasks;
  };
  std::vector<Evaluated> evaluated;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].train || plans[i].train->steps == 0) continue;
    if (outcomes[i].eval.is_object())
      evaluated.push_back({plans[i].name, &plans[i], &*plans[i].eval, &outcomes[i].eval, {}});
    for (const models::EvalOptions& m : plans[i].mode_evals)
      if (outcomes[i].eval_modes.is_object() && outcomes[i].eval_modes.contains(m.mode))
        evaluated.push_back(
            {plans[i].name + " " + m.mode, &plans[i], &m, &outcomes[i].eval_modes[m.mode], {}});
  }
  auto tasks_of = [](Evaluated& e) -> const models::ArmTasks& {
    if (!e.tasks) e.tasks = models::read_arm_tasks(e.eval->out_dir, e.plan->data_dir);
    return *e.tasks;
  };
  nlohmann::json comparisons = nlohmann::json::array();
  for (size_t x = 0; x < evaluated.size(); ++x)
    for (size_t y = x + 1; y < evaluated.size(); ++y) {
      Evaluated& a = evaluated[x];
      Evaluated& b = evaluated[y];
      if (a.plan == b.plan) continue;  // one model's modes against each other: not an arm comparison
      if (a.plan->data_dir != b.plan->data_dir || a.eval->split != b.eval->split ||
          a.summary->value("tasks", -1) != b.summary->value("tasks", -1))
        continue;
      for (const auto& d : models::compare_arms(tasks_of(a), tasks_of(b), a.name, b.name)) {
        nlohmann::json entry = {{"a", a.name}, {"b", b.name}};
        const nlohmann::ordered_json difference = models::to_json(d);
        for (const auto& [key, value] : difference.items()) entry[key] = value;
        comparisons.push_back(std::move(entry));
      }
    }
  return comparisons;
}

int run_experiment(RunArgs args) {
  // From the start: a Ctrl-C at any point finishes the current unit of work and saves it.
  install_stop_handlers();
  const nlohmann::json config = load_toml(args.config);
  const Experiment experiment = resolve_experiment(
      config, {"name", "seed", "parallel", "data", "model", "train", "eval", "bootstrap"}, args.config);
  args.parallel = parallel_arms(config, args, args.config);
  const std::vector<ArmPlan> plans = plan_arms(experiment, args, args.config);

  const std::string run_dir = args.runs_dir + "/" + experiment.name;
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) throw UserError("cannot create " + run_dir + ": " + ec.message());

  nlohmann::json initial = {{"name", experiment.name},
                            {"config_file", args.config},
                            {"config", config},
                            {"parallel", args.parallel},
                            {"arms", nlohmann::json::array()},
                            {"build", build_info()},
                            {"libraries", models::library_info()},
                            {"machine", machine_info()},
                            {"start", now_iso8601()},
                            {"end", nullptr},
                            {"status", "running"}};
  for (const auto& plan : plans) {
    nlohmann::json arm = {{"name", plan.name},
                          {"config", plan.config},
                          {"seed", *plan.spec.seed},
                          {"dataset", plan.data_dir},
                          {"status", "pending"}};
    if (plan.train) arm["train_dir"] = plan.train->out_dir;
    if (plan.train && plan.mode_evals.empty()) arm["eval_dir"] = plan.eval->out_dir;
    for (const auto& m : plan.mode_evals) arm["eval_dirs"][m.mode] = m.out_dir;
    initial["arms"].push_back(arm);
  }
  RunRecord record(run_dir + "/run.json", std::move(initial));

  auto interrupted = [&](int exit_code) {
    record.update([](nlohmann::json& r) {
      r["status"] = "interrupted";
      r["end"] = now_iso8601();
    });
    std::fprintf(stderr, "traceplay run: interrupted; run the same command to resume\n");
    return exit_code;
  };

  // Datasets first, one at a time (each generator uses every thread it is given).
  std::vector<BuildResult> results;
  for (size_t i = 0; i < plans.size(); ++i) {
    const ArmPlan& plan = plans[i];
    std::fprintf(stderr, "[%s] dataset %s\n", plan.name.c_str(), plan.data_dir.c_str());
    BuildResult result = build_dataset(plan.spec, plan.data_dir, args.force);
    const char* status = result.status == BuildStatus::kAlreadyDone ? "already done"
                         : result.status == BuildStatus::kBuilt     ? "built"
                                                                    : "interrupted";
    std::fprintf(stderr, "[%s] dataset %s: %llu train + %llu test records\n", plan.name.c_str(), status,
                 static_cast<unsigned long long>(result.manifest.train),
                 static_cast<unsigned long long>(result.manifest.test));
    record.update([&](nlohmann::json& r) {
      r["arms"][i]["status"] = std::string("dataset ") + status;
      r["arms"][i]["dataset_summary"] = result.summary(plan.data_dir);
    });
    if (result.exit_code != 0) return interrupted(result.exit_code);
    results.push_back(std::move(result));
  }

  // Then the models: training and evaluation, `parallel` arms at a time.
  std::vector<ArmOutcome> outcomes(plans.size());
  if (!train_arms(plans, args.parallel, outcomes, record)) return interrupted(stop_exit_code());
  const nlohmann::json comparisons = compare_evaluated_arms(plans, outcomes);
  record.update([&](nlohmann::json& r) {
    r["comparisons"] = comparisons;
    r["status"] = "done";
    r["end"] = now_iso8601();
  });

  std::vector<DatasetRow> datasets;
  std::vector<ModelRow> models;
  for (size_t i = 0; i < plans.size(); ++i) {
    datasets.push_back({plans[i].name, plans[i].data_dir, &results[i].manifest});
    // One row per evaluation: the arm's, or one per Dualformer mode ("arm fast").
    if (plans[i].mode_evals.empty()) models.push_back({plans[i].name, outcomes[i].train, outcomes[i].eval});
    for (const models::EvalOptions& m : plans[i].mode_evals)  // in the config's order
      if (outcomes[i].eval_modes.is_object() && outcomes[i].eval_modes.contains(m.mode))
        models.push_back({plans[i].name + " " + m.mode, outcomes[i].train, outcomes[i].eval_modes[m.mode]});
  }
  print_table(datasets);
  print_model_table(models);
  print_comparison_table(comparisons);
  for (size_t i = 0; i < plans.size(); ++i)
    if (outcomes[i].bootstrap.is_array()) print_bootstrap_table(plans[i].name, outcomes[i].bootstrap);
  std::printf("run record: %s\n", record.path().c_str());
  if (args.json) {
    nlohmann::json summary = {
        {"name", experiment.name}, {"run_dir", run_dir}, {"arms", nlohmann::json::array()}};
    for (size_t i = 0; i < plans.size(); ++i) {
      nlohmann::json arm = {{"name", plans[i].name}, {"dataset", results[i].summary(plans[i].data_dir)}};
      if (plans[i].train) arm["train"] = outcomes[i].train, arm["eval"] = outcomes[i].eval;
      if (outcomes[i].bootstrap.is_array()) arm["bootstrap"] = outcomes[i].bootstrap;
      if (!plans[i].mode_evals.empty()) arm.erase("eval"), arm["eval_modes"] = outcomes[i].eval_modes;
      summary["arms"].push_back(arm);
    }
    summary["comparisons"] = comparisons;
    std::printf("%s\n", summary.dump().c_str());
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("run", torch_command("run").summary);
  auto args = std::make_shared<RunArgs>();
  cmd->add_option("config", args->config, "Experiment config (TOML), e.g. experiments/default.toml")
      ->required();
  cmd->add_option("--runs-dir", args->runs_dir, "Where runs/<name>/ goes (default: runs)");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--parallel", args->parallel,
                  "Arms trained and evaluated at once (default: the config's \"parallel\", else 1)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--force", args->force, "Rebuild results made with other parameters");
  cmd->add_flag("--json", args->json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, args] { exit_code = run_experiment(*args); });
}

}  // namespace traceplay::apps
