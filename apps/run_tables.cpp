#include "apps/run_tables.h"

#include <cstdio>

namespace traceplay::apps {

namespace {

// Percent with one decimal, or "-" for null (ILR of solution-only models).
std::string percent(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * v.get<double>());
  return buf;
}

std::string fixed(const nlohmann::json& v, int digits) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v.get<double>());
  return buf;
}

nlohmann::json get(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) ? j[key] : nlohmann::json();
}

// "80.0 [71.1,86.7]": a rate and its 95% interval "<key>_ci95" in percent; the rate alone
// when the summary has no interval (one written before intervals existed).
std::string percent_with_interval(const nlohmann::json& summary, const char* key) {
  const nlohmann::json ci = get(summary, (std::string(key) + "_ci95").c_str());
  const std::string rate = percent(get(summary, key));
  if (!ci.is_array() || ci.size() != 2) return rate;
  return rate + " [" + percent(ci[0]) + "," + percent(ci[1]) + "]";
}

// "+40.0" / "-3.5" percentage points.
std::string signed_points(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f", 100.0 * v.get<double>());
  return buf;
}

}  // namespace

void print_table(const std::vector<DatasetRow>& rows) {
  std::printf("\n%-16s %-8s %8s %7s %8s %10s %8s %6s  %s\n", "arm", "domain", "train", "test", "prompt",
              "trace", "plan", "vocab", "dataset");
  for (const DatasetRow& row : rows) {
    const Manifest& m = *row.manifest;
    std::printf("%-16s %-8s %8llu %7llu %8.1f %10.1f %8.1f %6zu  %s\n", row.arm.c_str(), m.domain.c_str(),
                static_cast<unsigned long long>(m.train), static_cast<unsigned long long>(m.test),
                m.prompt_lengths.mean, m.trace_lengths.mean, m.plan_lengths.mean, m.vocabulary.size(),
                row.data_dir.c_str());
  }
  std::printf("(prompt, trace and plan: mean tokens per record)\n");
}

// The paper's table (DESIGN.md, "Metrics"): rates in percent.
void print_model_table(const std::vector<ModelRow>& rows) {
  bool any = false;
  for (const ModelRow& row : rows) any = any || !row.eval.is_null();
  if (!any) return;
  std::printf("\n%-18s %9s %6s %8s  %-18s %-18s %7s %7s %7s %7s %8s %8s\n", "arm", "params", "steps",
              "val_loss", "solved [95% CI]", "optimal [95% CI]", "sol/smp", "opt/smp", "SWC", "ILR-s",
              "ILR-o", "trace");
  for (const ModelRow& row : rows) {
    if (row.eval.is_null()) continue;
    const nlohmann::json& t = row.train;
    const nlohmann::json& e = row.eval;
    std::printf("%-18s %9s %6s %8s  %-18s %-18s %7s %7s %7s %7s %8s %8s\n", row.arm.c_str(),
                fixed(get(t, "parameters"), 0).c_str(), fixed(get(t, "step"), 0).c_str(),
                fixed(get(t, "val_loss"), 4).c_str(), percent_with_interval(e, "solved").c_str(),
                percent_with_interval(e, "optimal").c_str(), percent(get(e, "solved_per_sample")).c_str(),
                percent(get(e, "optimal_per_sample")).c_str(), percent(get(e, "swc")).c_str(),
                percent(get(e, "ilr_solved")).c_str(), percent(get(e, "ilr_optimal")).c_str(),
                fixed(get(e, "mean_trace_tokens"), 1).c_str());
  }
  std::printf(
      "(rates in %%, over the evaluated tasks, with Wilson 95%% intervals; trace: mean trace tokens per "
      "response)\n");
  // Dualformer's auto mode: what the model chose to begin with.
  for (const ModelRow& row : rows)
    if (row.eval.is_object() && row.eval.value("mode", std::string()) == "auto")
      std::printf("(%s: %s%% of responses began with plan, %s%% with a trace step)\n", row.arm.c_str(),
                  percent(get(row.eval, "fast_share")).c_str(), percent(get(row.eval, "slow_share")).c_str());
}

void print_comparison_table(const nlohmann::json& comparisons) {
  if (!comparisons.is_array() || comparisons.empty()) return;
  std::printf("\n%-18s %-18s %-8s %7s  %-16s %6s\n", "A", "B", "metric", "A - B", "95% CI", "tasks");
  for (const nlohmann::json& c : comparisons) {
    const nlohmann::json& ci = c["ci95"];
    const std::string interval = "[" + signed_points(ci[0]) + "," + signed_points(ci[1]) + "]";
    std::printf("%-18s %-18s %-8s %7s  %-16s %6s\n", c["a"].get<std::string>().c_str(),
                c["b"].get<std::string>().c_str(), c["metric"].get<std::string>().c_str(),
                signed_points(c["difference"]).c_str(), interval.c_str(), fixed(c["tasks"], 0).c_str());
  }
  std::printf(
      "(paired differences on the same tasks, in percentage points, with paired bootstrap 95%% intervals "
      "over tasks; an interval that excludes 0 separates the arms)\n");
}

void print_bootstrap_table(const std::string& arm, const nlohmann::json& steps) {
  std::printf("\nbootstrapping: %s\n", arm.c_str());
  std::printf("%4s %-18s %-18s %-22s %6s %6s %6s %7s %8s %7s %8s\n", "step", "solved", "optimal",
              "optimal - step 0", "SWC", "ILR-s", "ILR-o", "trace", "A* trace", "vs A*", "replaced");
  for (const auto& step : steps) {
    const nlohmann::json& e = step.value("eval", nlohmann::json());
    std::string versus = "-";
    for (const auto& d : step.value("vs_step0", nlohmann::json::array()))
      if (d.value("metric", "") == "optimal")
        versus = signed_points(d["difference"]) + " [" + signed_points(d["ci95"][0]) + "," +
                 signed_points(d["ci95"][1]) + "]";
    const nlohmann::json trace = get(e, "mean_trace_tokens"), astar = get(e, "mean_astar_trace_tokens");
    std::string relative = "-";
    if (trace.is_number() && astar.is_number() && astar.get<double>() > 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%+.1f%%", 100.0 * (trace.get<double>() / astar.get<double>() - 1.0));
      relative = buf;
    }
    std::printf("%4s %-18s %-18s %-22s %6s %6s %6s %7s %8s %7s %8s\n", fixed(step["step"], 0).c_str(),
                percent_with_interval(e, "solved").c_str(), percent_with_interval(e, "optimal").c_str(),
                versus.c_str(), percent(get(e, "swc")).c_str(), fixed(get(e, "ilr_solved"), 3).c_str(),
                fixed(get(e, "ilr_optimal"), 3).c_str(), fixed(trace, 1).c_str(), fixed(astar, 1).c_str(),
                relative.c_str(), percent(get(step, "replaced_share")).c_str());
  }
  std::printf(
      "(rates in %% with 95%% intervals; optimal - step 0: the paired difference on the same tasks, in "
      "points; "
      "ILR as a ratio; trace: mean trace tokens per response on the test tasks, against A*'s; replaced: "
      "share "
      "of training traces the step's dataset took from the model)\n");
}

}  // namespace traceplay::apps
