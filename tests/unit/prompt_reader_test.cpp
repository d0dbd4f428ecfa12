// The reader both maze and Sokoban prompts go through: every malformed token is named.
#include "search/prompt_reader.h"

#include <gtest/gtest.h>

#include "search/sokoban_trace.h"

namespace traceplay::search {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

TEST(PromptReader, PositionsKeywordsAndErrors) {
  const std::vector<std::string> p = {"wall", "2", "1", "wall", "3", "0", "wall", "x", "1", "wall", "1"};
  const PromptReader r(p, 3, 2, "test prompt");
  EXPECT_EQ(r.size(), p.size());
  r.expect(0, "wall");
  EXPECT_EQ(r.position(1), (Pos{2, 1}));
  EXPECT_EQ(error_of([&] { r.expect(3, "box"); }), "test prompt token 3: expected \"box\", got \"wall\"");
  EXPECT_EQ(error_of([&] { r.position(4); }), "test prompt token 4: coordinate 3 is outside the 3x2 grid");
  EXPECT_EQ(error_of([&] { r.position(7); }), "test prompt token 7: expected a coordinate, got \"x\"");
  EXPECT_EQ(error_of([&] { r.position(10); }),
            "test prompt token 11: expected a coordinate, got the end of the prompt");
  EXPECT_EQ(error_of([&] { r.expect(11, "wall"); }),
            "test prompt token 11: expected \"wall\", got the end of the prompt");
  EXPECT_EQ(error_of([&] { r.token(11); }),
            "test prompt token 11: expected a token, got the end of the prompt");
  // y is bounded by the height, not the width.
  const std::vector<std::string> tall = {"0", "2"};
  EXPECT_EQ(error_of([&] { PromptReader(tall, 3, 2, "p").position(0); }),
            "p token 1: coordinate 2 is outside the 3x2 grid");
  const std::vector<std::string> huge = {"00001", "1"};
  EXPECT_EQ(error_of([&] { PromptReader(huge, 3, 2, "p").position(0); }),
            "p token 0: expected a coordinate, got \"00001\"");
}

TEST(PromptReader, SokobanPromptErrorsNameTheToken) {
  EXPECT_EQ(error_of([] {
              level_from_prompt({"worker", "1", "1", "robot", "1", "1"}, 5, 3);
            }),
            "Sokoban prompt token 3: expected worker, box, dock or wall, got \"robot\"");
  EXPECT_EQ(error_of([] {
              level_from_prompt({"worker", "9", "1"}, 5, 3);
            }),
            "Sokoban prompt token 1: coordinate 9 is outside the 5x3 grid");
  EXPECT_EQ(error_of([] {
              level_from_prompt({"box", "1", "1"}, 5, 3);
            }),
            "Sokoban prompt: expected one worker, got 0");
}

}  // namespace
}  // namespace traceplay::search
