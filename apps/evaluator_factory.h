// Evaluators by name, for the commands that offer a choice (`traceplay gtp --evaluator`).
// The names and the factory's inputs live with the apps' options, not in the search's
// settings (search/mcts_settings.h): the search only sees a shared Evaluator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "search/evaluator.h"

namespace traceplay::apps {

// The known names: "rollout" (light playouts, the default bot) and "uniform" (value 0,
// uniform prior).
const std::vector<std::string>& evaluator_names();

// The evaluator `name` (playouts_per_leaf: the rollout evaluator's playouts per leaf).
// Throws std::invalid_argument for an unknown name or playouts_per_leaf < 1.
std::shared_ptr<const search::Evaluator> make_evaluator(const std::string& name, int playouts_per_leaf = 1);

}  // namespace traceplay::apps
