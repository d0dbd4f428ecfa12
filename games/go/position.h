// The fast Go position: stones, chains with incrementally kept pseudo-liberties,
// captures and the simple-ko point; no history. It is the playout workload and the
// core of `Board` (board.h), which adds rules, superko, history and undo.
//
// Layout: a padded 1-D array of (size + 2)^2 points with a one-point border, so every
// on-board point has four neighbours without bounds checks; point = (y + 1) * stride +
// (x + 1). Each chain keeps, at its representative point, the number of
// (stone, empty neighbour) pairs (pseudo-liberties) and the sum and sum of squares of
// those empty points: a chain has no liberty iff the count is 0, and exactly one
// liberty iff count * sum_sq == sum^2 (all pseudo-liberties are the same point). That
// makes the legality test O(1) and every update local, which is what playout speed
// needs; the exact liberty count (features, GTP) is counted on demand.
//
// A plain value (fixed arrays, no pointers): copy it freely; each thread owns its own.
#pragma once

#include <cstdint>
#include <vector>

#include "games/go/types.h"
#include "games/go/zobrist.h"

namespace traceplay::go {

// Point contents in the padded array: Color values plus the border.
constexpr uint8_t kBorder = 3;

class Position {
 public:
  static constexpr int kNoPoint = 0;  // a border corner: never a playable point

  explicit Position(int size = 19);

  int size() const { return size_; }
  int stride() const { return stride_; }
  int point(int x, int y) const { return (y + 1) * stride_ + (x + 1); }
  int point(Move m) const { return m.is_pass() ? kNoPoint : point(m.x, m.y); }
  int x_of(int p) const { return p % stride_ - 1; }
  int y_of(int p) const { return p / stride_ - 1; }
  Move move_of(int p) const { return p == kNoPoint ? Move::pass() : Move::at(x_of(p), y_of(p)); }
  bool on_board(int x, int y) const { return x >= 0 && y >= 0 && x < size_ && y < size_; }
  int num_points() const { return stride_ * stride_; }  // padded array length

  uint8_t cell(int p) const { return color_[p]; }  // 0 empty, 1 black, 2 white, 3 border
  Color at(int p) const { return color_[p] == kBorder ? Color::kEmpty : static_cast<Color>(color_[p]); }
  Color at(int x, int y) const { return static_cast<Color>(color_[point(x, y)]); }

  uint64_t hash() const { return hash_; }       // xor of the stones' Zobrist keys (positional)
  int ko_point() const { return ko_point_; }    // kNoPoint when none
  Color ko_color() const { return ko_color_; }  // the side that may not play at ko_point()
  int stone_count(Color c) const { return stones_of_[static_cast<int>(c)]; }

  // The empty on-board points, in an order that changes as stones come and go.
  int num_empty() const { return num_empty_; }
  int empty_point(int i) const { return empty_[i]; }

  // Chains: every stone knows its chain's representative; stones of a chain form a ring.
  int chain_of(int p) const { return chain_[p]; }
  int next_in_chain(int p) const { return next_[p]; }
  int chain_size(int p) const { return chain_stones_[chain_[p]]; }
  bool chain_has_no_liberty(int p) const { return libs_[chain_[p]] == 0; }
  bool chain_in_atari(int p) const { return in_atari(chain_[p]); }
  // The exact number of distinct liberties of the chain through p (walks the chain).
  int liberties(int p) const;
  // Neighbour offsets, for callers that walk the board.
  int up() const { return -stride_; }

