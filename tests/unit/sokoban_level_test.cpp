// Sokoban levels and the .xsb collection loader: the shared collections load, and
// every malformed level is refused with file, level and line.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/error.h"
#include "games/sokoban/collection.h"
#include <unistd.h>

#include "test_data.h"

namespace traceplay::sokoban {
namespace {

using testing::shared_data;

// A collection text in a temporary file, removed afterwards.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    // ctest runs every test in its own process, in parallel: the pid keeps names apart.
    path_ = ::testing::TempDir() + "sokoban_level_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter_++) + ".xsb";
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

// The message of the UserError that loading `text` throws ("" if none).
std::string load_error(const std::string& text, std::string* path = nullptr) {
  TempFile file(text);
  if (path) *path = file.path();
  try {
    load_collection(file.path());
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(SokobanLevel, ParsesEveryCharacter) {
  const Level level = Level::from_rows({"#######", "#+ $* #", "#.-_$ #", "#######"});
  EXPECT_EQ(level.width(), 7);
  EXPECT_EQ(level.height(), 4);
  EXPECT_EQ(level.pos(level.worker()), (Pos{1, 1}));
  EXPECT_TRUE(level.is_dock(Pos{1, 1}));
  EXPECT_EQ(level.num_boxes(), 3);
  EXPECT_EQ(level.docks().size(), 3u);
  EXPECT_TRUE(level.is_wall(Pos{0, 0}));
  EXPECT_FALSE(level.is_wall(Pos{2, 2}));
  EXPECT_EQ(level.to_string(), "#######-#+ $* #-#.  $ #-#######");
}

TEST(SokobanLevel, PadsRaggedRowsWithFloor) {
  const Level level = Level::from_rows({"  ####", "###  #", "#@$.#", "#####"});
  EXPECT_EQ(level.width(), 6);
  EXPECT_FALSE(level.is_wall(Pos{5, 2}));  // padding outside the walls
  EXPECT_EQ(level.to_rows()[2], "#@$.# ");
}

TEST(SokobanLevel, FromPositionsValidates) {
  const Level level(
      5, 3, {1, 1}, {{2, 1}}, {{3, 1}},
      {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {0, 1}, {4, 1}, {0, 2}, {1, 2}, {2, 2}, {3, 2}, {4, 2}});
  EXPECT_EQ(level.to_string(), "#####-#@$.#-#####");
  EXPECT_THROW(Level(5, 3, {1, 1}, {{2, 1}}, {{3, 1}}, {}), LevelError);  // open border
  EXPECT_THROW(Level(5, 3, {1, 1}, {{2, 1}, {2, 1}}, {{3, 1}, {1, 1}}, {}), LevelError);
}

TEST(SokobanLevel, LoadsMicroban) {
  const auto levels = load_collection(shared_data("sokoban/microban.xsb"));
  ASSERT_EQ(levels.size(), 498u);
  EXPECT_EQ(levels[0].level.to_rows()[0], "####  ");
  EXPECT_EQ(levels[0].line, 2);
  for (const auto& l : levels) EXPECT_EQ(l.level.boxes().size(), l.level.docks().size());
}

TEST(SokobanLevel, LoadsBoxoban) {
  const auto levels = load_collection(shared_data("sokoban/boxoban_medium_valid_000.txt"));
  ASSERT_EQ(levels.size(), 1000u);
  for (const auto& l : levels) {
    EXPECT_EQ(l.level.width(), 10);
    EXPECT_EQ(l.level.height(), 10);
    EXPECT_EQ(l.level.num_boxes(), 4);
  }
  EXPECT_EQ(levels[1].line, 14);  // "; 1" on line 13
}

TEST(SokobanLevel, SkipsHeadersTitlesCommentsAndSolutions) {
  std::string path;
  TempFile file(
      "Title: two levels\n; comment\n\n####\n#@$.#\n#####\nSolution: R\n\nLevel two\n#####\r\n#.$@#  "
      "\r\n#####\n");
  const auto levels = load_collection(file.path());
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[0].line, 4);
  EXPECT_EQ(levels[1].line, 10);
  EXPECT_EQ(levels[1].level.width(), 5);  // CR and trailing spaces dropped
}

TEST(SokobanLevel, RefusesNoWorker) {
  std::string path;
  const std::string e = load_error("; 1\n#####\n#@$.#\n#####\n\n; 2\n#####\n# $.#\n#####\n", &path);
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("level 2"), std::string::npos) << e;
  EXPECT_NE(e.find("line 7"), std::string::npos) << e;
  EXPECT_NE(e.find("no worker"), std::string::npos) << e;
}

TEST(SokobanLevel, RefusesTwoWorkers) {
  const std::string e = load_error("######\n#@$.@#\n######\n");
  EXPECT_NE(e.find("level 1 (line 2)"), std::string::npos) << e;
  EXPECT_NE(e.find("second worker"), std::string::npos) << e;
}

TEST(SokobanLevel, RefusesBoxDockMismatch) {
  const std::string e = load_error("\n\n######\n#@$$.#\n######\n");
  EXPECT_NE(e.find("level 1 (line 3)"), std::string::npos) << e;
  EXPECT_NE(e.find("2 boxes but 1 docks"), std::string::npos) << e;
}

TEST(SokobanLevel, RefusesOpenBorder) {
  // The worker walks through the gap in the right wall, off the grid.
  const std::string e = load_error("#####\n#@$. \n#####\n");
  EXPECT_NE(e.find("level 1 (line 1)"), std::string::npos) << e;
  EXPECT_NE(e.find("open"), std::string::npos) << e;
  // A ragged row ends early: the padding is floor outside the level, reachable.
  const std::string ragged = load_error("######\n#@$.\n######\n");
  EXPECT_NE(ragged.find("open"), std::string::npos) << ragged;
  // Floor outside the walls that the worker cannot reach is fine.
  EXPECT_EQ(load_error("  #####\n  #@$.#\n  #####\n"), "");
}

TEST(SokobanLevel, RefusesUnknownCharacter) {
  const std::string e = load_error("; 1\n#####\n#@$.#\n#####\n\n#####\n#@$.#\n#x  #\n#####\n");
  EXPECT_NE(e.find("level 2 (line 8)"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown character 'x'"), std::string::npos) << e;
}

TEST(SokobanLevel, RefusesFilesWithoutLevelsAndMissingFiles) {
  const std::string e = load_error("; just a comment\nTitle\n");
  EXPECT_NE(e.find("no Sokoban level"), std::string::npos) << e;
  EXPECT_THROW(load_collection("/nonexistent/levels.xsb"), UserError);
}

// The limits on a level's size are checked while the rows are read (before, a level of
// a million rows was first kept whole), each naming the level, the line and the limit.
TEST(SokobanLevel, RefusesLevelsOverTheSizeLimits) {
  const std::string small = "#####\n#@$.#\n#####\n\n";
  const std::string wide = small + "#" + std::string(kMaxLevelColumns, '#') + "\n";
  std::string e = load_error(wide);
  EXPECT_NE(e.find("level 2 (line 5): a row of 256 columns (the limit is 255)"), std::string::npos) << e;
  EXPECT_EQ(load_error("#" + std::string(kMaxLevelColumns - 2, ' ') + "#\n" + small), "")
      << "255 columns are fine";

  std::string tall = small;
  for (int i = 0; i <= kMaxLevelRows; ++i) tall += "#\n";
  e = load_error(tall);
  EXPECT_NE(e.find("level 2 (line 260): more than the limit of 255 rows"), std::string::npos) << e;

  // 255 x 255 cells would be 65,025 cells (within the limit); 255 x 256 rows is not.
  std::vector<std::string> rows(256, "#");
  rows[0] = std::string(255, '#');
  EXPECT_THROW(Level::from_rows(rows), LevelError);
  EXPECT_THROW(Level(256, 1, {0, 0}, {}, {}, {}), LevelError);
}

TEST(SokobanLevel, RefusesCollectionsOverTheCellLimit) {
  // One closed 255 x 255 level in about 800 bytes: the file cap alone would let 20,000
  // of them (1.3 G cells) through.
  std::string level = std::string(255, '#') + "\n#@$.#\n#####\n";
  for (int i = 3; i < kMaxLevelRows; ++i) level += "#\n";
  const uint64_t per_level = 255 * 255;
  const uint64_t fit = kMaxCollectionCells / per_level;
  std::string text;
  for (uint64_t i = 0; i <= fit; ++i) text += level + "\n";
  const std::string e = load_error(text);
  EXPECT_NE(e.find("level " + std::to_string(fit + 1) + " (line "), std::string::npos) << e;
  EXPECT_NE(e.find("more than the limit of " + std::to_string(kMaxCollectionCells) + " cells"),
            std::string::npos)
      << e;
  EXPECT_EQ(parse_collection(level, "one").size(), 1u);
}

}  // namespace
}  // namespace traceplay::sokoban
