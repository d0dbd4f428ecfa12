// `traceplay run CONFIG.toml`: a whole experiment, every step of every arm, skipping
// what is already done (DESIGN.md). Today the steps are the datasets; training and
// evaluation (issue [2]) plug in after them. Everything goes under RUNS/<name>/:
//   run.json              resolved config, seeds, versions, machine, start and end
//   data-<domain>-<hash>/ one dataset per distinct [data] table (arms share them)
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "apps/dataset_options.h"
#include "core/atomic_file.h"
#include "core/config.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/provenance.h"

namespace traceplay::apps {

namespace {

namespace fs = std::filesystem;

struct RunArgs {
  std::string config, runs_dir = "runs";
  int threads = 0;
  bool force = false, json = false;
};

struct ArmPlan {
  std::string name;
  nlohmann::json config;
  DatasetSpec spec;
  std::string data_dir;
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

std::vector<ArmPlan> plan_arms(const Experiment& experiment, const RunArgs& args, const std::string& where) {
  std::vector<ArmPlan> plans;
  for (const auto& arm : experiment.arms) {
    const std::string arm_where = where + " (arm " + arm.name + ")";
    if (!arm.config.contains("data")) throw UserError(arm_where + ": a [data] table is required");
    const nlohmann::json& data = arm.config["data"];
    ArmPlan plan{arm.name, arm.config, dataset_spec_from_json(data, arm_where + " [data]"), ""};
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
    plans.push_back(std::move(plan));
  }
  return plans;
}

void write_run_record(const std::string& path, nlohmann::json record) {
  write_file_atomic(path, record.dump(2) + "\n");
}

void print_table(const std::vector<ArmPlan>& plans, const std::vector<BuildResult>& results) {
  std::printf("\n%-16s %-8s %8s %7s %8s %10s %8s %6s  %s\n", "arm", "domain", "train", "test", "prompt", "trace",
              "plan", "vocab", "dataset");
  for (size_t i = 0; i < results.size(); ++i) {
    const Manifest& m = results[i].manifest;
    std::printf("%-16s %-8s %8llu %7llu %8.1f %10.1f %8.1f %6zu  %s\n", plans[i].name.c_str(), m.domain.c_str(),
                static_cast<unsigned long long>(m.train), static_cast<unsigned long long>(m.test),
                m.prompt_lengths.mean, m.trace_lengths.mean, m.plan_lengths.mean, m.vocabulary.size(),
                plans[i].data_dir.c_str());
  }
  std::printf("(prompt, trace and plan: mean tokens per record)\n");
}

int run_experiment(const RunArgs& args) {
  const nlohmann::json config = load_toml(args.config);
  // Training, evaluation and model keys arrive with issue [2]; until then a config
  // that asks for them is refused rather than silently half-run.
  const Experiment experiment = resolve_experiment(config, {"name", "seed", "data"}, args.config);
  const std::vector<ArmPlan> plans = plan_arms(experiment, args, args.config);

  const std::string run_dir = args.runs_dir + "/" + experiment.name;
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) throw UserError("cannot create " + run_dir + ": " + ec.message());

  nlohmann::json record = {{"name", experiment.name},
                           {"config_file", args.config},
                           {"config", config},
                           {"arms", nlohmann::json::array()},
                           {"build", build_info()},
                           {"libraries", {{"libtorch", nullptr}, {"cuda", nullptr}}},
                           {"machine", machine_info()},
                           {"start", now_iso8601()},
                           {"end", nullptr},
                           {"status", "running"}};
  for (const auto& plan : plans)
    record["arms"].push_back({{"name", plan.name}, {"config", plan.config}, {"seed", *plan.spec.seed},
                              {"dataset", plan.data_dir}, {"status", "pending"}});
  const std::string record_path = run_dir + "/run.json";
  write_run_record(record_path, record);

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
    record["arms"][i]["status"] = status;
    record["arms"][i]["dataset_summary"] = result.summary(plan.data_dir);
    if (result.exit_code != 0) {
      record["status"] = "interrupted";
      record["end"] = now_iso8601();
      write_run_record(record_path, record);
      std::fprintf(stderr, "traceplay run: interrupted; run the same command to resume\n");
      return result.exit_code;
    }
    results.push_back(std::move(result));
    write_run_record(record_path, record);
  }
  record["status"] = "done";
  record["end"] = now_iso8601();
  write_run_record(record_path, record);

  print_table(plans, results);
  std::printf("run record: %s\n", record_path.c_str());
  if (args.json) {
    nlohmann::json summary = {{"name", experiment.name}, {"run_dir", run_dir}, {"arms", nlohmann::json::array()}};
    for (size_t i = 0; i < plans.size(); ++i)
      summary["arms"].push_back({{"name", plans[i].name}, {"dataset", results[i].summary(plans[i].data_dir)}});
    std::printf("%s\n", summary.dump().c_str());
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("run", "Run a whole experiment from a TOML config (resumable)");
  auto args = std::make_shared<RunArgs>();
  cmd->add_option("config", args->config, "Experiment config (TOML), e.g. experiments/default.toml")->required();
  cmd->add_option("--runs-dir", args->runs_dir, "Where runs/<name>/ goes (default: runs)");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--force", args->force, "Rebuild results made with other parameters");
  cmd->add_flag("--json", args->json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, args] { exit_code = run_experiment(*args); });
}

}  // namespace traceplay::apps