  // Would c at empty on-board point p be legal under simple ko, with suicide allowed or
  // not? (Not superko: that needs the game's history, see Board.)
  bool is_empty(int p) const { return color_[p] == 0; }
  bool is_ko_blocked(Color c, int p) const { return p == ko_point_ && c == ko_color_; }
  bool is_suicide(Color c, int p) const {
    if (nbr_count(p, 0) > 0) return false;
    const uint8_t own = static_cast<uint8_t>(c);
    const int nbrs[4] = {p - stride_, p - 1, p + 1, p + stride_};
    for (int q : nbrs) {
      const uint8_t v = color_[q];
      if (v == kBorder) continue;
      const bool atari = in_atari(chain_[q]);
      if (v == own ? !atari : atari)
        return false;  // own chain keeps a liberty, or an enemy chain is captured
    }
    return true;
  }
  bool is_legal(Color c, int p, bool allow_suicide = false) const {
    return color_[p] == 0 && !is_ko_blocked(c, p) && (allow_suicide || !is_suicide(c, p));
  }
  // A true eye of c by the playout rule: all four neighbours c or border, and at most
  // one diagonal of the opponent (none when the point is on the edge).
  bool is_eye(Color c, int p) const {
    if (nbr_count(p, static_cast<int>(c)) != 4) return false;
    const uint8_t enemy = static_cast<uint8_t>(opponent(c));
    const uint8_t d[4] = {color_[p - stride_ - 1], color_[p - stride_ + 1], color_[p + stride_ - 1],
                          color_[p + stride_ + 1]};
    const int bad = (d[0] == enemy) + (d[1] == enemy) + (d[2] == enemy) + (d[3] == enemy);
    const bool edge = (d[0] == kBorder) | (d[1] == kBorder) | (d[2] == kBorder) | (d[3] == kBorder);
    return bad < (edge ? 1 : 2);
  }

  // Places c at p, captures, and removes c's own chain when it has no liberty left
  // (suicide; only call so when suicide is allowed). p must be empty and on the board;
  // the caller checks legality. Returns the number of opponent stones captured.
  int play(Color c, int p);
  // A pass clears the ko point.
  void pass() { ko_point_ = kNoPoint; }

  // The hash the position would have after c plays at p (captures and, if the move is a
  // suicide, the removal of c's chain included), without changing anything.
  uint64_t hash_after(Color c, int p) const;
  // The number of opponent stones c at p would capture (the move need not be legal).
  int captures_if_played(Color c, int p) const;

  // Replaces all stones: colors[x + size * y] (Color values). Chains and hashes are
  // rebuilt; no captures happen and the ko point is cleared. Returns false, leaving the
  // position unchanged, if some chain would have no liberty.
  bool set_stones(const std::vector<Color>& colors);
  std::vector<Color> stones() const;  // colors[x + size * y]
  void set_ko(int point, Color forbidden) {
    ko_point_ = point;
    ko_color_ = forbidden;
  }

  // Area score by Tromp-Taylor: stones plus empty regions that reach only one colour.
  // Black's points minus White's (no komi).
  int area_difference() const;

 private:
  static constexpr int kMaxP = kMaxPoints;
  // Packed neighbour counts: 4 bits each for empty, black and white neighbours; the
  // border counts as both black and white (so "4 own" means "own or edge").
  static constexpr uint16_t kNbrUnit[3] = {1u, 1u << 4, 1u << 8};
  int nbr_count(int p, int color_index) const { return (nbr_[p] >> (4 * color_index)) & 15; }

  bool in_atari(int r) const {
    return static_cast<uint64_t>(libs_[r]) * lib_sq_[r] == static_cast<uint64_t>(lib_sum_[r]) * lib_sum_[r];
  }
  void add_lib(int r, int lib) {
    libs_[r] += 1;
    lib_sum_[r] += lib;
    lib_sq_[r] += static_cast<uint32_t>(lib * lib);
  }
  void remove_lib(int r, int lib) {
    libs_[r] -= 1;
    lib_sum_[r] -= lib;
    lib_sq_[r] -= static_cast<uint32_t>(lib * lib);
  }
  void place_stone(Color c, int p);  // colour, hash, empties, neighbour counts, new one-stone chain
  void merge(int a, int b);          // two chains of one colour into one
  int remove_chain(int r);           // all stones of a chain; returns their number
  void clear();

  int size_ = 0, stride_ = 0;
  int num_empty_ = 0;
  int ko_point_ = kNoPoint;
  Color ko_color_ = Color::kEmpty;
  int stones_of_[3] = {0, 0, 0};
  uint64_t hash_ = 0;
  uint8_t color_[kMaxP];
  uint16_t nbr_[kMaxP];
  uint16_t chain_[kMaxP];
  uint16_t next_[kMaxP];
  uint16_t chain_stones_[kMaxP];  // at the representative
  uint16_t libs_[kMaxP];          // pseudo-liberties, at the representative
  uint32_t lib_sum_[kMaxP];
  uint32_t lib_sq_[kMaxP];
  uint16_t empty_[kMaxP];
  uint16_t empty_index_[kMaxP];
};

}  // namespace traceplay::go
