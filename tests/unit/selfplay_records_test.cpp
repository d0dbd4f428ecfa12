// Self-play's torch-free plumbing: the game record and its JSON line, the replay check,
// the in-process record sink and model source, the model store's atomic publication and
// the durable game store.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/rng.h"
#include "games/go/board.h"
#include "games/go/scoring.h"
#include "selfplay/game_store.h"
#include "selfplay/model_source.h"
#include "selfplay/model_store.h"
#include "selfplay/record_sink.h"
#include "selfplay/selfplay_game.h"
#include "tests/unit/dataset_test_util.h"

namespace traceplay::selfplay {
namespace {

using namespace std::chrono_literals;
using traceplay::testing::error_of;
using traceplay::testing::ScratchDir;

// A random legal game on a small board, recorded as self-play would: random policies
// over legal moves (the chosen move among them), the first `opening` moves unsearched.
SelfPlayGame random_game(uint64_t seed, int size = 5, int opening = 2, int max_moves = 40) {
  Rng rng = Rng::stream(seed, 0);
  go::Rules rules;
  rules.komi = 6.5;
  go::Board board(size, rules);
  SelfPlayGame g;
  g.id = seed * 0x9E3779B97F4A7C15ull + 1;
  g.model_version = static_cast<int>(seed % 7);
  g.size = size;
  g.komi = 6.5;
  g.resign_allowed = seed % 2 == 0;
  for (int i = 0; i < max_moves && !board.game_over(); ++i) {
    std::vector<go::Move> legal = board.legal_moves(board.to_move());
    legal.push_back(go::Move::pass());
    const go::Move chosen = legal[rng.below(legal.size())];
    SelfPlayMove m;
    m.move = chosen.is_pass() ? size * size : chosen.x + size * chosen.y;
    m.searched = i >= opening;
    m.full_search = m.searched && rng.below(4) == 0;
    if (m.searched) {
      for (const go::Move& l : legal)
        if (l == chosen || rng.below(3) == 0)
          m.policy.emplace_back(l.is_pass() ? size * size : l.x + size * l.y,
                                static_cast<int64_t>(1 + rng.below(50)));
      std::sort(m.policy.begin(), m.policy.end());
      for (const auto& p : m.policy) m.root_visits += p.second;
      m.root_value = static_cast<float>(rng.uniform01() * 2 - 1);
      m.root_score = static_cast<float>(rng.uniform01() * 20 - 10);
    }
    EXPECT_EQ(board.play(chosen), go::MoveLegality::kLegal);
    g.moves.push_back(std::move(m));
  }
  if (board.game_over()) {
    g.end = GameEnd::kTwoPasses;
    const go::AreaScore s = go::area_score(board);
    g.score = s.score();
    g.winner = s.score() > 0 ? go::Color::kBlack : s.score() < 0 ? go::Color::kWhite : go::Color::kEmpty;
  } else {
    g.end = GameEnd::kMoveCap;
  }
  for (go::Color c : go::area_owners(board.position()))
    g.ownership.push_back(c == go::Color::kBlack ? 1 : c == go::Color::kWhite ? -1 : 0);
  return g;
}

TEST(SelfPlayGame, JsonLineRoundTripsExactly) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const SelfPlayGame g = random_game(seed);
    const std::string line = to_json_line(g);
    const SelfPlayGame back = parse_selfplay_game(line, "t");
    EXPECT_EQ(to_json_line(back), line);
    ASSERT_EQ(back.moves.size(), g.moves.size());
    for (size_t i = 0; i < g.moves.size(); ++i) {
      EXPECT_EQ(back.moves[i].policy, g.moves[i].policy);
      EXPECT_EQ(back.moves[i].full_search, g.moves[i].full_search);
      EXPECT_EQ(back.move_at(i), g.move_at(i));
    }
    EXPECT_EQ(back.ownership, g.ownership);
    EXPECT_EQ(back.winner, g.winner);
    EXPECT_EQ(back.score, g.score);
  }
}

TEST(SelfPlayGame, KeysComeInThePinnedOrder) {
  const std::string line = to_json_line(random_game(3));
  const char* keys[] = {"\"id\"",         "\"model_version\"", "\"size\"",           "\"komi\"",
                        "\"moves\"",      "\"searched\"",      "\"full_search\"",    "\"root_visits\"",
                        "\"root_value\"", "\"root_score\"",    "\"policy\"",         "\"end\"",
                        "\"winner\"",     "\"score\"",         "\"resign_allowed\"", "\"ownership\""};
  size_t last = 0;
  for (const char* k : keys) {
    const size_t at = line.find(k);
    ASSERT_NE(at, std::string::npos) << k;
    EXPECT_GT(at + 1, last) << k;
    last = at + 1;
  }
}

