// Time management for `genmove`: the time systems GTP and KGS set up (time_settings,
// kgs-time_settings), each side's clock as the engine tracks it or as time_left reports
// it, and how long one move may think so that the bot spends its time sensibly and never
// loses on time.
//
// The clock is injected (Clock), so unit tests drive time by hand, without sleeping.
#pragma once

#include <optional>

#include "games/go/types.h"

namespace traceplay::gtp {

enum class TimeSystem {
  kNone,      // no limit: the bot's default limits apply
  kAbsolute,  // main time only (sudden death)
  kByoYomi,   // main time, then `periods` periods of `period_s` each (Japanese byo-yomi)
  kCanadian,  // main time, then `period_stones` stones in every `period_s`
};

struct TimeSettings {
  TimeSystem system = TimeSystem::kNone;
  double main_s = 0;
  double period_s = 0;
  int periods = 0;        // kByoYomi
  int period_stones = 0;  // kCanadian
};

// GTP's time_settings (Canadian overtime): byo_yomi_time 0 is absolute time;
// byo_yomi_time > 0 with byo_yomi_stones 0 means no time limit (spec section 4.2), and
// so does 0 0 0 here (an absolute clock of zero cannot be played).
TimeSettings gtp_time_settings(double main_s, double byo_yomi_s, int byo_yomi_stones);

// One side's clock.
struct ClockState {
  double main_left = 0;    // seconds of main time left
  double period_left = 0;  // overtime: seconds left in the current period
  int periods_left = 0;    // kByoYomi: periods left
  int stones_left = 0;     // kCanadian: stones to play in the current period
  bool overtime() const { return main_left <= 0; }
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual double now_s() const = 0;  // monotonic seconds
};

class SteadyClock : public Clock {
 public:
  double now_s() const override;
};

// The allocation's tuning: the share of a budget that may be spent, the allowance for
// the controller's and the search's latency, and how long a game is expected to last.
struct TimePolicy {
  double use_fraction = 0.8;  // of a byo-yomi period or of what main time allows
  double latency_s = 0.5;     // kept back per move: from a period (at most 10% of it), from main time
                              // for every move still planned (at most half of it)
  double min_think_s = 0.05;  // never asked to think less than this
  double game_length_per_point = 0.8;  // expected total moves: this x the board's points
  int min_moves_to_plan = 30;          // main time is spread over at least this many own moves
};

class TimeKeeper {
 public:
  explicit TimeKeeper(const Clock& clock, TimePolicy policy = {});

  // New settings; both clocks restart full.
  void set(const TimeSettings& settings);
  const TimeSettings& settings() const { return settings_; }
  // A new game: both clocks restart full.
  void reset();
  // GTP time_left: `stones` 0 means `seconds` of main time (or of absolute time) are left;
  // otherwise the side is in overtime: Canadian, `stones` to play in `seconds`;
  // byo-yomi (KGS convention), `stones` periods left, `seconds` in the current one.
  void set_left(go::Color color, double seconds, int stones);
  const ClockState& state(go::Color color) const { return state_[index(color)]; }

  // How long `color` may think for its next move when `moves_played` moves have been
  // played on a size x size board; nullopt without time limits.
  std::optional<double> allocate(go::Color color, int moves_played, int board_size) const;

  // Bracket one move: the elapsed time is charged to `color`'s clock.
  void start_move(go::Color color);
  void end_move(go::Color color);
  // Charges `seconds` to `color` as if one move took that long.
  void charge(go::Color color, double seconds);

 private:
  static int index(go::Color c) { return c == go::Color::kWhite ? 1 : 0; }
  double usable(double budget) const;  // what one move may spend out of a hard budget

  const Clock& clock_;
  TimePolicy policy_;
  TimeSettings settings_;
  ClockState state_[2];
  std::optional<double> started_[2];
};

}  // namespace traceplay::gtp
