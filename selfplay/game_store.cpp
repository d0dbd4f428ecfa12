#include "selfplay/game_store.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"

namespace traceplay::selfplay {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw UserError(where + ": bad self-play game index: " + what);
}

std::string shard_name(size_t k) {
  char name[32];
  std::snprintf(name, sizeof name, "games-%05zu.jsonl.zst", k);
  return name;
}

uint64_t positions_of(const SelfPlayGame& g) {
  return static_cast<uint64_t>(
      std::count_if(g.moves.begin(), g.moves.end(), [](const SelfPlayMove& m) { return m.searched; }));
}

}  // namespace

GameStoreIndex GameStoreIndex::load(const std::string& dir, bool* exists) {
  const fs::path path = fs::path(dir) / kFileName;
  GameStoreIndex index;
  if (exists) *exists = fs::exists(path);
  if (!fs::exists(path)) return index;
  const std::string where = path.string();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(where));
    if (j.at("format") != kFormat) bad(where, "\"format\" is not \"traceplay-selfplay-games\"");
    if (j.at("version") != kVersion) bad(where, "unknown \"version\"");
    index.size = j.at("size").get<int>();
    index.komi = j.at("komi").get<double>();
    index.games = j.at("counts").at("games").get<uint64_t>();
    index.positions = j.at("counts").at("positions").get<uint64_t>();
    for (const nlohmann::json& s : j.at("shards")) {
      GameShardInfo info;
      info.shard.file = s.at("file").get<std::string>();
      info.shard.records = s.at("records").get<uint64_t>();
      info.shard.xxh64 = parse_hex16(s.at("xxh64").get<std::string>());
      info.first_version = s.at("first_version").get<int>();
      info.last_version = s.at("last_version").get<int>();
      if (info.shard.file.find('/') != std::string::npos || info.shard.file.empty())
        bad(where, "shard file \"" + info.shard.file + "\" is not a plain file name");
      index.shards.push_back(std::move(info));
    }
  } catch (const nlohmann::json::exception& e) {
    bad(where, std::string("missing or mistyped field (") + e.what() + ")");
  }
  if (index.size < go::kMinBoardSize || index.size > go::kMaxBoardSize)
    bad(where, "\"size\" is out of range");
  return index;
}

void GameStoreIndex::save(const std::string& dir) const {
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["size"] = size;
  j["komi"] = komi;
  j["counts"] = {{"games", games}, {"positions", positions}};
  nlohmann::ordered_json shard_list = nlohmann::ordered_json::array();
  for (const GameShardInfo& s : shards) {
    nlohmann::ordered_json o;
    o["file"] = s.shard.file;
    o["records"] = s.shard.records;
    o["xxh64"] = hex16(s.shard.xxh64);
    o["first_version"] = s.first_version;
    o["last_version"] = s.last_version;
    shard_list.push_back(std::move(o));
  }
  j["shards"] = std::move(shard_list);
  write_file_atomic((fs::path(dir) / kFileName).string(), j.dump(2) + "\n");
}

GameStore::GameStore(std::string dir, int size, double komi, uint64_t games_per_shard)
    : dir_(std::move(dir)), games_per_shard_(games_per_shard) {
  if (games_per_shard == 0) throw std::invalid_argument("GameStore: games_per_shard must be at least 1");
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw UserError("cannot create the game store " + dir_ + ": " + ec.message());
  bool exists = false;
  index_ = GameStoreIndex::load(dir_, &exists);
  if (exists && (index_.size != size || index_.komi != komi))
    throw UserError(dir_ + ": the stored games are " + std::to_string(index_.size) + "x" +
                    std::to_string(index_.size) + " with komi " + std::to_string(index_.komi) + ", not " +
                    std::to_string(size) + "x" + std::to_string(size) + " with komi " + std::to_string(komi));
  index_.size = size;
  index_.komi = komi;
}

GameStore::~GameStore() = default;  // an unflushed shard is dropped, as a crash would

void GameStore::add(const SelfPlayGame& game) {
  if (game.size != index_.size || game.komi != index_.komi)
    throw std::invalid_argument("GameStore: a game of another board size or komi");
  if (pending_games_.empty()) pending_first_version_ = pending_last_version_ = game.model_version;
  pending_first_version_ = std::min(pending_first_version_, game.model_version);
  pending_last_version_ = std::max(pending_last_version_, game.model_version);
  pending_games_.push_back(to_json_line(game));
  pending_positions_ += positions_of(game);
  if (pending_games_.size() >= games_per_shard_) flush();
}

void GameStore::flush() {
  if (pending_games_.empty()) return;
  const std::string name = shard_name(index_.shards.size());
  ShardWriter writer((fs::path(dir_) / name).string(), name);
  for (const std::string& line : pending_games_) writer.add_line(line);
  GameShardInfo info;
  info.shard = writer.finish();
  info.first_version = pending_first_version_;
  info.last_version = pending_last_version_;
  GameStoreIndex next = index_;
  next.shards.push_back(info);
  next.games += pending_games_.size();
  next.positions += pending_positions_;
  next.save(dir_);  // the commit point: the shard counts from here on
  index_ = std::move(next);
  pending_games_.clear();
  pending_positions_ = 0;
}

void for_each_game(const std::string& dir, const std::function<bool(const SelfPlayGame&)>& fn) {
  const GameStoreIndex index = GameStoreIndex::load(dir);
  for (const GameShardInfo& s : index.shards) {
    const std::string path = (fs::path(dir) / s.shard.file).string();
    ShardReader reader(path, &s.shard);
    std::string_view line;
    while (reader.next_line(line)) {
      const std::string where = path + ":" + std::to_string(reader.lines_read());
      SelfPlayGame game = parse_selfplay_game(line, where);
      if (game.size != index.size) throw UserError(where + ": a game of another board size than the store's");
      if (!fn(game)) return;
    }
  }
}

}  // namespace traceplay::selfplay
