// Time allocation per time system with a hand-driven clock (no sleeping): the share of
// main time, byo-yomi and Canadian periods, the bookkeeping of each clock, and whole
// games played at the allocation that never run out of time.
#include <gtest/gtest.h>

#include "apps/gtp/time_control.h"
#include "tests/unit/gtp_test_util.h"

namespace traceplay::gtp {
namespace {

using go::Color;
using testing::FakeClock;

// What TimePolicy{} lets a move spend out of a hard budget: 80%, less 0.5 s of latency
// (at most 10% of the budget).
double usable(double budget) { return std::max(0.05, budget * 0.8 - std::min(0.5, budget * 0.1)); }
// The share of `main` seconds for one of `moves` planned moves: 80%, less 0.5 s of
// latency per planned move (at most half of those 80%).
double main_share(double main, double moves) {
  return (0.8 * main - std::min(0.5 * moves, 0.4 * main)) / moves;
}

TEST(GtpTime, NoSettingsNoAllocation) {
  FakeClock clock;
  TimeKeeper keeper(clock);
  EXPECT_FALSE(keeper.allocate(Color::kBlack, 0, 19));
  keeper.set(gtp_time_settings(0, 10, 0));  // byo-yomi time with 0 stones: no limit (GTP)
  EXPECT_FALSE(keeper.allocate(Color::kBlack, 0, 19));
  keeper.set(gtp_time_settings(0, 0, 0));
  EXPECT_FALSE(keeper.allocate(Color::kBlack, 0, 19));
}

TEST(GtpTime, AbsoluteSpreadsMainTimeOverTheExpectedMoves) {
  FakeClock clock;
  TimeKeeper keeper(clock);
  keeper.set(gtp_time_settings(600, 0, 0));
  ASSERT_EQ(keeper.settings().system, TimeSystem::kAbsolute);
  // 19x19: 0.8 x 361 moves expected, half of them ours.
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 0, 19), main_share(600, 0.8 * 361 / 2), 1e-9);
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 200, 19), main_share(600, (0.8 * 361 - 200) / 2), 1e-9);
  // Late in a long game at least 30 moves are planned for.
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 400, 19), main_share(600, 30), 1e-9);
  // 9x9 games are shorter: more per move.
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 0, 9), main_share(600, 32.4), 1e-9);
  // The clock runs: 100 s spent.
  keeper.start_move(Color::kBlack);
  clock.t += 100;
  keeper.end_move(Color::kBlack);
  EXPECT_DOUBLE_EQ(keeper.state(Color::kBlack).main_left, 500);
  EXPECT_DOUBLE_EQ(keeper.state(Color::kWhite).main_left, 600);
  // time_left overrides what the engine counted.
  keeper.set_left(Color::kBlack, 30, 0);
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 0, 9), main_share(30, 32.4), 1e-9);
  keeper.set_left(Color::kBlack, 0, 0);
  EXPECT_DOUBLE_EQ(*keeper.allocate(Color::kBlack, 0, 9), 0.01);  // the minimum (0 would mean no limit)
}

