#include "play/match.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <optional>
#include <utility>
#include <vector>

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

// Game g of the match between a and b (colours and opening by its index).
MatchGame play_match_game(search::GoPlayer& a, search::GoPlayer& b, const MatchSettings& settings, int g) {
  MatchGame mg;
  mg.index = g;
  mg.a_black = g % 2 == 0;
  mg.game =
      mg.a_black ? play_game(a, b, game_settings(settings, g)) : play_game(b, a, game_settings(settings, g));
  const go::Color a_color = mg.a_black ? go::Color::kBlack : go::Color::kWhite;
  mg.a_score = mg.game.winner == go::Color::kEmpty ? 0.5 : mg.game.winner == a_color ? 1.0 : 0.0;
  return mg;
}

// Adds a finished game to the result's counts.
void count_game(MatchResult& out, MatchGame mg) {
  if (mg.a_score == 0.5) {
    ++out.draws;
  } else if (mg.a_score == 1) {
    ++out.a_wins;
    out.b_forfeits += mg.game.end == GameEnd::kForfeit;
  } else {
    ++out.b_wins;
    out.a_forfeits += mg.game.end == GameEnd::kForfeit;
  }
  out.a_scores.push_back(mg.a_score);
  out.games.push_back(std::move(mg));
}

template <typename PlayersFor>
MatchResult run_match(const MatchSettings& settings, PlayersFor players_for) {
  if (settings.games < 1) throw std::invalid_argument("play_match: games must be >= 1");
  MatchResult out;
  for (int g = 0; g < settings.games; ++g) {
    auto [a, b] = players_for();
    MatchGame mg = play_match_game(*a, *b, settings, g);
    if (mg.game.end == GameEnd::kStopped) {
      out.stopped = true;
      break;
    }
    count_game(out, std::move(mg));
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
    if (!player_a || !player_b)
      throw std::invalid_argument("play_match: a player factory returned no player");
    return std::pair<search::GoPlayer*, search::GoPlayer*>(player_a.get(), player_b.get());
  });
}

MatchResult play_match_in_parallel(const PlayerFactory& a, const PlayerFactory& b,
                                   const MatchSettings& settings, int threads) {
  if (settings.games < 1) throw std::invalid_argument("play_match: games must be >= 1");
  if (threads < 1) throw std::invalid_argument("play_match: threads must be >= 1");
  const int pairs = (settings.games + 1) / 2;
  threads = std::min(threads, pairs);
  std::atomic<bool> abort{false};
  MatchSettings shared = settings;
  shared.game.should_stop = [&] {
    return abort.load() || (settings.game.should_stop && settings.game.should_stop());
  };
  std::vector<std::optional<MatchGame>> finished(static_cast<size_t>(settings.games));
  std::mutex mutex;  // on_game and the first error
  std::exception_ptr error;
  bool stopped = false;
  auto worker = [&](int t) {
    try {
      for (int pair = t; pair < pairs && !abort; pair += threads) {
        for (int g = 2 * pair; g < std::min(settings.games, 2 * pair + 2); ++g) {
          std::unique_ptr<search::GoPlayer> pa = a(), pb = b();
          if (!pa || !pb) throw std::invalid_argument("play_match: a player factory returned no player");
          MatchGame mg = play_match_game(*pa, *pb, shared, g);
          std::lock_guard<std::mutex> lock(mutex);
          if (mg.game.end == GameEnd::kStopped) {
            stopped = true;
            return;
          }
          finished[static_cast<size_t>(g)] = std::move(mg);
          if (settings.on_game) settings.on_game(*finished[static_cast<size_t>(g)]);
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!error) error = std::current_exception();
      abort = true;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (std::thread& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  MatchResult out;
  out.stopped = stopped;
  for (std::optional<MatchGame>& mg : finished)
    if (mg) count_game(out, std::move(*mg));
  if (!out.a_scores.empty()) out.elo = estimate_elo(out.a_scores);
  return out;
}

}  // namespace traceplay::play