TEST(SelfPlayGame, ReplayFollowsTheBoardAndReturnsTheFinalArea) {
  const SelfPlayGame g = random_game(5);
  EXPECT_EQ(replay_selfplay_game(g, "t"), g.ownership);
}

TEST(SelfPlayGame, ReplayNamesAnIllegalMoveOrPolicy) {
  SelfPlayGame g = random_game(6);
  ASSERT_GE(g.moves.size(), 4u);
  SelfPlayGame occupied = g;
  occupied.moves[3].move =
      occupied.moves[2].move == occupied.pass_index() ? occupied.moves[1].move : occupied.moves[2].move;
  ASSERT_NE(occupied.moves[3].move, occupied.pass_index());  // seed 6's game: a stone to play on
  EXPECT_NE(error_of([&] { replay_selfplay_game(occupied, "g.jsonl:1"); }).find("move 3 is illegal"),
            std::string::npos);
  SelfPlayGame policy = g;
  const int first = g.moves[0].move;
  policy.moves[1].policy = {{first == g.pass_index() ? g.moves[2].move : first, 5}};
  ASSERT_NE(first, g.pass_index());
  EXPECT_NE(error_of([&] { replay_selfplay_game(policy, "g"); }).find("policy of move 1"), std::string::npos);
}

TEST(SelfPlayGame, ParseNamesEachBadField) {
  const std::string good = to_json_line(random_game(7));
  auto error = [&](const std::string& from, const std::string& to) {
    std::string line = good;
    const size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    line.replace(at, from.size(), to);
    return error_of([&] { parse_selfplay_game(line, "games-00000.jsonl.zst:3"); });
  };
  EXPECT_NE(error("\"size\":5", "\"size\":1").find("\"size\""), std::string::npos);
  EXPECT_NE(error("\"size\":5", "\"sz\":5").find("missing \"size\""), std::string::npos);
  EXPECT_NE(error("\"end\":\"", "\"end\":\"x").find("\"end\""), std::string::npos);
  const std::string first_move = "\"moves\":[" + std::to_string(random_game(7).moves[0].move) + ",";
  EXPECT_NE(error(first_move, "\"moves\":[26,").find("\"moves\" of move 0"), std::string::npos);
  EXPECT_NE(error("\"ownership\":[", "\"ownership\":[0,").find("\"ownership\" has 26"), std::string::npos);
  EXPECT_NE(error("\"id\":\"", "\"id\":\"z").find("\"id\""), std::string::npos);
  EXPECT_NE(error("\"komi\":6.5", "\"komi\":1e308").find("\"komi\""), std::string::npos);
  EXPECT_NE(
      error_of([&] { parse_selfplay_game("{", "f:1"); }).find("f:1: bad self-play record: not a JSON object"),
      std::string::npos);
  // One per-move column shorter than the moves.
  EXPECT_NE(error("\"searched\":[0,", "\"searched\":[").find("\"searched\" has"), std::string::npos);
}

TEST(SelfPlayGame, ParseRefusesUnsortedOrEmptyPolicyEntries) {
  SelfPlayGame g = random_game(8);
  size_t i = 0;
  while (g.moves[i].policy.size() < 2) ++i;
  std::swap(g.moves[i].policy[0], g.moves[i].policy[1]);
  EXPECT_NE(error_of([&] { parse_selfplay_game(to_json_line(g), "f"); }).find("sorted"), std::string::npos);
  std::swap(g.moves[i].policy[0], g.moves[i].policy[1]);
  g.moves[i].policy[0].second = 0;
  EXPECT_NE(error_of([&] { parse_selfplay_game(to_json_line(g), "f"); }).find("\"policy\" count"),
            std::string::npos);
}

TEST(SelfPlayGame, TwoPassesNeedAScore) {
  SelfPlayGame g = random_game(9);
  g.end = GameEnd::kTwoPasses;
  g.score.reset();
  EXPECT_NE(error_of([&] { parse_selfplay_game(to_json_line(g), "f"); }).find("needs a \"score\""),
            std::string::npos);
}

TEST(GameQueue, IsAFifoThatDrainsAfterClose) {
  GameQueue q(4);
  for (uint64_t s = 1; s <= 3; ++s) EXPECT_TRUE(q.put(random_game(s)));
  q.close();
  EXPECT_FALSE(q.put(random_game(4)));
  for (uint64_t s = 1; s <= 3; ++s) EXPECT_EQ(q.take(10ms)->id, random_game(s).id);
  EXPECT_FALSE(q.take(10ms).has_value());
  EXPECT_EQ(q.put_count(), 3u);
  EXPECT_EQ(q.take_count(), 3u);
}

