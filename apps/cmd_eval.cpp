// `traceplay eval`: samples K responses per task of a dataset split with a checkpoint,
// replays every plan, and prints the paper's metrics (models/evaluate.h, DESIGN.md
// "Metrics"). A table on the terminal (rates in percent); with --json the pinned summary
// object as the last stdout line. Ctrl-C / SIGTERM keeps the finished samples and exits
// 130 / 143; the same command resumes; a finished evaluation is a no-op. Settings come
// from flags or a TOML config's [eval] table (--config; flags win).
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apps/cli_validators.h"
#include "apps/commands.h"
#include "apps/model_options.h"
#include "apps/torch_commands.h"
#include "core/config.h"
#include "core/error.h"
#include "core/signals.h"
#include "models/evaluate.h"

namespace traceplay::apps {

namespace {

struct EvalArgs {
  models::EvalOptions options;  // checkpoint, data, out, force: flags only
  std::string config;
  bool json = false;
  // Flags given on the command line (they override the config).
  std::vector<std::pair<CLI::Option*, std::function<void(models::EvalOptions&)>>> given;
};

// An option whose value, when given, is copied into EvalOptions after the config.
template <class T>
CLI::Option* flag(CLI::App* cmd, EvalArgs& a, const std::string& name, T models::EvalOptions::*field,
                  const std::string& help) {
  auto value = std::make_shared<T>();
  CLI::Option* option = cmd->add_option(name, *value, help);
  a.given.emplace_back(option, [value, field](models::EvalOptions& o) { o.*field = *value; });
  return option;
}

models::EvalOptions resolve(const EvalArgs& a) {
  models::EvalOptions o = a.options;
  if (!a.config.empty()) {
    const nlohmann::json config = load_toml(a.config);
    for (auto it = config.begin(); it != config.end(); ++it)
      if (it.value().is_object() && it.key() != "eval" && it.key() != "model" && it.key() != "train" &&
          it.key() != "data")
        throw UserError(a.config + ": unknown table [" + it.key() + "] (eval reads [eval])");
    if (config.contains("eval")) apply_eval_table(config["eval"], o, a.config + " [eval]");
  }
  for (const auto& [option, apply] : a.given)
    if (option->count()) apply(o);
  return o;
}

// The metric's 95% interval "<key>_ci95" as " [lo, hi]" scaled by `scale`, with `decimals`
// digits after the point; empty when it is null or absent (a summary.json written before
// intervals existed).
std::string interval(const nlohmann::ordered_json& j, const char* key, double scale, int decimals) {
  const auto it = j.find(std::string(key) + "_ci95");
  if (it == j.end() || !it->is_array() || it->size() != 2) return "";
  char lo[32], hi[32], buf[80];
  std::snprintf(lo, sizeof lo, "%.*f", decimals, scale * (*it)[0].get<double>());
  std::snprintf(hi, sizeof hi, "%.*f", decimals, scale * (*it)[1].get<double>());
  std::snprintf(buf, sizeof buf, " [%s, %s]", lo, hi);
  return buf;
}

std::string percent(const nlohmann::ordered_json& j, const char* key) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%6.1f%%", 100.0 * j.at(key).get<double>());
  return buf + interval(j, key, 100.0, 1);
}

std::string ratio(const nlohmann::ordered_json& j, const char* key) {
  if (j.at(key).is_null()) return "     -";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%6.3f", j.at(key).get<double>());
  return buf + interval(j, key, 1.0, 3);
}

void print_table(const models::EvalSummary& s) {
  const auto& j = s.json;
  const std::string eval_mode = j.contains("mode") ? ", " + j.at("mode").get<std::string>() + " mode" : "";
  std::printf("%s: %lld tasks x %lld samples, %s model%s%s\n", s.out_dir.c_str(),
              j.at("tasks").get<long long>(), j.at("samples").get<long long>(), s.mode.c_str(),
              eval_mode.c_str(), s.already_done ? " (already done)" : "");
  std::printf("  solved      %-22s   per sample %s\n", percent(j, "solved").c_str(),
              percent(j, "solved_per_sample").c_str());
  std::printf("  optimal     %-22s   per sample %s\n", percent(j, "optimal").c_str(),
              percent(j, "optimal_per_sample").c_str());
  std::printf("  SWC         %s\n", percent(j, "swc").c_str());
  std::printf("  ILR solved  %-22s   ILR optimal %s%s\n", ratio(j, "ilr_solved").c_str(),
              ratio(j, "ilr_optimal").c_str(),
              s.mode == "solution-only" ? "   (none for solution-only models)" : "");
  std::printf(
      "  [95%% intervals: Wilson over tasks (per sample: over samples), bootstrap over tasks for SWC, "
      "ILR]\n");
  char astar[32] = "-";
  if (!j.at("mean_astar_trace_tokens").is_null())
    std::snprintf(astar, sizeof astar, "%.1f", j.at("mean_astar_trace_tokens").get<double>());
  std::printf("  trace tokens per response %.1f, per A* run %s\n", j.at("mean_trace_tokens").get<double>(),
              astar);
  if (j.contains("fast_share"))
    std::printf("  responses began with plan %s, with a trace step %s\n", percent(j, "fast_share").c_str(),
                percent(j, "slow_share").c_str());
  if (s.tokens_sampled > 0)
    std::printf("  sampled %lld tokens in %.1f s (%.0f tokens/s)\n", static_cast<long long>(s.tokens_sampled),
                s.sampling_s, s.sampling_s > 0 ? static_cast<double>(s.tokens_sampled) / s.sampling_s : 0.0);
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("eval", torch_command("eval").summary);
  auto a = std::make_shared<EvalArgs>();
  using O = models::EvalOptions;
  cmd->add_option("--checkpoint", a->options.checkpoint_dir,
                  "A checkpoint directory or a training run directory")
      ->required();
  cmd->add_option("--data", a->options.data_dir, "The dataset the model was trained on")->required();
  cmd->add_option("--out", a->options.out_dir, "Output directory (default RUN_DIR/eval-<split>)");
  cmd->add_option("--config", a->config, "TOML file with an [eval] table (flags win)");
  flag(cmd, *a, "--split", &O::split, "train | test (default test)");
  flag(cmd, *a, "--tasks", &O::tasks, "The first N tasks of the split (default 0: all)");
  flag(cmd, *a, "--samples", &O::samples, "Responses per task, K (default 64)");
  flag(cmd, *a, "--temperature", &O::temperature, "Sampling temperature; 0 = greedy (default 1)");
  flag(cmd, *a, "--top-k", &O::top_k, "Sample among the k most likely tokens (default 0: all)");
  flag(cmd, *a, "--batch", &O::batch, "Rows decoded together (default 64)");
  flag(cmd, *a, "--max-len", &O::max_len,
       "Tokens per response, bos and eos included (default 0: the dataset's longest sequence)");
  flag(cmd, *a, "--astar-runs", &O::astar_runs,
       "Non-deterministic A* runs per task for ILR (default 64; 0: no ILR)");
  flag(cmd, *a, "--seed", &O::seed, "Sampling seed (default 1)")->check(kDigits);
  flag(cmd, *a, "--device", &O::device, "cpu | cuda | cuda:N (default cpu)");
  flag(cmd, *a, "--threads", &O::threads, "Torch threads (default 0: all cores)");
  flag(cmd, *a, "--mode", &O::mode,
       "Dualformer mode: fast (plan forced first), slow (a trace step forced first) or auto (the model "
       "chooses); default: none");
  cmd->add_flag("--force", a->options.force, "Replace an evaluation made with other parameters");
  cmd->add_flag("--json", a->json, "Print the summary as JSON on the last line");
  cmd->callback([&exit_code, a] {
    models::EvalOptions options = resolve(*a);
    install_stop_handlers();
    options.stop = &stop_flag();
    const models::EvalSummary s = models::evaluate(options);
    if (!s.finished) {
      std::fprintf(stderr,
                   "traceplay eval: interrupted; %lld of %lld samples are kept in %s; "
                   "run the same command to resume\n",
                   static_cast<long long>(s.samples_done), static_cast<long long>(s.samples_total),
                   s.out_dir.c_str());
      exit_code = stop_exit_code();
      return;
    }
    print_table(s);
    if (a->json) std::printf("%s\n", s.json.dump().c_str());
    std::fflush(stdout);
    exit_code = kExitOk;
  });
}

}  // namespace traceplay::apps
