#include "play/match.h"

#include <stdexcept>

#include "core/rng.h"

namespace traceplay::play {
namespace {

// The settings of game g: A's and B's limits and names on their colours, the paired opening.
PlaySettings game_settings(const MatchSettings& m, int g) {
  PlaySettings s = m.game;
  const bool a_black = g % 2 == 0;
  const MatchSide& black = a_black ? m.a : m.b;
  const MatchSide& white = a_black ? m.b : m.a;
  s.black = {black.limits, black.allow_resign};
  s.white = {white.limits, white.allow_resign};
  s.black_name = black.name;
  s.white_name = white.name;
  s.opening_seed = Rng::stream(m.seed, static_cast<uint64_t>(g / 2)).next();
  return s;
}

template <typename PlayersFor>
MatchResult run_match(const MatchSettings& settings, PlayersFor players_for) {
  if (settings.games < 1) throw std::invalid_argument("play_match: games must be >= 1");
  MatchResult out;
  for (int g = 0; g < settings.games; ++g) {
    MatchGame mg;
    mg.index = g;
    mg.a_black = g % 2 == 0;
    auto [a, b] = players_for();
    mg.game = mg.a_black ? play_game(*a, *b, game_settings(settings, g)) : play_game(*b, *a, game_settings(settings, g));
    if (mg.game.end == GameEnd::kStopped) {
      out.stopped = true;
      break;
    }
    const go::Color a_color = mg.a_black ? go::Color::kBlack : go::Color::kWhite;
    if (mg.game.winner == go::Color::kEmpty) {
      mg.a_score = 0.5;
      ++out.draws;
    } else if (mg.game.winner == a_color) {
      mg.a_score = 1;
      ++out.a_wins;
      out.b_forfeits += mg.game.end == GameEnd::kForfeit;
    } else {
      mg.a_score = 0;
      ++out.b_wins;
      out.a_forfeits += mg.game.end == GameEnd::kForfeit;
    }
    out.a_scores.push_back(mg.a_score);
    out.games.push_back(std::move(mg));
    if (settings.on_game) settings.on_game(out.games.back());
  }
  if (!out.a_scores.empty()) out.elo = estimate_elo(out.a_scores);
  return out;
}

}  // namespace

MatchResult play_match(search::GoPlayer& a, search::GoPlayer& b, const MatchSettings& settings) {
  return run_match(settings, [&] { return std::pair<search::GoPlayer*, search::GoPlayer*>(&a, &b); });
}

MatchResult play_match(const PlayerFactory& a, const PlayerFactory& b, const MatchSettings& settings) {
  std::unique_ptr<search::GoPlayer> player_a, player_b;
  return run_match(settings, [&] {
    player_a = a();
    player_b = b();
    if (!player_a || !player_b) throw std::invalid_argument("play_match: a player factory returned no player");
    return std::pair<search::GoPlayer*, search::GoPlayer*>(player_a.get(), player_b.get());
  });
}

}  // namespace traceplay::play
