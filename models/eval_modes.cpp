#include "models/eval_modes.h"

#include <algorithm>

#include "core/error.h"

namespace traceplay::models {

const std::vector<std::string>& eval_mode_names() {
  static const std::vector<std::string> names{"fast", "slow", "auto"};
  return names;
}

bool is_eval_mode(const std::string& name) {
  const auto& names = eval_mode_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string eval_dir_name(const std::string& split, const std::string& mode) {
  return "eval-" + split + (mode.empty() ? "" : "-" + mode);
}

std::vector<int32_t> forced_prefix(const std::string& mode, const Vocabulary& vocabulary) {
  if (mode.empty() || mode == "auto") return {};
  if (mode != "fast" && mode != "slow") throw UserError("unknown evaluation mode \"" + mode + "\"");
  const char* token = mode == "fast" ? "plan" : "create";
  const int32_t id = vocabulary.find(token);
  if (id < 0) throw UserError("--mode " + mode + ": the vocabulary has no \"" + token + "\" token to force");
  return {id};
}

ResponseStart response_start(const std::vector<std::string>& tokens) {
  const size_t first = !tokens.empty() && tokens[0] == "bos" ? 1 : 0;
  if (first >= tokens.size()) return ResponseStart::kOther;
  const std::string& t = tokens[first];
  if (t == "plan") return ResponseStart::kPlan;
  if (t == "create" || t == "close") return ResponseStart::kTrace;
  return ResponseStart::kOther;
}

void ResponseStartCounter::add(const std::vector<std::string>& tokens) {
  ++total_;
  switch (response_start(tokens)) {
    case ResponseStart::kPlan:
      ++plan_;
      break;
    case ResponseStart::kTrace:
      ++trace_;
      break;
    case ResponseStart::kOther:
      break;
  }
}

double ResponseStartCounter::fast_share() const {
  return total_ > 0 ? static_cast<double>(plan_) / static_cast<double>(total_) : 0.0;
}

double ResponseStartCounter::slow_share() const {
  return total_ > 0 ? static_cast<double>(trace_) / static_cast<double>(total_) : 0.0;
}

void ResponseStartCounter::append_to(nlohmann::ordered_json& summary, const std::string& mode) const {
  summary["mode"] = mode;
  summary["fast_share"] = fast_share();
  summary["slow_share"] = slow_share();
}

}  // namespace traceplay::models
