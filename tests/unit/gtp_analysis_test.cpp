// The analysis commands: argument parsing, Leela Zero's and KataGo's line formats (parsed
// back), streaming until the next input line, which then runs as a normal command.
#include <atomic>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "apps/gtp/analysis_format.h"
#include "apps/gtp/session.h"
#include "apps/gtp/vertex.h"
#include "tests/unit/gtp_test_util.h"

namespace traceplay::gtp {
namespace {

using testing::TestEngine;

struct Entry {
  std::map<std::string, std::string> fields;
  std::vector<std::string> pv;
};

// Splits an analysis line into its `info` entries (and KataGo's trailing ownership).
std::vector<Entry> parse_info_line(const std::string& line, std::vector<double>* ownership = nullptr) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  std::vector<Entry> entries;
  size_t i = 0;
  while (i < words.size()) {
    if (words[i] == "ownership") {
      for (++i; i < words.size(); ++i) ownership->push_back(std::stod(words[i]));
      break;
    }
    EXPECT_EQ(words[i], "info");
    ++i;
    Entry e;
    while (i < words.size() && words[i] != "info" && words[i] != "ownership") {
      if (words[i] == "pv") {
        for (++i; i < words.size() && words[i] != "info" && words[i] != "ownership"; ++i)
          e.pv.push_back(words[i]);
        break;
      }
      EXPECT_LT(i + 1, words.size());
      e.fields[words[i]] = words[i + 1];
      i += 2;
    }
    entries.push_back(e);
  }
  return entries;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();  // the response's end
  return lines;
}

search::Analysis sample_analysis() {
  search::Analysis a;
  search::MoveStats s;
  s.move = go::Move::at(3, 5);  // D4 on 9x9
  s.visits = 120;
  s.winrate = 0.53124;
  s.prior = 0.0821;
  s.lcb = 0.51;
  s.score_lead = 1.25;
  s.pv = {go::Move::at(3, 5), go::Move::at(5, 3), go::Move::pass()};
  a.moves.push_back(s);
  s.move = go::Move::at(4, 4);
  s.visits = 7;
  s.winrate = 0.4;
  s.prior = 0.5;
  s.lcb = -0.2;  // clamped to 0
  s.score_lead = -3;
  s.pv = {};
  a.moves.push_back(s);
  for (int p = 0; p < 81; ++p) a.ownership.push_back(p == 0 ? 1.0f : -0.5f);
  return a;
}

TEST(GtpAnalysis, LeelaZeroLineFormat) {
  AnalyzeArgs args;
  const std::string line = format_analysis_line(sample_analysis(), AnalysisDialect::kLeelaZero, 9, args);
  EXPECT_EQ(line,
            "info move D4 visits 120 winrate 5312 prior 821 lcb 5100 order 0 pv D4 F6 pass "
            "info move E5 visits 7 winrate 4000 prior 5000 lcb 0 order 1 pv E5");
  const auto entries = parse_info_line(line);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].fields.at("order"), "1");
  args.max_moves = 1;
  EXPECT_EQ(
      parse_info_line(format_analysis_line(sample_analysis(), AnalysisDialect::kLeelaZero, 9, args)).size(),
      1u);
  EXPECT_EQ(format_analysis_line(search::Analysis{}, AnalysisDialect::kLeelaZero, 9, args), "");
}

