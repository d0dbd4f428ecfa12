// What a Go front end (GTP, match, self-play) asks of a bot: think about a position
// within limits, report analysis snapshots while thinking, stop when told, and return
// a move. The MCTS bot (search/mcts*.h) implements it; the GTP engine (apps/gtp/) only
// sees this interface, so a network-backed bot plugs in without touching the protocol.
//
// Conventions (what lz-analyze / kata-analyze print is derived from these):
// - winrates and scores are from the side to move's point of view: winrate in [0, 1],
//   score lead in points (> 0: the side to move is ahead);
// - ownership holds size * size values, index x + size * y (y = 0 is the top row, as
//   go::Move), +1 = the side to move owns the point, -1 = the opponent does.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "games/go/board.h"
#include "games/go/types.h"

namespace traceplay::search {

// Stop conditions; the search ends at whichever comes first. 0 = no such limit (a search
// with no limit at all runs until should_stop says so).
struct ThinkLimits {
  int64_t max_visits = 0;  // playouts/visits added at the root in this call
  double max_seconds = 0;  // wall time for this call
};

// One candidate move at the root.
struct MoveStats {
  go::Move move;
  int64_t visits = 0;
  double winrate = 0.5;  // mean value of the move for the side to move, [0, 1]
  double prior = 0;      // policy prior, [0, 1] (uniform prior for the light bot)
  double lcb = 0;  // lower confidence bound on winrate, [0, 1] (may be < winrate by a lot at few visits)
  double score_lead = 0;     // mean final score for the side to move, points
  std::vector<go::Move> pv;  // principal variation starting with `move`
};

struct Analysis {
  int64_t root_visits = 0;
  double root_winrate = 0.5;
  double root_score_lead = 0;
  std::vector<MoveStats> moves;  // best first (the order the bot would choose in)
  std::vector<float> ownership;  // filled only when ThinkRequest::want_ownership
};

struct ThinkRequest {
  ThinkLimits limits;
  // Polled often by the search (at least every few ms): true ends it early, and the
  // best move found so far is returned. May be empty.
  std::function<bool()> should_stop;
  // When report_interval_s > 0 and report is set, called about every interval from the
  // searching thread with a snapshot (the GTP analysis commands print these).
  double report_interval_s = 0;
  std::function<void(const Analysis&)> report;
  bool want_ownership = false;
  bool allow_resign = true;  // false: never answer resign (reg_genmove, analysis)
  // MCTS (search/mcts.h) only: when set, called under the search's tree lock after each
  // simulation's backup with the moves from the root to its leaf (empty for the root's own
  // evaluation) and the leaf's value from the root player's view, in [-1, 1]. With one
  // thread the calls come in simulation order. Unset: the search builds nothing for it.
  std::function<void(const std::vector<go::Move>& path, double root_value)> on_simulation;
};

struct ThinkResult {
  go::Move move;        // pass allowed
  bool resign = false;  // the bot gives up; `move` is then meaningless
  Analysis analysis;    // the final snapshot
};

class GoPlayer {
 public:
  virtual ~GoPlayer() = default;
  // Chooses a move for board.to_move(). The board is the game as it stands (history and
  // superko included); the player must not keep references to it after returning.
  virtual ThinkResult think(const go::Board& board, const ThinkRequest& request) = 0;
  // A new game starts (clear_board, boardsize, loadsgf): drop any kept search tree.
  virtual void new_game() {}
};

}  // namespace traceplay::search
