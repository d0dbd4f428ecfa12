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

}  // namespace

void print_table(const std::vector<DatasetRow>& rows) {
  std::printf("\n%-16s %-8s %8s %7s %8s %10s %8s %6s  %s\n", "arm", "domain", "train", "test", "prompt", "trace",
              "plan", "vocab", "dataset");
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
  std::printf("\n%-18s %9s %6s %8s %7s %7s %7s %7s %7s %7s %8s %8s\n", "arm", "params", "steps", "val_loss", "solved",
              "optimal", "sol/smp", "opt/smp", "SWC", "ILR-s", "ILR-o", "trace");
  for (const ModelRow& row : rows) {
    if (row.eval.is_null()) continue;
    const nlohmann::json& t = row.train;
    const nlohmann::json& e = row.eval;
    std::printf("%-18s %9s %6s %8s %7s %7s %7s %7s %7s %7s %8s %8s\n", row.arm.c_str(),
                fixed(get(t, "parameters"), 0).c_str(), fixed(get(t, "step"), 0).c_str(),
                fixed(get(t, "val_loss"), 4).c_str(), percent(get(e, "solved")).c_str(),
                percent(get(e, "optimal")).c_str(), percent(get(e, "solved_per_sample")).c_str(),
                percent(get(e, "optimal_per_sample")).c_str(), percent(get(e, "swc")).c_str(),
                percent(get(e, "ilr_solved")).c_str(), percent(get(e, "ilr_optimal")).c_str(),
                fixed(get(e, "mean_trace_tokens"), 1).c_str());
  }
  std::printf("(rates in %%, over the evaluated tasks; trace: mean trace tokens per response)\n");
}

}  // namespace traceplay::apps
