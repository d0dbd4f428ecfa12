// One Go game between two in-process players (search/go_player.h: any GoPlayer), refereed
// by go::Board, with every move's search result kept: what self-play records, gating and
// in-process matches are built on (as KataGo's program/play). apps/match/match_game.h is
// the same referee for GTP engines in other processes.
//
// The game: both players get new_game(); then the optional random opening (uniformly
// random legal moves from Rng(opening_seed), as apps/match does; never a pass, never a
// think); then the side to move's player thinks (its colour's limits and allow_resign)
// and its move is played, until
//  - two passes in a row: scored as play/final_score.h says (area after the estimated
//    dead stones are removed, komi; a score of 0 is a draw); the final ownership kept;
//  - a resignation (allowed for that colour): the other side wins;
//  - a forfeit: the player answered an illegal move (off the board, occupied, suicide,
//    ko, superko by the game's rule) or resigned where its colour may not; the other side
//    wins. An illegal move is a forfeit rather than an exception so that a match between
//    a buggy and a sound player still finishes with the bug counted against the buggy
//    one, as `traceplay match` counts it; the reason names the move and why.
//  - the move cap: after max_moves moves (opening and passes included), a draw;
//  - should_stop: it is polled before each move and passed to the players' searches; when
//    it says stop, the game ends at once with no result (RE "Void"), and a move the player
//    returned after the stop is not played.
// An exception thrown by a player propagates (a player's failure is not a game result).
//
// Thinking with no limits: both of a colour's limits 0 lets the player use its own
// defaults (MctsPlayer: its options'). With a should_stop that would mean "search until
// stopped" (search/go_player.h), so settings with a should_stop need limits for both
// colours; play_game refuses them otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "games/go/board.h"
#include "games/go/game_record.h"
#include "games/go/rules.h"
#include "games/go/types.h"
#include "search/go_player.h"

namespace traceplay::play {

// One entry of a root visit distribution.
struct MoveVisits {
  go::Move move;
  int64_t visits = 0;
};

// One move of the game and the search behind it, as the player reported it (its final
// Analysis). Winrate and score are from the mover's point of view (search/go_player.h).
// For MctsPlayer, `visits` lists the root's children with at least one visit, most
// visited first; their sum is root_visits - 1 on a fresh tree with one thread (the root's
// own evaluation is no move) and at most root_visits - 1 otherwise (a kept subtree's root
// was evaluated as a leaf once or twice; threads may evaluate a leaf twice). The chosen
// move is normally among them, but the pass policy may pass with no visit on the pass.
struct MoveInfo {
  int number = 0;  // 1 for the first move
  go::Color color = go::Color::kBlack;
  go::Move move;
  bool random_opening = false;     // drawn at random: no search, the fields below empty
  std::vector<MoveVisits> visits;  // sparse root visit distribution
  int64_t root_visits = 0;
  double root_winrate = 0.5;     // [0, 1]
  double root_score_lead = 0;    // points
  std::optional<double> prior;   // the chosen move's prior; absent when the analysis does not list it
  std::vector<float> ownership;  // the player's root ownership, when PlaySettings::want_ownership
  double seconds = 0;            // wall time of the think
};

// What one colour's player is allowed.
struct ColorSettings {
  search::ThinkLimits limits;  // per move; both 0: the player's own defaults (see above)
  bool allow_resign = true;
};

struct PlaySettings {
  int size = 9;
  go::Rules rules;    // komi, suicide, superko, as go::Board takes them
  int max_moves = 0;  // the cap (a draw); 0: 3 * size * size
  int random_opening_moves = 0;
  uint64_t opening_seed = 0;
  ColorSettings black, white;
  bool want_ownership = false;         // ask the players for root ownership (kept per move)
  uint64_t scoring_seed = 1;           // the dead-stone estimate's seed (play/final_score.h)
  std::string black_name, white_name;  // PB and PW of the record
  // Polled before each move and by the players' searches: true ends the game (Ctrl-C).
  std::function<bool()> should_stop;
  // Called once per move played (random opening included), after it is on `board`.
  std::function<void(const go::Board& board, const MoveInfo& move)> on_move;
};

enum class GameEnd { kTwoPasses, kResignation, kForfeit, kMoveCap, kStopped };
const char* to_string(GameEnd end);  // "two_passes", "resignation", "forfeit", "move_cap", "stopped"

struct PlayedGame {
  // SZ, KM, RU ("Chinese": area counting after dead stones are removed), PB, PW, RE
  // ("B+3.5", "W+R", "B+F", "0" for a draw, "Void" when stopped), every move; the root's
  // comment marks the random opening, the last node's says how the game ended.
  go::GameRecord record;
  std::vector<MoveInfo> moves;  // one per move of the record, in order
  GameEnd end = GameEnd::kMoveCap;
  go::Color winner = go::Color::kEmpty;  // kEmpty: a draw, or stopped
  go::Color forfeited = go::Color::kEmpty;
  std::string reason;     // one line: how the game ended
  int opening_moves = 0;  // random opening moves at the start
  // After two passes only (play/final_score.h): Black's lead, the stones removed as
  // dead, and each point's owner (x + size * y; kEmpty neutral) for an ownership target.
  std::optional<double> score;
  std::vector<go::Move> dead;
  std::vector<go::Color> final_ownership;
};

// Black and White may be the same object (a player against itself). Throws
// std::invalid_argument for bad settings (board size outside 2..25, komi out of range,
// negative cap, opening or limits, a should_stop with a colour lacking limits).
PlayedGame play_game(search::GoPlayer& black, search::GoPlayer& white, const PlaySettings& settings);

}  // namespace traceplay::play
