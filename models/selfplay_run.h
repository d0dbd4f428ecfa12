// `traceplay selfplay --config FILE`: self-play and learning on one machine (issue 21's
// embedded default): one SelfPlayActor (games in flight on threads, one batching Go-net
// evaluator per model version) feeds the learner through a GameQueue; the learner keeps
// every game in the durable GameStore and the newest in a ReplayWindow, trains the net on
// positions sampled from the window under random symmetries, and publishes each new
// version atomically (models/vNNNN) to the model store and to the actor (ModelBoard).
// The actor and learner talk only through those two interfaces (selfplay/README.md).
//
// The run directory OUT (default runs/<name>):
//   OUT/selfplay.json     the resolved config (a rerun with another config is refused)
//   OUT/models/vNNNN/     each version (v0000 the untrained net), `gtp --model` loads it
//   OUT/games/            the games (shards + games.json, DESIGN.md "Self-play records")
//   OUT/progress.jsonl    one line per published version: games, positions, rates, losses,
//                         the best version and the new version's Elo
//   OUT/elo.jsonl         with gating: one line per match between versions
//                         (selfplay/elo_log.h); the Elo table is printed at the end
// Gating (AlphaGo Zero's): each new version plays the current best (and, with
// first_games, v0000); it becomes the best, the version the actors play, when it scores
// at least the threshold. The learner trains on from its newest net either way. Without
// gating (games = 0) every version goes to the actors at once (AlphaZero's way).
// Resume: the same command continues: the newest version's weights, the committed games
// (the window refilled from them), the version and game numbering, the best version and
// the Elo log (a version published but not yet gated is gated first), and the learner's
// AdamW moments and step count (OUT/learner.safetensors, saved after each publication;
// a learner killed between the two restarts its moments, and says so). The games of the
// last uncommitted shard are not kept (a killed run loses at most one shard of games).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "models/go_net_config.h"
#include "models/go_net_learner.h"
#include "models/selfplay_gating.h"
#include "selfplay/selfplay_actor.h"

namespace traceplay::models {

struct SelfPlayRunConfig {
  std::string name;  // the run's name (runs/<name>)
  uint64_t seed = 1;
  selfplay::ActorSettings actor;  // [game] size, komi; [actor] ...
  GoNetConfig net;                // [net] kind, preset, history
  // [learner]
  int64_t batch = 128;
  GoNetLearnerOptions learner;
  int64_t window_positions = 50000;      // the replay window
  int64_t min_positions = 2000;          // no training before the window holds this many
  int64_t positions_per_version = 2000;  // new positions between two versions
  int64_t steps_per_version = 200;       // learner steps between two versions
  int threads = 0;                       // torch intra-op threads (0: all cores)
  // [gating] (models/selfplay_gating.h; games = 0: every version goes to the actors)
  GatingSettings gating;
  // [run]
  int versions = 10;       // stop after publishing this version
  double max_minutes = 0;  // stop after this much wall time (0: no limit)
  int64_t games_per_shard = 64;
  std::string device = "cpu";  // the learner's and the actors' nets ("cpu", "cuda", "cuda:N")

  // The config file's tables (top level: name, seed; [game], [net], [actor], [learner],
  // [gating], [run]); unknown keys, wrong types, impossible values: UserError naming the file and key.
  static SelfPlayRunConfig from_json(const nlohmann::json& config, const std::string& where);
  // The resolved config (every setting) for selfplay.json.
  nlohmann::json to_json() const;
};

struct SelfPlayRunOptions {
  std::string out;  // the run directory
  std::function<bool()> should_stop;
  std::function<void(const std::string&)> log;  // progress lines (stderr in the command)
};

struct SelfPlayRunResult {
  int version = 0;                    // the newest published version
  int best = 0;                       // the version the actors play (the newest without gating)
  uint64_t games = 0, positions = 0;  // in the store
  bool stopped = false;               // ended by should_stop
};

SelfPlayRunResult run_selfplay(const SelfPlayRunConfig& config, const SelfPlayRunOptions& options);

}  // namespace traceplay::models
