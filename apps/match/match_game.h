// One game of a match between two GTP engines, refereed by our own go::Board.
//
// Both engines get boardsize, clear_board and komi; then the optional random opening
// (uniformly random legal moves from the seeded stream, played into both with `play`);
// then genmove to the side to move and `play` of its answer to the other, until
//  - two passes in a row: both engines are asked `final_score` (recorded, not used) and
//    `final_status_list dead`; the stones both call dead are removed and the position is
//    scored by Tromp-Taylor area rules with komi (a score of 0 is a draw);
//  - a resignation: the other side wins;
//  - a forfeit: an engine answered genmove with `?`, with something that is no vertex,
//    with a move our Board finds illegal (positional superko, no suicide), refused a
//    command the game needs (boardsize, clear_board, komi, a legal `play`), or crashed,
//    hung past the timeout or broke the protocol; the other side wins;
//  - the move cap: after max_moves moves (opening and passes included) it is a draw.
// The game record holds every move; its last node's comment says how the game ended.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apps/match/gtp_client.h"
#include "games/go/game_record.h"
#include "games/go/types.h"

namespace traceplay::match {

struct GameSettings {
  int size = 9;
  double komi = 7;
  int random_opening = 0;     // random legal moves before the engines play
  int max_moves = 243;        // the cap: a draw when reached
  double timeout_s = 60;      // per GTP command
  uint64_t opening_seed = 0;  // the random opening's stream
};

enum class GameEnd { kTwoPasses, kResignation, kForfeit, kMoveCap };
const char* to_string(GameEnd end);  // "two_passes", "resignation", "forfeit", "move_cap"

struct GameOutcome {
  GameEnd end = GameEnd::kMoveCap;
  go::Color winner = go::Color::kEmpty;  // kEmpty: a draw
  go::Color forfeited = go::Color::kEmpty;
  std::string reason;           // one line: how the game ended
  go::GameRecord record;        // moves, KM, SZ, RE, the comment; PB/PW set by the caller
  int opening_moves = 0;        // how many of the record's moves were the random opening
  std::optional<double> score;  // Tromp-Taylor score (> 0: Black) after two passes
  // Indexed by colour (0 = Black's engine, 1 = White's), only after two passes; absent
  // when the engine refused or failed the command.
  std::array<std::optional<std::string>, 2> final_score;
  std::array<std::optional<std::vector<go::Move>>, 2> dead;
  std::vector<go::Move> removed;  // the stones both called dead
};

GameOutcome play_game(GtpClient& black, GtpClient& white, const GameSettings& settings);

}  // namespace traceplay::match