TEST(GtpAnalysis, KataGoLineFormatWithOwnershipOnceAtTheEnd) {
  AnalyzeArgs args;
  args.ownership = true;
  std::vector<double> ownership;
  const std::string line = format_analysis_line(sample_analysis(), AnalysisDialect::kKataGo, 9, args);
  const auto entries = parse_info_line(line, &ownership);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].fields.at("move"), "D4");
  EXPECT_EQ(entries[0].fields.at("visits"), "120");
  EXPECT_DOUBLE_EQ(std::stod(entries[0].fields.at("winrate")), 0.53124);
  EXPECT_DOUBLE_EQ(std::stod(entries[0].fields.at("scoreLead")), 1.25);
  EXPECT_DOUBLE_EQ(std::stod(entries[0].fields.at("scoreMean")), 1.25);
  EXPECT_DOUBLE_EQ(std::stod(entries[0].fields.at("prior")), 0.0821);
  EXPECT_DOUBLE_EQ(std::stod(entries[0].fields.at("lcb")), 0.51);
  EXPECT_EQ(entries[0].pv, (std::vector<std::string>{"D4", "F6", "pass"}));
  EXPECT_DOUBLE_EQ(std::stod(entries[1].fields.at("lcb")), 0.0);
  EXPECT_DOUBLE_EQ(std::stod(entries[1].fields.at("scoreLead")), -3.0);
  ASSERT_EQ(ownership.size(), 81u);
  EXPECT_DOUBLE_EQ(ownership[0], 1.0);
  EXPECT_DOUBLE_EQ(ownership[80], -0.5);
  EXPECT_EQ(line.find("ownership"), line.rfind("ownership"));
  args.ownership = false;
  EXPECT_EQ(format_analysis_line(sample_analysis(), AnalysisDialect::kKataGo, 9, args).find("ownership"),
            std::string::npos);
  EXPECT_EQ(format_decimal(0.5), "0.5");
  EXPECT_EQ(format_decimal(-0.0000001), "0");
  EXPECT_EQ(format_decimal(1), "1");
}

TEST(GtpAnalysis, Arguments) {
  AnalyzeArgs a;
  const auto parse = [&a](std::vector<std::string> words, AnalysisDialect d = AnalysisDialect::kKataGo) {
    return parse_analyze_args(words, d, go::Color::kWhite, 19, a);
  };
  ASSERT_TRUE(parse({}));
  EXPECT_EQ(a.color, go::Color::kWhite);
  EXPECT_EQ(a.interval_cs, 100);
  ASSERT_TRUE(parse({"b", "50"}));
  EXPECT_EQ(a.color, go::Color::kBlack);
  EXPECT_EQ(a.interval_cs, 50);
  ASSERT_TRUE(parse({"25"}));
  EXPECT_EQ(a.interval_cs, 25);
  ASSERT_TRUE(parse({"w", "interval", "10", "maxmoves", "4", "minmoves", "2", "ownership", "true"}));
  EXPECT_EQ(a.interval_cs, 10);
  EXPECT_EQ(a.max_moves, 4);
  EXPECT_TRUE(a.ownership);
  ASSERT_TRUE(parse({"b", "10", "avoid", "w", "q16,d4,pass", "20", "allow", "b", "c3", "1"}));
  for (std::vector<std::string> bad : {std::vector<std::string>{"x"},
                                       {"b", "interval"},
                                       {"interval", "x"},
                                       {"b", "10", "20"},
                                       {"ownership", "yes"},
                                       {"avoid", "b", "z99", "1"},
                                       {"avoid", "b", "d4"},
                                       {"foo", "1"},
                                       {"b", "-5"}})
    EXPECT_FALSE(parse(bad)) << bad[0];
  EXPECT_FALSE(parse({"ownership", "true"}, AnalysisDialect::kLeelaZero));  // KataGo's keyword
}

// Runs `line` while a second thread marks input as pending after `updates` info lines.
std::string analyse_until(TestEngine& e, const std::string& line, int updates) {
  std::atomic<int> seen{0};
  std::string out;
  std::mutex mutex;
  Channel channel{[&](const std::string& s) {
                    std::lock_guard<std::mutex> lock(mutex);
                    out += s;
                    if (s.rfind("info", 0) == 0) ++seen;
                  },
                  [&] { return seen.load() >= updates; }};
  e.engine->execute(line, channel);
  return out;
}

TEST(GtpAnalysis, LzAnalyzeStreamsUntilInput) {
  TestEngine e(9);
  e.run("play b e5");
  const std::string out = analyse_until(e, "5 lz-analyze 1", 3);
  const auto lines = lines_of(out);
  ASSERT_GE(lines.size(), 4u) << out;
  EXPECT_EQ(lines[0], "=5");
  EXPECT_EQ(out.substr(out.size() - 2), "\n\n");
  EXPECT_EQ(out.find("\n\n"), out.size() - 2);  // one response
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto entries = parse_info_line(lines[i]);
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].fields.at("move"), "A9");  // White to move: the test player's first choice
    EXPECT_EQ(entries[0].fields.at("winrate"), "6000");
    EXPECT_EQ(entries[2].fields.at("order"), "2");
  }
  // The analysis itself plays nothing.
  EXPECT_EQ(e.engine->board().moves().size(), 1u);
  EXPECT_EQ(e.run("lz-analyze foo"), "? syntax error\n\n");
  EXPECT_EQ(e.run("kata-analyze b 10 ownership maybe"), "? syntax error\n\n");
}

