// Clock commands: GTP's time_settings and time_left, KGS's kgs-time_settings.
#include "apps/gtp/engine.h"
#include "apps/gtp/vertex.h"

namespace traceplay::gtp {

Engine::Reply Engine::cmd_time_settings(const Command& c, const Channel&) {
  if (c.args.size() != 3) return fail("syntax error");
  const auto main_s = parse_float(c.args[0]);
  const auto byo_yomi_s = parse_float(c.args[1]);
  const auto stones = parse_int(c.args[2]);
  if (!main_s || !byo_yomi_s || !stones || *main_s < 0 || *byo_yomi_s < 0) return fail("syntax error");
  time_.set(gtp_time_settings(*main_s, *byo_yomi_s, *stones));
  return ok();
}

Engine::Reply Engine::cmd_time_left(const Command& c, const Channel&) {
  if (c.args.size() != 3) return fail("syntax error");
  const auto color = parse_color(c.args[0]);
  const auto seconds = parse_float(c.args[1]);
  const auto stones = parse_int(c.args[2]);
  if (!color || !seconds || !stones) return fail("syntax error");
  time_.set_left(*color, *seconds, *stones);
  return ok();
}

// kgs-time_settings none | absolute MAIN | byoyomi MAIN PERIOD PERIODS | canadian MAIN PERIOD STONES
Engine::Reply Engine::cmd_kgs_time_settings(const Command& c, const Channel&) {
  if (c.args.empty()) return fail("syntax error");
  const std::string& system = c.args[0];
  std::vector<double> numbers;
  for (size_t i = 1; i < c.args.size(); ++i) {
    const auto v = parse_float(c.args[i]);
    if (!v || *v < 0) return fail("syntax error");
    numbers.push_back(*v);
  }
  TimeSettings settings;
  auto whole = [](double v) { return v == static_cast<double>(static_cast<int>(v)) && v < 1e9; };
  if (system == "none" && numbers.empty()) {
    settings.system = TimeSystem::kNone;
  } else if (system == "absolute" && numbers.size() == 1) {
    settings.system = TimeSystem::kAbsolute;
    settings.main_s = numbers[0];
  } else if ((system == "byoyomi" || system == "canadian") && numbers.size() == 3 && whole(numbers[2])) {
    settings.system = system == "byoyomi" ? TimeSystem::kByoYomi : TimeSystem::kCanadian;
    settings.main_s = numbers[0];
    settings.period_s = numbers[1];
    (system == "byoyomi" ? settings.periods : settings.period_stones) = static_cast<int>(numbers[2]);
    // No periods (or stones) of overtime is absolute time.
    if (numbers[2] == 0 || numbers[1] == 0) {
      settings.system = TimeSystem::kAbsolute;
      settings.period_s = 0;
      settings.periods = settings.period_stones = 0;
    }
  } else {
    return fail("syntax error");
  }
  time_.set(settings);
  return ok();
}

}  // namespace traceplay::gtp
