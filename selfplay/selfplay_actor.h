// The self-play actor: games of the network against itself, played by the in-process
// game loop (play/game_loop.h) with a PlayoutCapPlayer per game, handed to a RecordSink
// as SelfPlayGame records, each with the model version that played it.
//
// Threads: each game in flight has its own thread (games_in_flight of them), and all of
// them share one evaluator per model version; a batching evaluator
// (search/batching_evaluator.h) then fills its batches from all games at once, so the
// games of one actor keep a network busy as KataGo's game threads do. A game thread
// spends nearly all its time blocked on the evaluator, so games_in_flight may be much
// larger than the number of cores.
//
// Versions: a game plays its whole length with the newest version published when it
// starts (ModelSource::latest); the actor builds one evaluator per version with the
// factory it was given (a torch-free seam: models/ builds a network evaluator, the tests
// a rollout one) and drops the old one when no game uses it any more.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "play/game_loop.h"
#include "search/evaluator.h"
#include "search/mcts_settings.h"
#include "selfplay/model_source.h"
#include "selfplay/playout_cap_player.h"
#include "selfplay/record_sink.h"
#include "selfplay/selfplay_game.h"

namespace traceplay::selfplay {

// The search settings self-play starts from (KataGo's self-play values): root noise 0.25
// of total concentration 10.83, temperature 0.75 -> 0.15 with a halflife of 19 moves on
// 19x19, resign below 5% winrate once a search has 50 root visits (a fast search resigns
// too; MctsSettings' 500 is the GTP bot's); a leaf expanded at its first evaluation (the
// net's prior; playouts give none, hence MctsSettings' 2).
search::MctsSettings selfplay_mcts_settings();

struct ActorSettings {
  int size = 9;
  double komi = 7;
  search::MctsSettings mcts = selfplay_mcts_settings();  // its seed is replaced per game
  PlayoutCap cap;
  // Share of the games played without resignation (both colours), so the false-resign
  // rate can be measured on them (selfplay/resign_stats.h). KataGo and Leela Zero: 0.1.
  double no_resign_fraction = 0.1;
  int max_moves = 0;             // the game loop's cap (a draw); 0: 3 * size * size
  int random_opening_moves = 0;  // uniformly random legal first moves (no targets)
  int games_in_flight = 4;       // game threads of this actor
  uint64_t seed = 1;             // the run's seed: game ids and all randomness derive from it
  int actor = 0;                 // this actor's number in the run (ids differ across actors)
  uint64_t first_game = 0;       // the number of the first game (a resumed run goes on from its count)
  // Throws std::invalid_argument naming the first impossible value.
  void validate() const;
};

// The id of an actor's n-th game: XXH64 of (seed, actor, n). Seeds, openings and the
// resign draw of the game derive from it, so a game is a function of (settings, id, net).
uint64_t selfplay_game_id(uint64_t seed, int actor, uint64_t game_number);

// The record of a played game. `full` is PlayoutCapPlayer::full_searches() (one entry per
// searched move). Throws std::logic_error for a game that ended by forfeit or stop (a
// self-play player never answers an illegal move; a stopped game is not a record).
SelfPlayGame to_selfplay_game(const play::PlayedGame& played, const std::vector<bool>& full, uint64_t id,
                              int model_version, int size, double komi, bool resign_allowed);

// One self-play game with `evaluator`; nullopt when should_stop ended it.
std::optional<SelfPlayGame> play_selfplay_game(std::shared_ptr<const search::Evaluator> evaluator,
                                               const ActorSettings& settings, uint64_t id, int model_version,
                                               const std::function<bool()>& should_stop);

using EvaluatorFactory = std::function<std::shared_ptr<const search::Evaluator>(const ModelVersion&)>;

struct ActorStats {
  uint64_t games = 0;  // records handed to the sink
  uint64_t moves = 0;  // moves of those games (searched ones)
  uint64_t full_searches = 0;
  uint64_t resignations = 0;
  uint64_t no_resign_games = 0;
  int version = -1;  // the newest version a game has started with
};

class SelfPlayActor {
 public:
  // Throws std::invalid_argument for bad settings or an empty factory.
  SelfPlayActor(const ActorSettings& settings, EvaluatorFactory factory);

  // Plays until should_stop says so, the sink is closed, or max_games games of this call
  // (0: no cap) have been played; game numbers (and so ids) go on from the previous call. Waits for the first
  // published version. Returns when every game thread has ended; a game stopped midway is dropped. An
  // exception in a game (the evaluator failed) stops the other games and is rethrown here.
  void run(const ModelSource& source, RecordSink& sink, const std::function<bool()>& should_stop,
           uint64_t max_games = 0);

  ActorStats stats() const;

 private:
  struct Current {
    ModelVersion version;
    std::shared_ptr<const search::Evaluator> evaluator;
  };
  Current evaluator_for(const ModelVersion& newest);
  void game_thread(const ModelSource& source, RecordSink& sink, const std::function<bool()>& stop,
                   uint64_t max_games, std::atomic<uint64_t>& started);

  ActorSettings settings_;
  EvaluatorFactory factory_;
  mutable std::mutex mutex_;  // guards current_, stats_ and error_
  std::mutex build_mutex_;    // one thread builds a version's evaluator, once
  std::optional<Current> current_;
  ActorStats stats_;
  std::exception_ptr error_;
  std::atomic<uint64_t> next_game_{0};
  std::atomic<bool> done_{false};  // an error, or the sink closed: every game thread ends
};

}  // namespace traceplay::selfplay
