// The GTP controller (apps/match/gtp_client.h) against small shell-script engines over
// real pipes: responses with and without ids, CRLF, multi-line answers, `?` answers,
// and every way an engine can fail (garbage, wrong id, exit, hang) ending in an
// EngineFailure with the engine stopped, its whole process group included.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "apps/match/gtp_client.h"
#include "apps/match/gtp_vertex.h"

namespace traceplay::match {
namespace {

namespace fs = std::filesystem;

// An engine that answers each command word with a fixed behaviour.
// With STUBBORN set it answers quit but then sleeps on, deaf to its closed input.
constexpr const char* kFakeEngine = R"(#!/bin/sh
echo $$ > "$DIR/engine.pid"
while read -r id cmd rest; do
  case "$cmd" in
    name) printf '=%s fake engine\n\n' "$id" ;;
    quit) printf '=%s\n\n' "$id"; [ -n "$STUBBORN" ] && exec sleep 30; exit 0 ;;
    crlf) printf '=%s yes\r\n\r\n' "$id" ;;
    refuse) printf '?%s no such thing\n\n' "$id" ;;
    multi) printf '=%s A1 B2\nC3\n\n' "$id" ;;
    noid) printf '= plain\n\n' ;;
    blanks) printf '\n\n=%s after blanks\n\n' "$id" ;;
    wrongid) printf '=999 x\n\n' ;;
    garbage) printf 'hello there\n\n' ;;
    hang) sleep 30 & echo $! > "$DIR/sleep.pid"; wait ;;
    die) exit 3 ;;
    noise) echo "noise on stderr" >&2; printf '=%s\n\n' "$id" ;;
    *) printf '?%s unknown command\n\n' "$id" ;;
  esac
done
)";

class GtpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("traceplay_gtp_client_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ofstream(dir_ / "fake.sh") << kFakeEngine;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string command() const { return "DIR=" + dir_.string() + " exec sh " + (dir_ / "fake.sh").string(); }

  // True once process `pid` is gone (or a zombie waiting for init), within 2 s.
  static bool gone(pid_t pid) {
    for (int i = 0; i < 200; ++i) {
      std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
      std::string text;
      if (!std::getline(stat, text)) return true;
      const size_t close = text.rfind(')');
      if (close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z') return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  fs::path dir_;
};

TEST_F(GtpClientTest, AnswersWithAndWithoutIds) {
  GtpClient engine("engine A", command());
  GtpResponse r = engine.send("name", 5);
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.text, "fake engine");
  EXPECT_EQ(engine.ask("crlf", 5), "yes");
  EXPECT_EQ(engine.ask("multi", 5), "A1 B2\nC3");
  EXPECT_EQ(engine.ask("noid", 5), "plain");
  EXPECT_EQ(engine.ask("blanks", 5), "after blanks");
  r = engine.send("refuse", 5);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.text, "no such thing");
  EXPECT_TRUE(engine.alive());  // a '?' answer is no failure of the engine
  try {
    engine.ask("refuse", 5);
    FAIL() << "ask() of a refused command must throw";
  } catch (const EngineFailure& e) {
    EXPECT_NE(std::string(e.what()).find("engine A refused 'refuse': ? no such thing"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(engine.alive());
  engine.quit();
  EXPECT_FALSE(engine.alive());
}

void expect_failure(GtpClient& engine, const std::string& command, const std::string& message) {
  try {
    engine.send(command, 0.5);
    ADD_FAILURE() << command << ": no EngineFailure";
  } catch (const EngineFailure& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
  EXPECT_FALSE(engine.alive());
  EXPECT_THROW(engine.send("name", 1), EngineFailure);  // stays stopped
}

TEST_F(GtpClientTest, GarbageIsAFailure) {
  GtpClient engine("engine B", command());
  expect_failure(engine, "garbage", "engine B answered 'hello there', not a GTP response (to 'garbage')");
}

TEST_F(GtpClientTest, AnotherIdIsAFailure) {
  GtpClient engine("engine B", command());
  expect_failure(engine, "wrongid", "answered with id 999 to command 1");
}

TEST_F(GtpClientTest, ExitIsAFailure) {
  GtpClient engine("engine B", command());
  expect_failure(engine, "die", "exited (exit 3) without answering 'die'");
}

TEST_F(GtpClientTest, CommandThatDoesNotExistExitsWithoutAnswering) {
  GtpClient engine("engine A", "/nonexistent/engine --mode gtp");
  expect_failure(engine, "name", "exited (exit 127) without answering 'name'");
}

TEST_F(GtpClientTest, HangIsATimeoutAndTheWholeGroupIsKilled) {
  GtpClient engine("engine A", command());
  const auto start = std::chrono::steady_clock::now();
  expect_failure(engine, "hang", "did not answer 'hang' within 0.5 s");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  pid_t sleeper = 0;
  std::ifstream(dir_ / "sleep.pid") >> sleeper;
  ASSERT_GT(sleeper, 0);
  EXPECT_TRUE(gone(sleeper)) << "the engine's child survived";
}

TEST_F(GtpClientTest, AnEngineThatDoesNotQuitIsKilled) {
  // Not exec'd: the engine is the shell's child, which only the group kill reaches.
  GtpClient engine("engine A",
                   "STUBBORN=1 DIR=" + dir_.string() + " sh " + (dir_ / "fake.sh").string() + "; true");
  EXPECT_EQ(engine.ask("name", 5), "fake engine");
  const auto start = std::chrono::steady_clock::now();
  engine.quit(0.3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_FALSE(engine.alive());
  pid_t pid = 0;
  std::ifstream(dir_ / "engine.pid") >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(gone(pid));
}

TEST_F(GtpClientTest, StderrGoesToTheLogFile) {
  const std::string log = (dir_ / "engine.log").string();
  {
    GtpClient engine("engine A", command(), log);
    EXPECT_EQ(engine.ask("noise", 5), "");
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "noise on stderr\n");
}

TEST(GtpResponseParse, Forms) {
  GtpResponse r;
  std::string error;
  ASSERT_TRUE(parse_gtp_response("=7 D4\n\n", 7, r, error));
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.text, "D4");
  ASSERT_TRUE(parse_gtp_response("=\n\n", 3, r, error));
  EXPECT_EQ(r.text, "");
  ASSERT_TRUE(parse_gtp_response("?12 illegal move\n\n", 12, r, error));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.text, "illegal move");
  EXPECT_FALSE(parse_gtp_response("=8 D4\n\n", 7, r, error));
  EXPECT_EQ(error, "answered with id 8 to command 7");
  EXPECT_FALSE(parse_gtp_response("=7D4\n\n", 7, r, error));
  EXPECT_FALSE(parse_gtp_response("D4\n\n", 7, r, error));
  EXPECT_FALSE(parse_gtp_response("=12345678901234 x\n\n", 7, r, error));
}

TEST(GtpVertex, RoundTripsAndRefusals) {
  EXPECT_EQ(gtp_vertex(go::Move::at(0, 8), 9), "A1");
  EXPECT_EQ(gtp_vertex(go::Move::at(8, 0), 9), "J9");  // no I
  EXPECT_EQ(gtp_vertex(go::Move::pass(), 9), "pass");
  for (int y = 0; y < 19; ++y)
    for (int x = 0; x < 19; ++x)
      EXPECT_EQ(parse_gtp_vertex(gtp_vertex(go::Move::at(x, y), 19), 19), go::Move::at(x, y));
  EXPECT_EQ(parse_gtp_vertex("d4", 9), go::Move::at(3, 5));
  EXPECT_EQ(parse_gtp_vertex("PASS", 9), go::Move::pass());
  for (const char* bad : {"", "I5", "K1", "A10", "A0", "A01", "resign", "D", "4D", "A1x"})
    EXPECT_FALSE(parse_gtp_vertex(bad, 9)) << bad;
  EXPECT_EQ(parse_gtp_vertex_list(" A1  B2\nC3 ", 9)->size(), 3u);
  EXPECT_TRUE(parse_gtp_vertex_list("", 9)->empty());
  EXPECT_FALSE(parse_gtp_vertex_list("A1 pass", 9));
  EXPECT_FALSE(parse_gtp_vertex_list("A1 Z9", 9));
}

}  // namespace
}  // namespace traceplay::match