TEST(GtpTime, ByoYomiUsesMostOfAPeriod) {
  FakeClock clock;
  TimeKeeper keeper(clock);
  TimeSettings s;
  s.system = TimeSystem::kByoYomi;
  s.main_s = 60;
  s.period_s = 30;
  s.periods = 3;
  keeper.set(s);
  // In main time: the larger of the main-time share and what a period allows (a move
  // finished within a period costs no period).
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 0, 9), usable(30), 1e-9);
  s.main_s = 3600;
  keeper.set(s);
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 0, 9), main_share(3600, 32.4), 1e-9);
  // Main time used up: a period per move.
  keeper.charge(Color::kBlack, 3600);
  EXPECT_TRUE(keeper.state(Color::kBlack).overtime());
  EXPECT_EQ(keeper.state(Color::kBlack).periods_left, 3);
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 50, 9), usable(30), 1e-9);
  // A move within its period costs nothing; one over it loses a period per full period.
  keeper.charge(Color::kBlack, 29);
  EXPECT_EQ(keeper.state(Color::kBlack).periods_left, 3);
  keeper.charge(Color::kBlack, 45);
  EXPECT_EQ(keeper.state(Color::kBlack).periods_left, 2);
  // KGS's time_left in byo-yomi: seconds in the period, periods left.
  keeper.set_left(Color::kBlack, 30, 1);
  EXPECT_EQ(keeper.state(Color::kBlack).periods_left, 1);
  EXPECT_NEAR(*keeper.allocate(Color::kBlack, 50, 9), usable(30), 1e-9);
  keeper.set_left(Color::kBlack, 0, 0);  // main time over: the periods start
  EXPECT_DOUBLE_EQ(*keeper.allocate(Color::kBlack, 50, 9), usable(30));
}

TEST(GtpTime, CanadianSharesThePeriodAmongItsStones) {
  FakeClock clock;
  TimeKeeper keeper(clock);
  keeper.set(gtp_time_settings(0, 100, 10));  // no main time: 10 stones per 100 s
  ASSERT_EQ(keeper.settings().system, TimeSystem::kCanadian);
  EXPECT_NEAR(*keeper.allocate(Color::kWhite, 0, 19), usable(100) / 10, 1e-9);
  keeper.charge(Color::kWhite, 20);  // one stone in 20 s: 80 s for 9 stones
  EXPECT_DOUBLE_EQ(keeper.state(Color::kWhite).period_left, 80);
  EXPECT_EQ(keeper.state(Color::kWhite).stones_left, 9);
  EXPECT_NEAR(*keeper.allocate(Color::kWhite, 0, 19), usable(80) / 9, 1e-9);
  // time_left: 12 s for the last 3 stones.
  keeper.set_left(Color::kWhite, 12, 3);
  EXPECT_NEAR(*keeper.allocate(Color::kWhite, 0, 19), usable(12) / 3, 1e-9);
  // The period's last stone starts a fresh period.
  keeper.charge(Color::kWhite, 1);
  keeper.charge(Color::kWhite, 1);
  keeper.charge(Color::kWhite, 1);
  EXPECT_DOUBLE_EQ(keeper.state(Color::kWhite).period_left, 100);
  EXPECT_EQ(keeper.state(Color::kWhite).stones_left, 10);
  // With main time: the main share or the per-stone share, whichever is larger.
  keeper.set(gtp_time_settings(300, 100, 10));
  EXPECT_NEAR(*keeper.allocate(Color::kWhite, 0, 9), std::max(main_share(300, 32.4), usable(100) / 10), 1e-9);
}

// Plays `moves` own moves, each taking its whole allocation plus `overhead` seconds
// (the controller's and the search's latency); returns false if the clock ran out.
bool survives_a_game(const TimeSettings& settings, int size, int moves, double overhead) {
  FakeClock clock;
  TimeKeeper keeper(clock);
  keeper.set(settings);
  for (int i = 0; i < moves; ++i) {
    const double think = *keeper.allocate(Color::kBlack, 2 * i, size);
    const ClockState before = keeper.state(Color::kBlack);
    keeper.start_move(Color::kBlack);
    clock.t += think + overhead;
    keeper.end_move(Color::kBlack);
    const ClockState& after = keeper.state(Color::kBlack);
    switch (settings.system) {
      case TimeSystem::kAbsolute:
        if (after.main_left <= 0) return false;
        break;
      case TimeSystem::kByoYomi:
        if (after.periods_left < before.periods_left) return false;  // we never give a period away
        break;
      case TimeSystem::kCanadian:
        if (before.overtime() && think + overhead >= before.period_left) return false;
        break;
      case TimeSystem::kNone:
        break;
    }
  }
  return true;
}

