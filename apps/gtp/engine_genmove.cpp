// Moves chosen by the bot: genmove (played) and reg_genmove (only reported).
#include <algorithm>

#include "apps/gtp/engine.h"
#include "apps/gtp/vertex.h"

namespace traceplay::gtp {

search::ThinkResult Engine::think_for_move(go::Color color, search::ThinkRequest request) {
  go::Board position = board_;
  position.set_to_move(color);
  request.limits = options_.default_limits;
  const int moves_played = static_cast<int>(board_.moves().size());
  if (const auto seconds = time_.allocate(color, moves_played, board_.size())) {
    // The clock's share caps the default limits; a visit limit still applies.
    request.limits.max_seconds =
        request.limits.max_seconds > 0 ? std::min(request.limits.max_seconds, *seconds) : *seconds;
  }
  // A bot applies its own default limits only to a request with neither limits nor a
  // should_stop (search/go_player.h); a move must end, so when no limit is known here,
  // the next input line cannot cut it short either.
  if (request.limits.max_visits == 0 && request.limits.max_seconds <= 0) request.should_stop = nullptr;
  time_.start_move(color);
  search::ThinkResult result = player_->think(position, request);
  time_.end_move(color);
  if (!result.resign && !board_.is_legal(color, result.move)) {
    log("the player chose an illegal move " + format_vertex(result.move, board_.size()) +
        "; passing instead");
    result.move = go::Move::pass();
  }
  return result;
}

Engine::Reply Engine::cmd_genmove(const Command& c, const Channel&) {
  if (c.args.size() != 1) return fail("syntax error");
  const auto color = parse_color(c.args[0]);
  if (!color) return fail("syntax error");
  search::ThinkRequest request;
  const search::ThinkResult result = think_for_move(*color, request);
  if (result.resign) return ok("resign");
  play_move(*color, result.move);
  return ok(format_vertex(result.move, board_.size()));
}

Engine::Reply Engine::cmd_reg_genmove(const Command& c, const Channel&) {
  if (c.args.size() != 1) return fail("syntax error");
  const auto color = parse_color(c.args[0]);
  if (!color) return fail("syntax error");
  search::ThinkRequest request;
  request.allow_resign = false;
  // A regression query does not use up the clock.
  go::Board position = board_;
  position.set_to_move(*color);
  request.limits = options_.default_limits;
  search::ThinkResult result = player_->think(position, request);
  if (!board_.is_legal(*color, result.move)) result.move = go::Move::pass();
  return ok(format_vertex(result.move, board_.size()));
}

}  // namespace traceplay::gtp