TEST(GameQueue, AFullQueueBlocksPutUntilATake) {
  GameQueue q(1);
  ASSERT_TRUE(q.put(random_game(1)));
  std::atomic<bool> second_in{false};
  std::thread actor([&] {
    q.put(random_game(2));
    second_in = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(second_in.load());  // backpressure: the actor waits, nothing buffers
  EXPECT_EQ(q.size(), 1u);
  EXPECT_TRUE(q.take(1s).has_value());
  actor.join();
  EXPECT_TRUE(second_in.load());
  EXPECT_EQ(q.take(1s)->id, random_game(2).id);
}

TEST(GameQueue, CloseWakesABlockedPutAndAWaitingTake) {
  GameQueue full(1);
  full.put(random_game(1));
  std::atomic<int> put_result{-1};
  std::thread actor([&] { put_result = full.put(random_game(2)) ? 1 : 0; });
  GameQueue empty(1);
  std::atomic<int> take_result{-1};
  std::thread learner([&] { take_result = empty.take(10s).has_value() ? 1 : 0; });
  std::this_thread::sleep_for(30ms);
  const auto start = std::chrono::steady_clock::now();
  full.close();
  empty.close();
  actor.join();
  learner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(put_result.load(), 0);
  EXPECT_EQ(take_result.load(), 0);
  EXPECT_THROW(GameQueue(0), std::invalid_argument);
}

TEST(GameQueue, ManyActorsOneLearnerLoseNothing) {
  GameQueue q(3);
  constexpr int kActors = 6, kGames = 25;
  std::vector<std::thread> actors;
  for (int a = 0; a < kActors; ++a)
    actors.emplace_back([&, a] {
      for (int k = 0; k < kGames; ++k) {
        SelfPlayGame g;
        g.id = static_cast<uint64_t>(a * 1000 + k);
        q.put(std::move(g));
      }
    });
  std::set<uint64_t> seen;
  while (seen.size() < kActors * kGames) {
    auto g = q.take(5s);
    ASSERT_TRUE(g.has_value());
    EXPECT_TRUE(seen.insert(g->id).second);
  }
  for (auto& t : actors) t.join();
  EXPECT_EQ(q.size(), 0u);
}

TEST(ModelBoard, PublishesIncreasingVersionsAndWakesWaiters) {
  ModelBoard board;
  EXPECT_FALSE(board.latest().has_value());
  EXPECT_FALSE(board.wait_newer(-1, 10ms).has_value());
  std::optional<ModelVersion> seen;
  std::thread actor([&] { seen = board.wait_newer(0, 10s); });
  board.publish({0, "models/v0000", 1});
  std::this_thread::sleep_for(20ms);
  board.publish({1, "models/v0001", 2});
  actor.join();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->version, 1);
  EXPECT_THROW(board.publish({1, "again", 3}), std::invalid_argument);
  EXPECT_EQ(board.latest()->dir, "models/v0001");
  std::thread waiter([&] { seen = board.wait_newer(1, 10s); });
  board.close();
  waiter.join();
  EXPECT_FALSE(seen.has_value());
}

void write_checkpoint(const std::string& dir, int version, size_t bytes) {
  std::ofstream(dir + "/model.safetensors") << std::string(bytes, static_cast<char>('a' + version % 26));
  std::ofstream(dir + "/config.json") << "{\"version\": " << version << "}";
}

TEST(ModelStore, PublishesWholeVersionsUnderFourDigitNames) {
  ScratchDir dir;
  const std::string models = dir / "models";
  EXPECT_TRUE(list_versions(models).empty());
  const ModelVersion v0 =
      publish_version(models, 0, [](const std::string& d) { write_checkpoint(d, 0, 10); });
  EXPECT_EQ(v0.dir, models + "/v0000");
  EXPECT_EQ(v0.xxh64, xxh64_file(models + "/v0000/model.safetensors"));
  publish_version(models, 12, [](const std::string& d) { write_checkpoint(d, 12, 10); });
  EXPECT_EQ(list_versions(models), (std::vector<int>{0, 12}));
  EXPECT_EQ(version_dir_name(12), "v0012");
  EXPECT_THROW(version_dir_name(10000), std::invalid_argument);
  EXPECT_THROW(publish_version(models, 12, [](const std::string&) {}), std::invalid_argument);
}

TEST(ModelStore, AFailedWriteLeavesNothingAndStaleTemporariesAreIgnoredThenRemoved) {
  ScratchDir dir;
  const std::string models = dir / "models";
  EXPECT_THROW(publish_version(models, 3,
                               [](const std::string& d) {
                                 write_checkpoint(d, 3, 10);
                                 throw std::runtime_error("disk full");
                               }),
               std::runtime_error);
  EXPECT_TRUE(list_versions(models).empty());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(models), {}), 0);
  std::filesystem::create_directories(models + "/.v0004.tmp-99999");  // a killed publisher's
  std::filesystem::create_directories(models + "/notes");
  EXPECT_TRUE(list_versions(models).empty());
  EXPECT_EQ(remove_partial_versions(models), 1);
  EXPECT_TRUE(std::filesystem::exists(models + "/notes"));
}

