// The false-resignation rate (AlphaGo Zero, Leela Zero, KataGo): a share of self-play
// games is played with resignation off (ActorSettings::no_resign_fraction); in those, a
// colour "would have resigned" at its first searched move whose root winrate was below
// the threshold after at least min_visits root visits (MctsPlayer's rule on the root), and
// the resignation would have been false when that colour did not lose in the end. Keep
// the rate below ~5% by lowering the threshold when it is higher.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "games/go/types.h"
#include "selfplay/selfplay_game.h"

namespace traceplay::selfplay {

// The colour that would have resigned first in `game` (nullopt: neither would have).
std::optional<go::Color> would_have_resigned(const SelfPlayGame& game, double threshold, int64_t min_visits);

struct ResignStats {
  int64_t no_resign_games = 0;  // games played with resignation off
  int64_t would_resign = 0;     // of those, games where a colour would have resigned
  int64_t false_resigns = 0;    // of those, games that colour then won or drew
  // false_resigns / would_resign with its 95% Wilson interval (0, 0, 0 with no case).
  double rate() const;
  double low() const;
  double high() const;
};

ResignStats resign_stats(const std::vector<SelfPlayGame>& games, double threshold, int64_t min_visits);

}  // namespace traceplay::selfplay
