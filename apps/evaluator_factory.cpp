#include "apps/evaluator_factory.h"

#include <stdexcept>

namespace traceplay::apps {

const std::vector<std::string>& evaluator_names() {
  static const std::vector<std::string> names = {"rollout", "uniform"};
  return names;
}

std::shared_ptr<const search::Evaluator> make_evaluator(const std::string& name, int playouts_per_leaf) {
  if (name == "rollout") return std::make_shared<search::RolloutEvaluator>(playouts_per_leaf);
  if (name == "uniform") return std::make_shared<search::UniformEvaluator>();
  throw std::invalid_argument("unknown evaluator '" + name + "' (rollout | uniform)");
}

}  // namespace traceplay::apps
