// GUI analysis: lz-analyze / kata-analyze stream the bot's view of the position until
// the next input line; lz-genmove_analyze / kata-genmove_analyze stream while choosing a
// move, play it and end with `play MOVE`.
#include <exception>

#include "apps/gtp/engine.h"
#include "apps/gtp/response.h"
#include "apps/gtp/vertex.h"

namespace traceplay::gtp {

Engine::Reply Engine::cmd_lz_analyze(const Command& c, const Channel& ch) {
  return analyze(c, ch, AnalysisDialect::kLeelaZero, false);
}

Engine::Reply Engine::cmd_kata_analyze(const Command& c, const Channel& ch) {
  return analyze(c, ch, AnalysisDialect::kKataGo, false);
}

Engine::Reply Engine::cmd_lz_genmove_analyze(const Command& c, const Channel& ch) {
  return analyze(c, ch, AnalysisDialect::kLeelaZero, true);
}

Engine::Reply Engine::cmd_kata_genmove_analyze(const Command& c, const Channel& ch) {
  return analyze(c, ch, AnalysisDialect::kKataGo, true);
}

Engine::Reply Engine::analyze(const Command& c, const Channel& ch, AnalysisDialect dialect, bool play) {
  AnalyzeArgs args;
  if (!parse_analyze_args(c.args, dialect, board_.to_move(), board_.size(), args))
    return fail("syntax error");
  ch.write(stream_header(c.id));

  const int size = board_.size();
  search::ThinkRequest request;
  request.should_stop = ch.input_pending;
  request.report_interval_s = args.interval_cs / 100.0;
  request.want_ownership = args.ownership;
  request.allow_resign = play;
  if (args.interval_cs > 0) {
    request.report = [&ch, dialect, size, args](const search::Analysis& analysis) {
      const std::string line = format_analysis_line(analysis, dialect, size, args);
      if (!line.empty()) ch.write(line + "\n");
    };
  }
  if (!play) {
    // No limit: the search runs until the next line arrives.
    go::Board position = board_;
    position.set_to_move(args.color);
    try {
      player_->think(position, request);
    } catch (const std::exception& e) {
      log(std::string("analysis: ") + e.what());  // the stream still ends well-formed
    }
    ch.write("\n");
    return Reply{true, {}, true};
  }
  search::ThinkResult result;
  try {
    result = think_for_move(args.color, request);
  } catch (const std::exception& e) {
    log(std::string("genmove_analyze: ") + e.what());
    result.move = go::Move::pass();
  }
  std::string move = "resign";
  if (!result.resign) {
    play_move(args.color, result.move);
    move = format_vertex(result.move, size);
  }
  ch.write("play " + move + "\n\n");
  return Reply{true, {}, true};
}

}  // namespace traceplay::gtp
