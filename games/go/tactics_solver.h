// The exact capture / save ("tactics") solver behind the go-tactics tasks
// (DESIGN.md, "Go tactics"): given a position, a target chain and the side to move, it
// proves which first moves win the *tactics game* below, or says it could not within
// a node limit. "Proven" is a fact about this game, not an engine's opinion.
//
// The tactics game (the goal definition; the brute force in the tests plays the same):
//   - players: the defender (the target's colour) and the attacker (the other);
//   - moves: every legal move of games/go's Position rules (no suicide, simple ko: the
//     prompt's ko point) and pass, alternating from the side to move; the line starts
//     with no pass before it;
//   - the attacker wins as soon as the target's stone (the given point) is captured;
//   - the defender wins as soon as, after a move, the target chain has at least
//     `safe_liberties` liberties ("escaped"), after two passes in a row, and when
//     `horizon` plies (moves and passes of both sides) have been played.
//   Positional superko is not part of the game: it would make a position's value depend
//   on the line that reached it (graph-history interaction), so no transposition table
//   could be exact; cycles longer than a simple ko are cut by the horizon instead.
//
// The search is depth-first AND/OR search over every legal move and pass (no move is
// left out, so the result is exact for the game), made fast by three things that do not
// change any value:
//   - move order: the target's liberties, then capturing moves, then the rest, pass
//     last, with a cut-off at the first winning child;
//   - a transposition table keyed by the Zobrist hash xor the side to move, the ko
//     point and "the last move was a pass"; an entry keeps the smallest horizon left at
//     which the attacker was proven to win and the largest at which the defender was
//     (a capture within r plies is one within any r' >= r);
//   - the defender's pass strategy: the attacker removes at most one liberty per move
//     of its own (a stone fills one point; captures only add liberties), so a target
//     with k liberties cannot be captured when the attacker has fewer than k moves left
//     and the defender may keep passing.
// Torch-free, single-threaded, a plain value per call.
#pragma once

#include <cstdint>
#include <vector>

#include "games/go/position.h"
#include "games/go/types.h"

namespace traceplay::go {

struct TacticsGoal {
  int safe_liberties = 3;  // >= 2: the target escapes on reaching this many liberties
  int horizon = 16;        // >= 1: plies within which the capture must happen
};

// Capture: the attacker is to move; save: the defender is to move.
enum class TacticsKind { kCapture, kSave };

enum class TacticsValue : uint8_t { kAttackerWins, kDefenderWins, kUnknown };

struct TacticsResult {
  bool proven = false;               // every first move's value was proven within the limit
  std::vector<Move> moves;           // the first moves: legal board points row by row, then pass
  std::vector<TacticsValue> values;  // moves[i]'s value (kUnknown where the limit cut it)
  std::vector<Move> winning;         // the moves that win for the side to move (when proven)
  uint64_t nodes = 0;                // positions searched
};

// Throws std::invalid_argument unless `target` holds a stone, `to_move` is a colour, and
// the target has fewer than goal.safe_liberties liberties (otherwise it is already safe).
TacticsKind tactics_kind(const Position& position, Color to_move, Move target, const TacticsGoal& goal);

// The set of winning first moves for `to_move`, searching at most about `max_nodes`
// positions in all (then proven = false).
TacticsResult solve_tactics(const Position& position, Color to_move, Move target, const TacticsGoal& goal,
                            uint64_t max_nodes);

// The value of the position itself with `to_move` to move (no pass before it).
// `nodes`, when given, receives the positions searched.
TacticsValue evaluate_tactics(const Position& position, Color to_move, Move target, const TacticsGoal& goal,
                              uint64_t max_nodes, uint64_t* nodes = nullptr);

}  // namespace traceplay::go
