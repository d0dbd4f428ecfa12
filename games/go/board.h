// A Go game in progress: the fast Position plus rules (komi, suicide, superko), side to
// move, captures, setup stones, move history with undo, and the superko record.
//
// Every state the game has been in is kept as a compact snapshot (the stones, N*N bytes,
// plus ko, captures, side to move, passes), so undo is exact (the Position is rebuilt
// from the previous snapshot) and feature extraction can read the last k positions.
// The superko record is a hash multiset of the states' keys: the positional hash (xor of
// the stones' Zobrist keys), or for situational superko that hash xor a side-to-move
// key; a look-up is O(1). A plain value: copy it; each thread owns its own.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "games/go/position.h"
#include "games/go/rules.h"
#include "games/go/types.h"

namespace traceplay::go {

// A setup stone (SGF AB/AW/AE, handicap): color kEmpty clears the point.
struct SetupStone {
  Move point;
  Color color = Color::kBlack;
};

class Board {
 public:
  // Throws std::invalid_argument for sizes outside 2..25.
  explicit Board(int size = 19, Rules rules = {});

  int size() const { return position_.size(); }
  const Rules& rules() const { return rules_; }
  void set_rules(const Rules& rules);  // the superko record is re-keyed from the history
  void set_komi(double komi) { rules_.komi = komi; }

  Color at(int x, int y) const { return position_.at(x, y); }
  Color at(Move m) const { return m.is_pass() ? Color::kEmpty : position_.at(m.x, m.y); }
  Color to_move() const { return to_move_; }
  void set_to_move(Color c);  // SGF PL; c must be kBlack or kWhite

  // Is `c` playing `m` legal now, and if not, why. A pass is always legal.
  MoveLegality check(Color c, Move m) const;
  bool is_legal(Color c, Move m) const { return check(c, m) == MoveLegality::kLegal; }
  // Plays the move if it is legal (then the other side is to move) and says why not
  // otherwise, leaving the board unchanged. Either colour may move (GTP allows it).
  MoveLegality play(Color c, Move m);
  MoveLegality play(Move m) { return play(to_move_, m); }
  // The legal on-board moves of `c` (superko included), row by row; pass not listed.
  std::vector<Move> legal_moves(Color c) const;

  // Takes back the last move (stones, ko, hashes, captures, side to move). Returns false
  // when there is nothing to take back or the last change was a setup.
  bool undo();
  // An empty board of the same size and rules, Black to move, no history.
  void clear();
  // Adds/removes setup stones (no captures; the ko point clears). Returns false and
  // changes nothing if a point is off the board or some chain would have no liberty.
  // Setup is not undoable by undo() (as GNU Go: handicap stones stay).
  bool setup(const std::vector<SetupStone>& stones);
  // Sets the current state's simple-ko point: `forbidden` may not play at `point` now (a
  // problem's known ko, e.g. a go-tactics prompt; setup() clears it). A pass clears it.
  void set_ko(Move point, Color forbidden);

  uint64_t hash() const { return position_.hash(); }  // positional: the stones only
  uint64_t situation_hash() const { return position_.hash() ^ zobrist_to_move(to_move_); }
  int captures(Color by) const { return captures_[static_cast<int>(by)]; }   // stones taken by `by`
  Move ko_point() const { return position_.move_of(position_.ko_point()); }  // pass if none
  int consecutive_passes() const { return passes_; }
  bool game_over() const { return passes_ >= 2; }
  const std::vector<ColoredMove>& moves() const { return moves_; }  // since clear(), setup excluded

  // The stones (colors[x + size * y]) k states ago: 0 = now; past the start, the first.
  std::vector<Color> stones_ago(int k) const;
  int history_size() const { return static_cast<int>(history_.size()); }

  const Position& position() const { return position_; }

 private:
  struct Snapshot {
    std::vector<Color> stones;
    int ko_point;
    Color ko_color;
    int captures[3];
    Color to_move;
    int passes;
    uint64_t hash;
    bool left_by_move;  // the change that followed this state was a move (undo may revert it)
  };
  uint64_t key(uint64_t position_hash, Color to_move) const {
    return rules_.superko == Superko::kSituational ? position_hash ^ zobrist_to_move(to_move) : position_hash;
  }
  Snapshot snapshot(bool left_by_move) const;
  void record_current() { ++seen_[key(position_.hash(), to_move_)]; }
  void forget_current();

  Rules rules_;
  Position position_;
  Color to_move_ = Color::kBlack;
  int captures_[3] = {0, 0, 0};
  int passes_ = 0;
  std::vector<Snapshot> history_;  // the states before the current one
  std::vector<ColoredMove> moves_;
  std::unordered_map<uint64_t, int> seen_;  // superko record: key -> number of states
};

}  // namespace traceplay::go
