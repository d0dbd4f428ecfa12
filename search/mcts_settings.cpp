#include "search/mcts_settings.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace traceplay::search {

namespace {

template <class T>
void require(bool ok, const char* name, const char* what, T value) {
  if (ok) return;
  std::ostringstream message;
  message << "MCTS settings: " << name << " must be " << what << ", got " << value;
  throw std::invalid_argument(message.str());
}

bool finite_at_least(double x, double lo) { return std::isfinite(x) && x >= lo; }

}  // namespace

void MctsSettings::validate() const {
  require(threads >= 1, "threads", ">= 1", threads);
  require(finite_at_least(c_puct, 0), "c_puct", "a finite number >= 0", c_puct);
  require(finite_at_least(c_uct, 0), "c_uct", "a finite number >= 0", c_uct);
  require(virtual_loss >= 0, "virtual_loss", ">= 0", virtual_loss);
  require(expand_visits >= 1, "expand_visits", ">= 1", expand_visits);
  // The root alone is one node: below 2 it could never get children, and no move would be searched.
  require(max_tree_nodes >= 2, "max_tree_nodes", ">= 2", max_tree_nodes);
  require(std::isfinite(dirichlet_alpha) && dirichlet_alpha > 0, "dirichlet_alpha", "a finite number > 0",
          dirichlet_alpha);
  require(dirichlet_fraction >= 0 && dirichlet_fraction <= 1, "dirichlet_fraction", "in [0, 1]",
          dirichlet_fraction);
  require(finite_at_least(temperature_early, 0), "temperature_early", "a finite number >= 0",
          temperature_early);
  require(finite_at_least(temperature_late, 0), "temperature_late", "a finite number >= 0", temperature_late);
  require(std::isfinite(temperature_halflife) && temperature_halflife > 0, "temperature_halflife",
          "a finite number > 0", temperature_halflife);
  require(max_visits >= 0, "max_visits", ">= 0", max_visits);
  require(finite_at_least(max_seconds, 0), "max_seconds", "a finite number >= 0", max_seconds);
  // Both 0 would be a search without end whenever a request brings no limit of its own.
  require(max_visits > 0 || max_seconds > 0, "max_visits or max_seconds", "> 0 (both 0: no default limit)",
          0);
  require(resign_threshold >= 0 && resign_threshold < 0.5, "resign_threshold", "in [0, 0.5)",
          resign_threshold);
  require(resign_min_visits >= 0, "resign_min_visits", ">= 0", resign_min_visits);
}

double MctsSettings::dirichlet_alpha_per_child(int children) const {
  return children > 0 ? dirichlet_alpha / children : dirichlet_alpha;
}

double MctsSettings::temperature_at(int moves_played, int board_size) const {
  if (temperature_early == temperature_late) return temperature_late;  // exact (0 stays 0, no 0 * inf)
  const double halflife = temperature_halflife * board_size / 19.0;
  return temperature_late + (temperature_early - temperature_late) * std::pow(0.5, moves_played / halflife);
}

}  // namespace traceplay::search
