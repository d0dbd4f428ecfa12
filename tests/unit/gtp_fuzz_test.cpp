// The engine never crashes or hangs, and every line that is not empty or comment-only
// after preprocessing gets exactly one well-formed response: random bytes, and random
// mixes of real command names with plausible and implausible arguments.
#include <random>

#include <gtest/gtest.h>

#include "apps/gtp/command.h"
#include "apps/gtp/engine.h"
#include "apps/gtp/preprocess.h"
#include "apps/gtp/session.h"
#include "tests/unit/gtp_test_util.h"

namespace traceplay::gtp {
namespace {

// True when `out` is exactly one response to a command with `id`: "=id" or "?id", then
// (after a space or a newline) text without an empty line, ending with "\n\n".
bool one_well_formed_response(const std::string& out, const std::string& id, std::string* why) {
  if (out.size() < 3 || (out[0] != '=' && out[0] != '?')) return *why = "no = or ?", false;
  if (out.compare(1, id.size(), id) != 0) return *why = "id not echoed", false;
  const char after = out[1 + id.size()];
  if (after != ' ' && after != '\n') return *why = "no separator after the id", false;
  if (out.compare(out.size() - 2, 2, "\n\n") != 0) return *why = "no final empty line", false;
  if (out.find("\n\n") != out.size() - 2) return *why = "an empty line inside", false;
  if (out[0] == '?' && out.find('\n') != out.size() - 2) return *why = "a multi-line error", false;
  return true;
}

std::string random_bytes(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> length(0, 40), byte(0, 255);
  std::string s;
  for (int n = length(rng); n > 0; --n) {
    const char c = static_cast<char>(byte(rng));
    if (c != '\n') s.push_back(c);
  }
  return s;
}

std::string random_command(std::mt19937_64& rng) {
  static const std::vector<std::string> names = [] {
    auto n = Engine::command_names();
    n.push_back("foo");
    n.push_back("PLAY");
    return n;
  }();
  static const std::vector<std::string> words = {
      "b", "w", "black", "WHITE", "x", "d4", "D4", "a1", "t19", "j9", "i5", "z99", "pass", "resign", "0", "1",
      "2", "3", "5", "9", "19", "25", "26", "-1", "7.5", "1e9", "nan", "interval", "10", "maxmoves", "ownership",
      "true", "avoid", "q16,d4", "dead", "alive", "seki", "none", "absolute", "byoyomi", "canadian", "#", "\t",
      "\r", "\x01", "99999999999999999999", "/nonexistent.sgf", ""};
  std::uniform_int_distribution<size_t> pick_name(0, names.size() - 1), pick_word(0, words.size() - 1);
  std::uniform_int_distribution<int> count(0, 5), coin(0, 3);
  std::string line;
  if (coin(rng) == 0) line = std::to_string(rng() % 1000) + " ";
  const std::string name = names[pick_name(rng)];
  line += name;
  if (name == "printsgf") return line;  // with an argument it would write a file here
  for (int n = count(rng); n > 0; --n) line += " " + words[pick_word(rng)];
  return line;
}

TEST(GtpFuzz, EveryLineGetsExactlyOneWellFormedResponse) {
  std::mt19937_64 rng(20261130);
  testing::TestEngine e(9);
  int answered = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string line = i % 2 ? random_bytes(rng) : random_command(rng);
    const std::string out = e.run(line);
    const std::string cleaned = preprocess_line(line);
    if (cleaned.empty()) {
      EXPECT_EQ(out, "") << "line " << i;
      continue;
    }
    std::string why;
    EXPECT_TRUE(one_well_formed_response(out, parse_command(cleaned).id, &why))
        << "line " << i << " (" << cleaned << "): " << why << "\n" << out;
    ++answered;
  }
  EXPECT_GT(answered, 2000);
  // The engine still plays after all that.
  EXPECT_EQ(e.run("clear_board"), "=\n\n");
  EXPECT_EQ(e.run("boardsize 9"), "=\n\n");
  EXPECT_EQ(e.run("genmove b"), "= A9\n\n");
}

TEST(GtpFuzz, LongLinesAreCutNotAccumulated) {
  LineQueue queue;
  std::string input(200 * 1024, 'x');
  input += "\nname\n";
  size_t offset = 0;
  pump_lines(
      [&](char* buffer, size_t size) {
        const size_t n = std::min(size, input.size() - offset);
        std::copy(input.begin() + static_cast<std::ptrdiff_t>(offset),
                  input.begin() + static_cast<std::ptrdiff_t>(offset + n), buffer);
        offset += n;
        return n;
      },
      queue);
  auto first = queue.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size(), 64u * 1024);
  EXPECT_EQ(queue.pop(), std::optional<std::string>("name"));
  EXPECT_FALSE(queue.pop());
}

}  // namespace
}  // namespace traceplay::gtp
