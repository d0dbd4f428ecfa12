// go-tactics tokens (search/go_tactics_prompt.h): the pinned vocabulary, the prompt of a
// position with a ko point read back to the same task, layout tokens, plans, and the
// malformed prompts the parser refuses.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "search/go_tactics_prompt.h"
#include "tests/unit/go_test_util.h"

namespace traceplay::search {
namespace {

using go::Color;
using go::Move;

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t j = text.find(' ', i);
    out.push_back(text.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return out;
}

TEST(GoTacticsPrompt, VocabularyIsPinned) {
  const std::vector<std::string> expected = {
      "bos", "eos",     "0",  "1",  "2",  "3",  "4",  "black", "capture", "ko", "pass", "plan", "save",
      "sim", "to_move", "v0", "v1", "v2", "v3", "v4", "v5",    "v6",      "v7", "v8",   "white"};
  EXPECT_EQ(go_tactics_vocabulary(5).tokens(), expected);
}

TEST(GoTacticsPrompt, PromptOfAKoPositionReadsBackToTheSameTask) {
  // A ko point set by hand (the prompt reads the Position's simple-ko state as it is).
  go::Board board = go::testing::board_from({".X...", "X.XO.", ".X.O.", "..O..", "....."});
  go::Position pos = board.position();
  pos.set_ko(pos.point(2, 2), Color::kBlack);
  const auto prompt = go_tactics_prompt(pos, Color::kBlack, Move::at(3, 2));
  EXPECT_EQ(prompt, words("black 1 0 black 0 1 black 2 1 black 1 2 white 3 1 white 3 2 white 2 3 "
                          "ko 2 2 to_move black capture 3 1"));
  EXPECT_EQ(go_tactics_layout_tokens(prompt),
            words("black 1 0 black 0 1 black 2 1 black 1 2 white 3 1 white 3 2 white 2 3"));
  // The ko point is written only for the side it binds.
  const auto white_prompt = go_tactics_prompt(pos, Color::kWhite, Move::at(3, 2));
  EXPECT_EQ(std::count(white_prompt.begin(), white_prompt.end(), "ko"), 0);
  const GoTacticsTask task = parse_go_tactics_prompt(prompt, 5);
  EXPECT_EQ(task.position.hash(), pos.hash());
  EXPECT_EQ(task.position.ko_point(), pos.point(2, 2));
  EXPECT_EQ(task.position.ko_color(), Color::kBlack);
  EXPECT_EQ(task.to_move, Color::kBlack);
  EXPECT_EQ(task.target, Move::at(3, 1));
  EXPECT_EQ(go_tactics_prompt(task.position, task.to_move, task.target), prompt);
}

TEST(GoTacticsPrompt, TargetIsTheChainsFirstStoneAndGoalFollowsTheColours) {
  go::Board board = go::testing::board_from({".....", ".OO..", "..O..", ".....", "....."});
  const auto save = go_tactics_prompt(board.position(), Color::kWhite, Move::at(2, 2));
  EXPECT_EQ(std::vector<std::string>(save.end() - 3, save.end()), words("save 1 1"));
  const auto capture = go_tactics_prompt(board.position(), Color::kBlack, Move::at(2, 1));
  EXPECT_EQ(std::vector<std::string>(capture.end() - 3, capture.end()), words("capture 1 1"));
}

TEST(GoTacticsPrompt, Plans) {
  EXPECT_EQ(go_tactics_plan(Move::at(3, 4)), words("plan 3 4"));
  EXPECT_EQ(go_tactics_plan(Move::pass()), words("plan pass"));
  EXPECT_EQ(go_point_index(Move::at(3, 4), 7), 31);
  EXPECT_EQ(go_point_index(Move::pass(), 7), 49);
}

TEST(GoTacticsPrompt, MalformedPromptsAreRefused) {
  for (const char* bad :
       {"", "black 0 0 to_move black", "black 0 0 white 1 0 to_move black capture 0 0",
        "black 0 0 white 1 0 to_move white save 0 0", "black 0 5 to_move white capture 0 5",
        "black 0 0 black 0 0 to_move white capture 0 0", "white 1 0 black 0 0 to_move white capture 0 0",
        "black 0 0 ko 0 0 to_move white capture 0 0", "black 0 0 to_move white capture 1 1",
        "black 0 0 to_move white capture 0 0 0", "black 0 0 to_move grey capture 0 0",
        "black 0 0 to_move white capture 0", "black x 0 to_move white capture 0 0",
        "black 1 0 black 0 1 white 0 0 to_move black capture 0 0"})
    EXPECT_THROW(parse_go_tactics_prompt(words(bad), 5), UserError) << bad;
  EXPECT_THROW(parse_go_tactics_prompt(words("black 0 0 to_move white capture 0 0"), 10), UserError);
  EXPECT_NO_THROW(parse_go_tactics_prompt(words("black 0 0 to_move white capture 0 0"), 5));
}

}  // namespace
}  // namespace traceplay::search
