// The learner's durable store of finished self-play games (DESIGN.md, "Self-play
// records", pinned): runs/<name>/games/ holds shards games-NNNNN.jsonl.zst (zstd JSON
// Lines, one SelfPlayGame a line, selfplay_game.h) and games.json, the index:
//   {"format": "traceplay-selfplay-games", "version": 1, "size": 9, "komi": 7.0,
//    "counts": {"games": n, "positions": m},
//    "shards": [{"file", "records", "xxh64", "first_version", "last_version"}]}
// where positions counts the searched moves and a shard's versions bound the
// model_version of its games. A shard is committed (written whole, fsynced, renamed) when
// it holds games_per_shard games or on flush(); games.json is rewritten atomically after
// each commit. So a killed learner loses at most the games of its open shard, and a
// store reopened after any crash is consistent (files not in games.json are ignored).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/shard.h"
#include "selfplay/selfplay_game.h"

namespace traceplay::selfplay {

struct GameShardInfo {
  ShardInfo shard;
  int first_version = 0, last_version = 0;
};

struct GameStoreIndex {
  static constexpr const char* kFileName = "games.json";
  static constexpr const char* kFormat = "traceplay-selfplay-games";
  static constexpr int kVersion = 1;

  int size = 9;
  double komi = 7;
  uint64_t games = 0, positions = 0;
  std::vector<GameShardInfo> shards;

  // Reads DIR/games.json; nullopt-like empty index (no shards) when the file is missing.
  // Throws UserError naming the file and field when it is malformed.
  static GameStoreIndex load(const std::string& dir, bool* exists = nullptr);
  void save(const std::string& dir) const;
};

class GameStore {
 public:
  // Opens (creating `dir` if needed) a store for games of this board size and komi; an
  // existing store of another size or komi is refused (UserError).
  GameStore(std::string dir, int size, double komi, uint64_t games_per_shard = 256);
  ~GameStore();
  GameStore(const GameStore&) = delete;
  GameStore& operator=(const GameStore&) = delete;

  // Appends a game (its size and komi must be the store's: std::invalid_argument).
  // Commits the shard when it is full.
  void add(const SelfPlayGame& game);
  // Commits the open shard, if it holds any game.
  void flush();

  const GameStoreIndex& index() const { return index_; }
  const std::string& dir() const { return dir_; }
  // Games added since opening that are not committed yet.
  uint64_t pending() const { return pending_games_.size(); }

 private:
  std::string dir_;
  uint64_t games_per_shard_;
  GameStoreIndex index_;
  std::vector<std::string> pending_games_;  // serialized lines of the open shard
  int pending_first_version_ = 0, pending_last_version_ = 0;
  uint64_t pending_positions_ = 0;
};

// Calls fn for every committed game of the store at `dir`, oldest shard first (each
// shard's checksum verified, every line parsed and validated) until fn returns false.
void for_each_game(const std::string& dir, const std::function<bool(const SelfPlayGame&)>& fn);

}  // namespace traceplay::selfplay