TEST(GtpTime, WholeGamesAtTheAllocationNeverLoseOnTime) {
  TimeSettings absolute = gtp_time_settings(300, 0, 0);
  TimeSettings canadian = gtp_time_settings(60, 30, 5);
  TimeSettings byoyomi;
  byoyomi.system = TimeSystem::kByoYomi;
  byoyomi.main_s = 60;
  byoyomi.period_s = 5;
  byoyomi.periods = 1;
  // Absolute time must last the game: long games (100 own moves on 9x9, 250 on 19x19),
  // 0.2 s of latency on every move. (No absolute clock survives unbounded latency.)
  EXPECT_TRUE(survives_a_game(absolute, 9, 100, 0.2));
  EXPECT_TRUE(survives_a_game(absolute, 19, 250, 0.2));
  EXPECT_TRUE(survives_a_game(gtp_time_settings(1800, 0, 0), 19, 200, 0.2));
  // A blitz: 10 s on 9x9, 100 own moves with 10 ms latency each.
  EXPECT_TRUE(survives_a_game(gtp_time_settings(10, 0, 0), 9, 100, 0.01));
  // Overtime never runs out, however long the game.
  for (int size : {9, 19}) {
    EXPECT_TRUE(survives_a_game(canadian, size, 600, 0.2)) << size;
    EXPECT_TRUE(survives_a_game(byoyomi, size, 600, 0.2)) << size;
  }
  // Sanity of the check itself: spending double the allocation does lose.
  FakeClock clock;
  TimeKeeper keeper(clock);
  keeper.set(gtp_time_settings(10, 0, 0));
  bool lost = false;
  for (int i = 0; i < 200 && !lost; ++i) {
    keeper.charge(Color::kBlack, 1.5 * *keeper.allocate(Color::kBlack, 2 * i, 9) + 0.2);
    lost = keeper.state(Color::kBlack).main_left <= 0;
  }
  EXPECT_TRUE(lost);
}

TEST(GtpTime, EngineThinksWithinTheAllocationAndChargesTheClock) {
  testing::TestEngine e(9);
  // No time settings: the default limits (3 visits, no time limit).
  e.run("genmove b");
  EXPECT_EQ(e.player->requests.back().max_seconds, 0);
  EXPECT_EQ(e.player->requests.back().max_visits, 3);
  // 60 s absolute; each think takes 2 s on the fake clock.
  e.player->on_think = [&e](const search::ThinkRequest&) { e.clock.t += 2; };
  EXPECT_EQ(e.run("time_settings 60 0 0"), "=\n\n");
  e.run("genmove w");
  EXPECT_NEAR(e.player->requests.back().max_seconds, main_share(60, (0.8 * 81 - 1) / 2), 1e-9);
  EXPECT_EQ(e.player->requests.back().max_visits, 3);  // the visit limit still applies
  EXPECT_DOUBLE_EQ(e.engine->time().state(Color::kWhite).main_left, 58);
  EXPECT_DOUBLE_EQ(e.engine->time().state(Color::kBlack).main_left, 60);
  // Byo-yomi through KGS's command, time_left from the controller.
  EXPECT_EQ(e.run("kgs-time_settings byoyomi 0 10 2"), "=\n\n");
  e.run("genmove b");
  EXPECT_NEAR(e.player->requests.back().max_seconds, usable(10), 1e-9);
  EXPECT_EQ(e.run("time_left b 4 1"), "=\n\n");  // 4 s left in the last period
  e.run("genmove b");
  EXPECT_NEAR(e.player->requests.back().max_seconds, usable(4), 1e-9);
  // reg_genmove leaves the clock alone.
  const double before = e.clock.t;
  e.run("time_settings 60 0 0");
  e.run("reg_genmove b");
  EXPECT_DOUBLE_EQ(e.engine->time().state(Color::kBlack).main_left, 60);
  EXPECT_GT(e.clock.t, before);
}

}  // namespace
}  // namespace traceplay::gtp