TEST(ModelStore, AConcurrentReaderNeverSeesHalfAVersion) {
  ScratchDir dir;
  const std::string models = dir / "models";
  std::atomic<bool> done{false};
  std::atomic<int> checked{0};
  std::string failure;
  std::thread reader([&] {
    while (!done) {
      const std::vector<int> versions = list_versions(models);
      if (versions.empty()) continue;
      const int v = versions.back();
      const std::string d = models + "/" + version_dir_name(v);
      std::ifstream weights(d + "/model.safetensors");
      const std::string bytes((std::istreambuf_iterator<char>(weights)), {});
      std::ifstream config(d + "/config.json");
      const std::string json((std::istreambuf_iterator<char>(config)), {});
      if (bytes != std::string(200000, static_cast<char>('a' + v % 26)) ||
          json != "{\"version\": " + std::to_string(v) + "}")
        failure = "version " + std::to_string(v) + " seen incomplete";
      ++checked;
    }
  });
  for (int v = 0; v < 30; ++v)
    publish_version(models, v, [v](const std::string& d) { write_checkpoint(d, v, 200000); });
  done = true;
  reader.join();
  EXPECT_EQ(failure, "");
  EXPECT_GT(checked.load(), 0);
}

TEST(GameStore, CommitsShardsAndReadsEveryGameBack) {
  ScratchDir dir;
  const std::string games = dir / "games";
  std::vector<std::string> lines;
  {
    GameStore store(games, 5, 6.5, 4);
    for (uint64_t s = 1; s <= 10; ++s) {
      store.add(random_game(s));
      lines.push_back(to_json_line(random_game(s)));
    }
    EXPECT_EQ(store.index().shards.size(), 2u);  // 8 committed, 2 pending
    EXPECT_EQ(store.pending(), 2u);
    store.flush();
    EXPECT_EQ(store.index().games, 10u);
  }
  std::vector<std::string> back;
  for_each_game(games, [&](const SelfPlayGame& g) {
    back.push_back(to_json_line(g));
    return true;
  });
  EXPECT_EQ(back, lines);
  const GameStoreIndex index = GameStoreIndex::load(games);
  EXPECT_EQ(index.shards.size(), 3u);
  EXPECT_EQ(index.shards[2].shard.file, "games-00002.jsonl.zst");
  uint64_t positions = 0;
  for (uint64_t s = 1; s <= 10; ++s)
    for (const SelfPlayMove& m : random_game(s).moves) positions += m.searched;
  EXPECT_EQ(index.positions, positions);
}

TEST(GameStore, AReopenedStoreContinuesAndAnUnflushedShardIsDropped) {
  ScratchDir dir;
  const std::string games = dir / "games";
  {
    GameStore store(games, 5, 6.5, 2);
    for (uint64_t s = 1; s <= 3; ++s) store.add(random_game(s));
  }  // game 3 was never committed: a crash loses at most the open shard
  GameStore store(games, 5, 6.5, 2);
  EXPECT_EQ(store.index().games, 2u);
  store.add(random_game(4));
  store.flush();
  std::vector<uint64_t> ids;
  for_each_game(games, [&](const SelfPlayGame& g) {
    ids.push_back(g.id);
    return true;
  });
  EXPECT_EQ(ids, (std::vector<uint64_t>{random_game(1).id, random_game(2).id, random_game(4).id}));
  EXPECT_NE(error_of([&] { GameStore other(games, 9, 6.5); }).find("5x5"), std::string::npos);
}

TEST(GameStore, ACorruptedShardIsNamed) {
  ScratchDir dir;
  const std::string games = dir / "games";
  {
    GameStore store(games, 5, 6.5, 8);
    for (uint64_t s = 1; s <= 3; ++s) store.add(random_game(s));
    store.flush();
  }
  {
    std::fstream f(games + "/games-00000.jsonl.zst", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('\x55');
  }
  const std::string error = error_of([&] { for_each_game(games, [](const SelfPlayGame&) { return true; }); });
  EXPECT_NE(error.find("games-00000.jsonl.zst"), std::string::npos) << error;
}

}  // namespace
}  // namespace traceplay::selfplay
