#include "apps/gtp/time_control.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace traceplay::gtp {

namespace {
constexpr double kLeastThinkS = 0.01;  // a think of 0 s would mean "no time limit"
}  // namespace

TimeSettings gtp_time_settings(double main_s, double byo_yomi_s, int byo_yomi_stones) {
  TimeSettings s;
  if (byo_yomi_s > 0 && byo_yomi_stones == 0) return s;  // no time limit
  if (main_s <= 0 && byo_yomi_s <= 0) return s;          // nothing to manage: no limit either
  s.main_s = main_s;
  if (byo_yomi_s <= 0) {
    s.system = TimeSystem::kAbsolute;
  } else {
    s.system = TimeSystem::kCanadian;
    s.period_s = byo_yomi_s;
    s.period_stones = byo_yomi_stones;
  }
  return s;
}

double SteadyClock::now_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

TimeKeeper::TimeKeeper(const Clock& clock, TimePolicy policy) : clock_(clock), policy_(policy) {}

void TimeKeeper::set(const TimeSettings& settings) {
  settings_ = settings;
  reset();
}

void TimeKeeper::reset() {
  for (ClockState& s : state_) {
    s.main_left = settings_.main_s;
    s.period_left = settings_.period_s;
    s.periods_left = settings_.periods;
    s.stones_left = settings_.period_stones;
  }
  started_[0] = started_[1] = std::nullopt;
}

void TimeKeeper::set_left(go::Color color, double seconds, int stones) {
  ClockState& s = state_[index(color)];
  seconds = std::max(0.0, seconds);
  if (stones == 0) {
    s.main_left = seconds;
    s.period_left = settings_.period_s;
    s.periods_left = settings_.periods;
    s.stones_left = settings_.period_stones;
    // An absolute clock at zero is lost already; a clock with overtime at 0 main time
    // is about to enter it.
    return;
  }
  s.main_left = 0;
  s.period_left = seconds;
  if (settings_.system == TimeSystem::kByoYomi) s.periods_left = stones;
  if (settings_.system == TimeSystem::kCanadian) s.stones_left = stones;
}

double TimeKeeper::usable(double budget) const {
  if (budget <= 0) return policy_.min_think_s;
  const double latency = std::min(policy_.latency_s, 0.1 * budget);
  return std::max(policy_.min_think_s, budget * policy_.use_fraction - latency);
}

std::optional<double> TimeKeeper::allocate(go::Color color, int moves_played, int board_size) const {
  if (settings_.system == TimeSystem::kNone) return std::nullopt;
  const ClockState& s = state_[index(color)];
  // Main time is spread over the own moves the game still expects (at least a minimum,
  // so a long game never runs it dry), never all of it (use_fraction), and less a
  // latency allowance for each of those moves (at most half of what is spent): each
  // move's overhead outside the search comes out of that allowance.
  const double expected_total = policy_.game_length_per_point * board_size * board_size;
  const double own_moves_left =
      std::max<double>(policy_.min_moves_to_plan, (expected_total - moves_played) / 2);
  const double spendable = std::max(0.0, s.main_left) * policy_.use_fraction;
  const double main_share =
      (spendable - std::min(policy_.latency_s * own_moves_left, 0.5 * spendable)) / own_moves_left;

  switch (settings_.system) {
    case TimeSystem::kNone:
      return std::nullopt;
    case TimeSystem::kAbsolute: {
      // Nearly out of time: think very little, but never 0 (which means "no limit").
      const double floor = std::max(kLeastThinkS, std::min(policy_.min_think_s, 0.01 * s.main_left));
      return std::max(floor, main_share);
    }
    case TimeSystem::kByoYomi: {
      // A move finished within a period costs no period, so most of one is always free;
      // when no period is left, the move must fit in the main time that is left.
      // (In overtime the period normally starts full; time_left may say less.)
      const double period = s.overtime() ? std::min(s.period_left, settings_.period_s) : settings_.period_s;
      const double per_move = s.periods_left > 0 ? usable(period) : 0;
      if (!s.overtime()) return std::max({policy_.min_think_s, main_share, per_move});
      return std::max(policy_.min_think_s, per_move);
    }
    case TimeSystem::kCanadian: {
      // In overtime the period's time left is shared among the stones still to play in it.
      if (!s.overtime()) {
        const double per_stone =
            settings_.period_stones > 0 ? usable(settings_.period_s) / settings_.period_stones : 0;
        return std::max({policy_.min_think_s, main_share, per_stone});
      }
      const int stones = std::max(1, s.stones_left);
      return std::max(policy_.min_think_s, usable(s.period_left) / stones);
    }
  }
  return std::nullopt;
}

void TimeKeeper::start_move(go::Color color) { started_[index(color)] = clock_.now_s(); }

void TimeKeeper::end_move(go::Color color) {
  auto& started = started_[index(color)];
  if (!started) return;
  charge(color, std::max(0.0, clock_.now_s() - *started));
  started.reset();
}

void TimeKeeper::charge(go::Color color, double seconds) {
  if (settings_.system == TimeSystem::kNone) return;
  ClockState& s = state_[index(color)];
  const double from_main = std::min(std::max(0.0, s.main_left), seconds);
  const bool was_in_main = !s.overtime();
  s.main_left -= from_main;
  double over = seconds - from_main;
  if (s.main_left <= 0) s.main_left = 0;
  switch (settings_.system) {
    case TimeSystem::kNone:
    case TimeSystem::kAbsolute:
      return;
    case TimeSystem::kByoYomi:
      if (s.main_left > 0 || (was_in_main && over <= 0)) return;
      // Each period fully used up is lost; the next move starts a fresh one.
      if (settings_.period_s > 0) {
        const int lost = static_cast<int>(std::floor(over / settings_.period_s));
        s.periods_left = std::max(0, s.periods_left - lost);
      }
      s.period_left = settings_.period_s;
      return;
    case TimeSystem::kCanadian:
      if (s.main_left > 0 || (was_in_main && over <= 0)) return;
      if (was_in_main) {  // entering overtime: a full period starts
        s.period_left = settings_.period_s;
        s.stones_left = settings_.period_stones;
      }
      s.period_left = std::max(0.0, s.period_left - over);
      if (--s.stones_left <= 0) {
        s.period_left = settings_.period_s;
        s.stones_left = settings_.period_stones;
      }
      return;
  }
}

}  // namespace traceplay::gtp
