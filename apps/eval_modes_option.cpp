#include "apps/eval_modes_option.h"

#include <algorithm>

#include "core/error.h"
#include "models/eval_modes.h"

namespace traceplay::apps {

namespace {

std::string mode_list() {
  std::string list;
  for (const auto& name : models::eval_mode_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

}  // namespace

nlohmann::json take_eval_modes(const nlohmann::json& eval_table, const std::string& model_mode,
                               std::vector<std::string>& modes, const std::string& where) {
  modes.clear();
  if (!eval_table.is_object()) return eval_table;  // apply_eval_table says what is wrong
  nlohmann::json rest = eval_table;
  if (eval_table.contains("modes")) {
    if (eval_table.contains("mode"))
      throw UserError(where +
                      ": \"mode\" and \"modes\" are both set (one mode, or a list of modes: not both)");
    const nlohmann::json& list = eval_table["modes"];
    if (!list.is_array() || list.empty())
      throw UserError(where + ": \"modes\" must be a non-empty list of modes (" + mode_list() + ")");
    for (const auto& m : list) {
      if (!m.is_string() || !models::is_eval_mode(m.get<std::string>()))
        throw UserError(where + ": \"modes\" holds " + m.dump() + "; each must be one of " + mode_list());
      if (std::find(modes.begin(), modes.end(), m.get<std::string>()) != modes.end())
        throw UserError(where + ": \"modes\" lists " + m.dump() + " twice");
      modes.push_back(m.get<std::string>());
    }
    rest.erase("modes");
  }
  const bool slow = std::find(modes.begin(), modes.end(), "slow") != modes.end() ||
                    (rest.contains("mode") && rest["mode"] == "slow");
  if (slow && model_mode == "solution-only")
    throw UserError(where + ": slow mode (\"" + std::string(eval_table.contains("modes") ? "modes" : "mode") +
                    "\") needs a search-augmented model; this arm's model.mode is solution-only");
  return rest;
}

}  // namespace traceplay::apps
