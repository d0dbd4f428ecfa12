// The GTP engine: one game (a go::Board with komi and positional superko, its record for
// printsgf, both sides' clocks) and a table of commands, one small handler each (as Leela
// Zero and KataGo). The bot is any search::GoPlayer; the engine never looks inside it.
//
// execute() answers one raw input line. Ordinary commands answer at once; the analysis
// commands answer "=" first, then stream one line per update until the channel says
// another input line is waiting (any line stops them), and end with an empty line.
// The engine never throws and never blocks on anything but the player's think().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apps/gtp/analysis_format.h"
#include "apps/gtp/command.h"
#include "apps/gtp/time_control.h"
#include "games/go/board.h"
#include "games/go/game_record.h"
#include "search/go_player.h"

namespace traceplay::gtp {

struct EngineOptions {
  int board_size = 19;
  // The sizes the bot can play (boardsize and loadsgf refuse others): go's whole range for
  // the playout bot, 5..max_board_size for a Go net (its edge tables).
  int min_board_size = go::kMinBoardSize;
  int max_board_size = go::kMaxBoardSize;
  double komi = 7.5;
  search::ThinkLimits default_limits;  // genmove without time settings (and a cap with them)
  std::string name = "traceplay";
  std::string version = "0";
  uint64_t seed = 1;            // the dead-stone estimator's (final_score, final_status_list)
  int dead_stone_playouts = 0;  // the estimator's playouts; 0: its default (games/go/dead_stones.h)
  TimePolicy time_policy;
  std::function<void(const std::string&)> log;  // diagnostics; empty: stderr
};

// Where responses go and whether another input line is waiting.
struct Channel {
  std::function<void(const std::string&)> write;  // thread-safe: analysis writes from the search
  std::function<bool()> input_pending;            // true: stop a running analysis
};

class Engine {
 public:
  Engine(std::unique_ptr<search::GoPlayer> player, EngineOptions options, const Clock& clock);

  // Answers one raw line (without its LF): nothing for an empty or comment-only line,
  // otherwise exactly one response. Returns false once `quit` has been answered.
  bool execute(std::string_view raw_line, const Channel& channel);
  // Answers a line whose command ran past `limit` bytes (session.h) with one failure,
  // under the id its first bytes carry, without executing any of it.
  void refuse_long_line(std::string_view first_bytes, size_t limit, const Channel& channel) const;

  const go::Board& board() const { return board_; }
  const TimeKeeper& time() const { return time_; }
  // The names list_commands answers, in table order.
  static std::vector<std::string> command_names();

 private:
  struct Reply {
    bool ok = true;
    std::string text;
    bool streamed = false;  // the handler wrote its whole response itself
  };
  using Handler = Reply (Engine::*)(const Command&, const Channel&);
  static const std::vector<std::pair<std::string, Handler>>& table();
  static Reply ok(std::string text = {}) { return Reply{true, std::move(text), false}; }
  static Reply fail(std::string message) { return Reply{false, std::move(message), false}; }

  // Protocol and state (engine.cpp).
  Reply cmd_protocol_version(const Command&, const Channel&);
  Reply cmd_name(const Command&, const Channel&);
  Reply cmd_version(const Command&, const Channel&);
  Reply cmd_known_command(const Command&, const Channel&);
  Reply cmd_list_commands(const Command&, const Channel&);
  Reply cmd_quit(const Command&, const Channel&);
  Reply cmd_stop(const Command&, const Channel&);
  Reply cmd_showboard(const Command&, const Channel&);
  // The game (engine_game.cpp).
  Reply cmd_boardsize(const Command&, const Channel&);
  Reply cmd_clear_board(const Command&, const Channel&);
  Reply cmd_komi(const Command&, const Channel&);
  Reply cmd_play(const Command&, const Channel&);
  Reply cmd_undo(const Command&, const Channel&);
  Reply cmd_fixed_handicap(const Command&, const Channel&);
  Reply cmd_place_free_handicap(const Command&, const Channel&);
  Reply cmd_set_free_handicap(const Command&, const Channel&);
  // Moves by the bot (engine_genmove.cpp).
  Reply cmd_genmove(const Command&, const Channel&);
  Reply cmd_reg_genmove(const Command&, const Channel&);
  // Scoring (engine_scoring.cpp).
  Reply cmd_final_score(const Command&, const Channel&);
  Reply cmd_final_status_list(const Command&, const Channel&);
  // Clocks (engine_time.cpp).
  Reply cmd_time_settings(const Command&, const Channel&);
  Reply cmd_time_left(const Command&, const Channel&);
  Reply cmd_kgs_time_settings(const Command&, const Channel&);
  // SGF (engine_sgf.cpp).
  Reply cmd_loadsgf(const Command&, const Channel&);
  Reply cmd_printsgf(const Command&, const Channel&);
  // Analysis (engine_analysis.cpp).
  Reply cmd_lz_analyze(const Command&, const Channel&);
  Reply cmd_kata_analyze(const Command&, const Channel&);
  Reply cmd_lz_genmove_analyze(const Command&, const Channel&);
  Reply cmd_kata_genmove_analyze(const Command&, const Channel&);
  Reply analyze(const Command&, const Channel&, AnalysisDialect dialect, bool play);

  // A new empty game of `size` (same komi); the player drops its tree.
  void new_game(int size);
  // Stones added outside moves (handicap, loadsgf setup) go into the record too.
  bool add_setup(const std::vector<go::SetupStone>& stones);
  Reply place_handicap(const Command& c, std::vector<go::Move> (*points_for)(int size, int stones));
  // Plays `move` for `color` on the board and in the record; false when illegal.
  bool play_move(go::Color color, go::Move move);
  // The bot's move for `color` within the clock's allocation (or the default limits);
  // a move the board refuses is replaced by a pass (and logged).
  search::ThinkResult think_for_move(go::Color color, search::ThinkRequest request);
  void log(const std::string& message) const;

  std::unique_ptr<search::GoPlayer> player_;
  EngineOptions options_;
  go::Board board_;
  go::GameRecord record_;
  TimeKeeper time_;
  bool quit_ = false;
};

}  // namespace traceplay::gtp
