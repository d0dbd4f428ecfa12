// An in-process match: N games of play_game (play/game_loop.h) between players A and B,
// A's per-game scores and A's Elo over B (play/elo.h). Gating and the self-play Elo table
// use it; `traceplay match` (apps/match/) is the same for GTP engines in other processes.
//
// - Colours alternate: A is Black in games 0, 2, 4, ... (0-based), White in the others.
// - Openings come in pairs: games 2k and 2k+1 draw their random opening (when
//   MatchSettings::game.random_opening_moves > 0) from the same seed,
//   Rng::stream(seed, k).next(), so each opening is played once with each colour and an
//   opening's imbalance cancels out.
// - Scores: a win 1 (resignation and the opponent's forfeit included), a draw 1/2 (two
//   passes scored 0, or the move cap), a loss 0.
// - should_stop (MatchSettings::game.should_stop) ends the current game and the match;
//   the stopped game is left out of the games and scores (it has no result).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "play/elo.h"
#include "play/game_loop.h"
#include "search/go_player.h"

namespace traceplay::play {

// What a side may do in every game, whichever colour it has.
struct MatchSide {
  std::string name;            // PB / PW of its games' records
  search::ThinkLimits limits;  // per move; both 0: the player's own defaults
  bool allow_resign = true;
};

struct MatchGame {
  int index = 0;  // 0-based
  bool a_black = true;
  double a_score = 0;  // 1, 0.5 or 0
  PlayedGame game;
};

struct MatchSettings {
  int games = 2;
  // Board, rules, cap, opening length, scoring seed, ownership, should_stop; its colours'
  // limits, allow_resign, names and opening seed are set per game from a, b and seed.
  PlaySettings game;
  MatchSide a, b;
  uint64_t seed = 0;                              // the openings' seeds (see above)
  std::function<void(const MatchGame&)> on_game;  // after each finished game (progress)
};

struct MatchResult {
  std::vector<MatchGame> games;  // the finished games, in order
  std::vector<double> a_scores;  // A's score in each of them
  int a_wins = 0, b_wins = 0, draws = 0;
  int a_forfeits = 0, b_forfeits = 0;  // games lost by forfeit
  bool stopped = false;                // should_stop ended the match early
  std::optional<EloEstimate> elo;      // A over B; absent when no game finished
};

using PlayerFactory = std::function<std::unique_ptr<search::GoPlayer>()>;

// The same two players in every game (play_game calls their new_game()); they may be one
// object. Throws std::invalid_argument for games < 1 or bad game settings.
MatchResult play_match(search::GoPlayer& a, search::GoPlayer& b, const MatchSettings& settings);
// A fresh player from each factory for every game (for players that keep state across
// games, or to give each game its own instance).
MatchResult play_match(const PlayerFactory& a, const PlayerFactory& b, const MatchSettings& settings);

// The same match with up to `threads` games at once (players from the factories, which
// must be callable from several threads; players sharing a batching evaluator then fill
// its batches from all those games). The games are the ones play_match would play:
// colours and paired openings by game index; thread t plays games t, t + threads, ...
// in whole pairs, so each opening is still played with both colours (the games may finish
// in another order; `games` is in index order, on_game is called as each ends, one at a
// time). should_stop, or a player's exception (rethrown after every thread has
// ended), stops all the games: the stopped ones are left out.
MatchResult play_match_in_parallel(const PlayerFactory& a, const PlayerFactory& b,
                                   const MatchSettings& settings, int threads);

}  // namespace traceplay::play
