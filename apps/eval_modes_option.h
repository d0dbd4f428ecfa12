// `traceplay run`'s Dualformer modes (models/eval_modes.h): an arm's
//   [eval] modes = ["fast", "slow", "auto"]
// evaluates its model once per mode, into <arm>/eval-<split>-<mode>/, and records each
// summary in run.json as arms[i].eval_modes.<mode>. `modes` is read by run only
// (`traceplay eval` takes one --mode); `mode` (one mode) is an ordinary [eval] key.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace traceplay::apps {

// Returns the [eval] table without "modes" (what apply_eval_table reads) and puts its
// modes in `modes` (empty when the key is absent). `model_mode` is the arm's model.mode:
// slow mode, given as `mode` or in `modes`, needs a search-augmented model. Throws
// UserError naming `where` and the key for a list that is not a non-empty array of
// distinct mode names, or for `mode` and `modes` both set.
nlohmann::json take_eval_modes(const nlohmann::json& eval_table, const std::string& model_mode,
                               std::vector<std::string>& modes, const std::string& where);

}  // namespace traceplay::apps