TEST(GtpAnalysis, KataAnalyzeWithOwnership) {
  TestEngine e(9);
  const std::string out = analyse_until(e, "kata-analyze b interval 1 ownership true maxmoves 2", 2);
  const auto lines = lines_of(out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "=");
  std::vector<double> ownership;
  const auto entries = parse_info_line(lines[1], &ownership);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(ownership.size(), 81u);
  EXPECT_DOUBLE_EQ(std::stod(entries[0].fields.at("winrate")), 0.6);
  EXPECT_DOUBLE_EQ(std::stod(entries[1].fields.at("scoreLead")), 1.5);
}

TEST(GtpAnalysis, GenmoveAnalyzeStreamsThenPlays) {
  TestEngine e(9);
  e.run("play b e5");
  std::string out = analyse_until(e, "3 lz-genmove_analyze w 1", 1000);  // ends at its visit limit
  auto lines = lines_of(out);
  ASSERT_GE(lines.size(), 3u) << out;
  EXPECT_EQ(lines.front(), "=3");
  EXPECT_EQ(lines.back(), "play A9");
  EXPECT_EQ(out.substr(out.size() - 2), "\n\n");
  EXPECT_EQ(out.find("\n\n"), out.size() - 2);
  EXPECT_EQ(e.engine->board().at(0, 0), go::Color::kWhite);
  out = analyse_until(e, "kata-genmove_analyze b 1", 1);
  lines = lines_of(out);
  EXPECT_EQ(lines.back(), "play B9");
  e.player->resign = true;
  out = analyse_until(e, "kata-genmove_analyze w", 1);
  EXPECT_EQ(lines_of(out).back(), "play resign");
  EXPECT_EQ(e.run("lz-genmove_analyze x"), "? syntax error\n\n");
}

// With no limit from the flags or a clock, genmove_analyze leaves the limits to the bot
// (its defaults) instead of searching until the next line.
TEST(GtpAnalysis, GenmoveAnalyzeWithoutLimitsEnds) {
  TestEngine e(9);
  EngineOptions options;
  options.board_size = 9;
  auto player = std::make_unique<testing::TestPlayer>();
  testing::TestPlayer* p = player.get();
  Engine engine(std::move(player), options, e.clock);
  std::string out;
  Channel channel{[&](const std::string& s) { out += s; }, [] { return false; }};
  engine.execute("lz-genmove_analyze b 1", channel);
  EXPECT_EQ(out.substr(out.size() - 9), "play A9\n\n");
  ASSERT_EQ(p->requests.size(), 1u);
  EXPECT_EQ(p->requests[0].max_visits, 0);
  EXPECT_EQ(p->requests[0].max_seconds, 0);
}

// Through a real session: the reader's next line stops the analysis and then runs.
TEST(GtpAnalysis, NextLineStopsTheAnalysisAndRuns) {
  TestEngine e(9);
  LineQueue queue;
  std::string out;
  std::mutex mutex;
  std::thread session([&] {
    run_session(*e.engine, queue, [&](const std::string& s) {
      std::lock_guard<std::mutex> lock(mutex);
      out += s;
    });
  });
  queue.push("1 lz-analyze b 1");
  for (int i = 0; i < 5000; ++i) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (out.find("info") != std::string::npos) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  queue.push("2 play b d4");
  queue.push("3 quit");
  session.join();
  const auto lines = lines_of(out);
  ASSERT_GE(lines.size(), 2u) << out;
  EXPECT_EQ(lines[0], "=1");
  EXPECT_EQ(lines[1].rfind("info move A9", 0), 0u);
  const size_t end = out.find("\n\n");
  EXPECT_EQ(out.substr(end + 2), "=2\n\n=3\n\n");
  EXPECT_EQ(e.engine->board().at(3, 5), go::Color::kBlack);
}

TEST(GtpAnalysis, EndOfInputStopsTheAnalysis) {
  TestEngine e(9);
  LineQueue queue;
  std::string out;
  queue.push("kata-analyze 1");
  queue.close();
  run_session(*e.engine, queue, [&](const std::string& s) { out += s; });
  EXPECT_EQ(out, "=\n\n");
}

}  // namespace
}  // namespace traceplay::gtp
