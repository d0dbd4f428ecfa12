// A manifest's vocabulary against its domain's (core/domain_vocabulary.h, registered by
// search/dataset_domains.h): an edited token is named, a true one passes.
#include <gtest/gtest.h>

#include "core/dataset.h"
#include "core/domain_vocabulary.h"
#include "dataset_test_util.h"
#include "search/dataset_domains.h"
#include "search/go_tactics_prompt.h"
#include "search/maze_trace.h"
#include "search/sokoban_trace.h"

namespace traceplay::search {
namespace {

using testing::error_of;

// Registers the domains for one test and leaves the process as it found it (other
// tests' datasets use a "fake" domain).
class DatasetDomains : public ::testing::Test {
 protected:
  void SetUp() override { register_dataset_domains(); }
  void TearDown() override { clear_domain_vocabularies(); }

  static Manifest maze(int width, int height) {
    Manifest m;
    m.domain = "maze";
    m.params = {{"width", width}, {"height", height}, {"attempts_per_layout", 100}};
    m.vocabulary = maze_vocabulary(width, height).tokens();
    return m;
  }
  static void check(const Manifest& m) { check_domain_vocabulary(m, "d/manifest.json"); }
};

TEST_F(DatasetDomains, TheMazeVocabularyPassesAndARenamedTokenIsNamed) {
  Manifest m = maze(5, 5);
  // bos, eos, 0..4, c0..c24 sorted as strings (c0 c1 c10 ... c19 c2 c20 ...), 6 keywords.
  ASSERT_EQ(m.vocabulary.size(), 2u + 5 + 25 + 6);
  ASSERT_EQ(m.vocabulary[9], "c10");
  check(m);
  m.vocabulary[9] = "c10x";
  EXPECT_EQ(error_of([&] { check(m); }),
            "d/manifest.json: \"vocabulary\" differs from the maze 5x5 vocabulary: token 9 is \"c10x\", "
            "expected \"c10\"");
  // The vocabulary of another size: the first difference is named as well.
  m.vocabulary = maze_vocabulary(6, 5).tokens();
  EXPECT_NE(error_of([&] {
              check(m);
            }).find("differs from the maze 5x5 vocabulary: token 7 is \"5\", expected \"c0\""),
            std::string::npos);
  // One token more at the end.
  m.vocabulary = maze_vocabulary(5, 5).tokens();
  m.vocabulary.push_back("zzz");
  EXPECT_EQ(
      error_of([&] { check(m); }),
      "d/manifest.json: \"vocabulary\" differs from the maze 5x5 vocabulary: it has 39 tokens, expected 38");
  // Raw bytes in an edited token are escaped.
  m.vocabulary = maze_vocabulary(5, 5).tokens();
  m.vocabulary[2] = "0\x1b";
  EXPECT_NE(error_of([&] { check(m); }).find("token 2 is \"0\\x1b\", expected \"0\""), std::string::npos);
}

TEST_F(DatasetDomains, ParamsOutsideTheDomainAndUnknownDomainsAreRefused) {
  Manifest m = maze(5, 5);
  m.params["width"] = 1000000;  // would be a 10^12-token vocabulary: refused before it is built
  EXPECT_EQ(error_of([&] { check(m); }),
            "d/manifest.json: \"params\".\"width\" must be an integer in 2..100 for a maze dataset");
  m.params.erase("width");
  EXPECT_NE(error_of([&] { check(m); }).find("\"params\".\"width\""), std::string::npos);
  m = maze(5, 5);
  m.domain = "mazes";
  EXPECT_EQ(error_of([&] { check(m); }),
            "d/manifest.json: unknown domain \"mazes\" (known: go-tactics, maze, sokoban)");
  // Nothing registered: nothing checked.
  clear_domain_vocabularies();
  check(m);
}

TEST_F(DatasetDomains, GoTacticsVocabularyFollowsTheBoardSize) {
  Manifest m;
  m.domain = "go-tactics";
  m.params = {{"size", 7}, {"safe_liberties", 3}, {"horizon", 16}, {"max_nodes", 1000}};
  m.vocabulary = go_tactics_vocabulary(7).tokens();
  check(m);
  m.vocabulary = go_tactics_vocabulary(6).tokens();
  EXPECT_NE(error_of([&] { check(m); }).find("differs from the go-tactics 7x7 vocabulary"),
            std::string::npos);
  m.params["size"] = 19;
  EXPECT_EQ(error_of([&] { check(m); }),
            "d/manifest.json: \"params\".\"size\" must be an integer in 5..9 for a go-tactics dataset");
}

TEST_F(DatasetDomains, SokobanGeneratedAndFromALevelsFile) {
  Manifest m;
  m.domain = "sokoban";
  m.params = {{"width", 7}, {"height", 6}, {"walls", 2}, {"boxes", 2}, {"cost_tokens", 50}};
  m.vocabulary = sokoban_vocabulary(7, 50).tokens();
  check(m);
  m.params["cost_tokens"] = 49;
  EXPECT_NE(
      error_of([&] { check(m); }).find("differs from the sokoban vocabulary of side 7 and 49 cost tokens"),
      std::string::npos);

  // A levels file: the side is not in params; the manifest's coordinates must be 0..N-1
  // and the rest exactly what N and cost_tokens define.
  m.params = {{"levels_file", "levels.txt"}, {"levels", 3}, {"cost_tokens", 50}};
  m.vocabulary = sokoban_vocabulary(11, 50).tokens();
  check(m);
  auto renamed = m.vocabulary;
  std::replace(renamed.begin(), renamed.end(), std::string("7"), std::string("7x"));
  m.vocabulary = renamed;
  EXPECT_NE(
      error_of([&] { check(m); }).find("differs from the sokoban vocabulary of side 10 and 50 cost tokens"),
      std::string::npos);
  // A cost token renamed into a number is caught too.
  m.vocabulary = sokoban_vocabulary(11, 50).tokens();
  std::replace(m.vocabulary.begin(), m.vocabulary.end(), std::string("c3"), std::string("77"));
  EXPECT_NE(error_of([&] { check(m); }).find("differs from the sokoban vocabulary of side 12"),
            std::string::npos);
}

}  // namespace
}  // namespace traceplay::search
