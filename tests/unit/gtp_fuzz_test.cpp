// The engine never crashes or hangs, and every line that is not empty or comment-only
// after preprocessing gets exactly one well-formed response: random bytes, and random
// mixes of real command names with plausible and implausible arguments.
#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

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
  static const std::vector<std::string> words = {"b",
                                                 "w",
                                                 "black",
                                                 "WHITE",
                                                 "x",
                                                 "d4",
                                                 "D4",
                                                 "a1",
                                                 "t19",
                                                 "j9",
                                                 "i5",
                                                 "z99",
                                                 "pass",
                                                 "resign",
                                                 "0",
                                                 "1",
                                                 "2",
                                                 "3",
                                                 "5",
                                                 "9",
                                                 "19",
                                                 "25",
                                                 "26",
                                                 "-1",
                                                 "7.5",
                                                 "1e9",
                                                 "nan",
                                                 "interval",
                                                 "10",
                                                 "maxmoves",
                                                 "ownership",
                                                 "true",
                                                 "avoid",
                                                 "q16,d4",
                                                 "dead",
                                                 "alive",
                                                 "seki",
                                                 "none",
                                                 "absolute",
                                                 "byoyomi",
                                                 "canadian",
                                                 "#",
                                                 "\t",
                                                 "\r",
                                                 "\x01",
                                                 "99999999999999999999",
                                                 "/nonexistent.sgf",
                                                 ""};
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
        << "line " << i << " (" << cleaned << "): " << why << "\n"
        << out;
    ++answered;
  }
  EXPECT_GT(answered, 2000);
  // The engine still plays after all that.
  EXPECT_EQ(e.run("clear_board"), "=\n\n");
  EXPECT_EQ(e.run("boardsize 9"), "=\n\n");
  EXPECT_EQ(e.run("genmove b"), "= A9\n\n");
}

// Feeds `input` through pump_lines in reads of at most 4 KiB.
void pump_string(const std::string& input, LineQueue& queue) {
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
}

TEST(GtpFuzz, LongLinesAreCutNotAccumulated) {
  LineQueue queue;
  std::string input(200 * 1024, 'x');
  input += "\nname\n";
  pump_string(input, queue);
  auto first = queue.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text.size(), kMaxGtpLineBytes);
  EXPECT_TRUE(first->cut);
  const auto second = queue.pop();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->text, "name");
  EXPECT_FALSE(second->cut);
  EXPECT_FALSE(queue.pop());
}

// Only dropped command text makes a line cut: a long comment or trailing blanks do not
// change what the line means.
TEST(GtpFuzz, ALongCommentOrLongBlanksAreNotCut) {
  std::vector<InputLine> lines;
  LineSplitter splitter(16);
  const auto keep = [&](InputLine l) { lines.push_back(std::move(l)); };
  const std::string input = "name # " + std::string(100, 'c') + "\n" + "name" + std::string(100, ' ') +
                            "\t\r\n" + std::string(20, ' ') + "x\n" + "12 play b " + std::string(100, '4') +
                            "\n";
  splitter.feed(input.data(), input.size(), keep);
  splitter.finish(keep);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_FALSE(lines[0].cut);
  EXPECT_EQ(lines[0].text, "name # ccccccccc");
  EXPECT_FALSE(lines[1].cut);
  EXPECT_TRUE(lines[2].cut);
  EXPECT_TRUE(lines[3].cut);
  EXPECT_EQ(lines[3].text, "12 play b 444444");
}

// Before, the first 64 KiB of `play b d4444...` were executed (as `play b d4444...`
// cut short); a cut line is refused under its id and the session goes on.
TEST(GtpFuzz, ALineOverTheLimitIsRefusedAndTheSessionGoesOn) {
  testing::TestEngine e(9);
  LineQueue queue;
  pump_string("7 play b d" + std::string(kMaxGtpLineBytes, '4') + "\n8 play b d4\n9 name\n", queue);
  std::string out;
  run_session(*e.engine, queue, [&](const std::string& s) { out += s; });
  EXPECT_EQ(out, "?7 line longer than the limit of " + std::to_string(kMaxGtpLineBytes) +
                     " bytes\n\n=8\n\n=9 traceplay\n\n");
  EXPECT_EQ(e.engine->board().at(3, 5), go::Color::kBlack);
  ASSERT_FALSE(e.logs.empty());
  EXPECT_NE(e.logs.back().find("line longer than the limit"), std::string::npos) << e.logs.back();
}

// The reader holds at most the queue's byte limit: a push beyond it waits until the
// engine takes a line, and close() releases a waiting push (which drops its line).
TEST(GtpFuzz, TheQueueIsBoundedAndCloseReleasesAWaitingPush) {
  LineQueue queue(10);
  queue.push(std::string(8, 'a'));
  queue.push(std::string(8, 'b'));  // under the limit before it: taken
  std::atomic<bool> pushed{false};
  std::thread reader([&] {
    queue.push(std::string(8, 'c'));
    pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(pushed);
  EXPECT_EQ(queue.pop()->text, std::string(8, 'a'));
  EXPECT_EQ(queue.pop()->text, std::string(8, 'b'));
  reader.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(queue.pop()->text, std::string(8, 'c'));

  queue.push(std::string(16, 'd'));  // an empty queue takes any line
  std::thread blocked([&] { queue.push("e"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  queue.close();
  blocked.join();
  EXPECT_EQ(queue.pop()->text, std::string(16, 'd'));
  EXPECT_FALSE(queue.pop());  // "e" came after close: dropped
}

}  // namespace
}  // namespace traceplay::gtp
