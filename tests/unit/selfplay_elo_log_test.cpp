// OUT/elo.jsonl (selfplay/elo_log.h): records round-trip in the pinned key order, the best
// version follows promotions, the table is refitted on every match, a torn last line (a
// killed learner) is dropped and cut before the next append, a damaged line is refused.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>

#include "core/atomic_file.h"
#include "selfplay/elo_log.h"

namespace traceplay::selfplay {
namespace {

namespace fs = std::filesystem;

// A match result with A's wins, draws and losses (the games themselves are not read).
play::MatchResult result(int wins, int draws, int losses) {
  play::MatchResult r;
  std::vector<double> scores;
  for (int i = 0; i < wins; ++i) scores.push_back(1);
  for (int i = 0; i < draws; ++i) scores.push_back(0.5);
  for (int i = 0; i < losses; ++i) scores.push_back(0);
  r.games.resize(scores.size());
  r.a_scores = scores;
  r.a_wins = wins;
  r.draws = draws;
  r.b_wins = losses;
  r.elo = play::estimate_elo(scores);
  return r;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("elo_log_test_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST(SelfPlayEloLog, RecordsPromotionsAndTheRefittedTable) {
  TempDir dir;
  const std::string path = (dir.path / "elo.jsonl").string();
  EloLog log(path);
  EXPECT_EQ(log.best(), 0);
  const GateRecord one = log.add(1, 0, "best", result(15, 0, 5), true);
  EXPECT_EQ(one.best, 1);
  EXPECT_TRUE(one.promoted);
  EXPECT_NEAR(one.elo, 400 * std::log10(15.5 / 5.5), 0.05);
  EXPECT_TRUE(log.gated(1));
  const GateRecord two = log.add(2, 1, "best", result(4, 2, 14), false);
  EXPECT_EQ(two.best, 1);
  EXPECT_FALSE(two.promoted);
  EXPECT_LT(two.elo, one.elo);
  const GateRecord first = log.add(2, 0, "first", result(10, 0, 10), true);  // "first" is never a promotion
  EXPECT_FALSE(first.promoted);
  EXPECT_EQ(first.best, 1);
  EXPECT_FALSE(log.gated(3));

  // The pinned keys, in order, on the first line.
  const std::string text = read_file(path);
  const std::string line = text.substr(0, text.find('\n'));
  std::string keys;
  const std::regex key("\"([a-z_0-9]+)\":");
  for (auto it = std::sregex_iterator(line.begin(), line.end(), key); it != std::sregex_iterator(); ++it)
    keys += (*it)[1].str() + " ";
  EXPECT_EQ(keys,
            "version opponent kind games wins draws losses score elo_diff elo_diff_ci95 promoted best elo "
            "elo_ci95 ");
  EXPECT_NE(line.find("\"kind\":\"best\",\"games\":20,\"wins\":15,\"draws\":0,\"losses\":5,\"score\":0.75,"
                      "\"elo_diff\":190.8"),
            std::string::npos)
      << line;
  const EloLog again(path);
  ASSERT_EQ(again.records().size(), 3u);
  EXPECT_EQ(to_json_line(again.records()[1]), to_json_line(log.records()[1]));
  EXPECT_EQ(again.best(), 1);
  const auto table = again.table();
  ASSERT_EQ(table.size(), 3u);
  EXPECT_EQ(table[0].games, 40);  // v0000: 20 against v1, 20 against v2
  EXPECT_EQ(table[1].games, 40);
  EXPECT_EQ(table[2].games, 40);
  EXPECT_NE(again.table_text().find("v0001"), std::string::npos);
  EXPECT_NE(again.table_text().find("best"), std::string::npos);
}

TEST(SelfPlayEloLog, ATornLastLineIsDroppedAndCut) {
  TempDir dir;
  const std::string path = (dir.path / "elo.jsonl").string();
  {
    EloLog log(path);
    log.add(1, 0, "best", result(6, 0, 4), true);
  }
  {
    std::ofstream out(path, std::ios::app);
    out << "{\"version\":2,\"oppo";  // killed mid-line
  }
  EloLog log(path);
  ASSERT_EQ(log.records().size(), 1u);
  log.add(2, 1, "best", result(3, 0, 7), false);
  const EloLog again(path);
  ASSERT_EQ(again.records().size(), 2u);
  EXPECT_EQ(again.records()[1].version, 2);
  EXPECT_EQ(again.best(), 1);
}

TEST(SelfPlayEloLog, DamagedLinesAreRefused) {
  TempDir dir;
  const std::string path = (dir.path / "elo.jsonl").string();
  for (const std::string bad : {"not json\n", "{\"version\":1}\n",
                                "{\"version\":1,\"opponent\":2,\"kind\":\"best\",\"games\":1,\"wins\":1,"
                                "\"draws\":0,\"losses\":0,\"score\":1,"
                                "\"elo_diff\":null,\"elo_diff_ci95\":[null,null],\"promoted\":true,\"best\":"
                                "1,\"elo\":0,\"elo_ci95\":[0,0]}\n",
                                "{\"version\":1,\"opponent\":0,\"kind\":\"best\",\"games\":2,\"wins\":1,"
                                "\"draws\":0,\"losses\":0,\"score\":1,"
                                "\"elo_diff\":null,\"elo_diff_ci95\":[null,null],\"promoted\":true,\"best\":"
                                "1,\"elo\":0,\"elo_ci95\":[0,0]}\n"}) {
    write_file_atomic(path, bad);
    EXPECT_THROW(EloLog{path}, std::runtime_error) << bad;
  }
  EloLog log((dir.path / "fresh.jsonl").string());
  play::MatchResult none;
  EXPECT_THROW(log.add(1, 0, "best", none, true), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::selfplay
