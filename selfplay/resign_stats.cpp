#include "selfplay/resign_stats.h"

#include "core/intervals.h"

namespace traceplay::selfplay {

std::optional<go::Color> would_have_resigned(const SelfPlayGame& game, double threshold, int64_t min_visits) {
  for (size_t i = 0; i < game.moves.size(); ++i) {
    const SelfPlayMove& m = game.moves[i];
    if (!m.searched || m.root_visits < min_visits) continue;
    const double winrate = (m.root_value + 1) / 2;
    if (winrate < threshold) return game.color_at(i);
  }
  return std::nullopt;
}

ResignStats resign_stats(const std::vector<SelfPlayGame>& games, double threshold, int64_t min_visits) {
  ResignStats s;
  for (const SelfPlayGame& g : games) {
    if (g.resign_allowed) continue;
    ++s.no_resign_games;
    const std::optional<go::Color> resigner = would_have_resigned(g, threshold, min_visits);
    if (!resigner) continue;
    ++s.would_resign;
    if (g.winner != go::opponent(*resigner)) ++s.false_resigns;
  }
  return s;
}

double ResignStats::rate() const {
  return would_resign == 0 ? 0 : static_cast<double>(false_resigns) / static_cast<double>(would_resign);
}
double ResignStats::low() const {
  return would_resign == 0 ? 0 : wilson_interval(false_resigns, would_resign).lo;
}
double ResignStats::high() const {
  return would_resign == 0 ? 0 : wilson_interval(false_resigns, would_resign).hi;
}

}  // namespace traceplay::selfplay
