// A Go game as a plain value: the game information, then the main line as a list of
// nodes, each with its setup stones, its move, its comment and every property this
// code does not interpret (kept raw, so read -> write -> read gives the same record).
// It is what SGF files, GTP's loadsgf/printsgf, matches and self-play exchange.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "games/go/sgf_tree.h"
#include "games/go/types.h"

namespace traceplay::go {

// One node of the main line. Setup applies before the move (FF[4] keeps them in separate
// nodes; a node holding both is read and written as it was).
struct RecordNode {
  std::vector<Move> add_black, add_white, add_empty;  // AB, AW, AE (points, in file order)
  std::optional<ColoredMove> move;                    // B or W; a pass is Move::pass()
  std::string comment;                                // C, decoded ("\n" line breaks)
  std::vector<SgfProperty> other;                     // the rest, raw values, file order

  bool has_setup() const { return !add_black.empty() || !add_white.empty() || !add_empty.empty(); }
  bool operator==(const RecordNode& o) const;
  bool operator!=(const RecordNode& o) const { return !(*this == o); }
};

struct GameRecord {
  int size = 19;               // SZ (square boards only)
  std::optional<double> komi;  // KM; absent when the file has none
  int handicap = 0;            // HA (0: none given)
  std::string rules;           // RU ("Chinese", "Japanese", ...); empty when absent
  std::string black_player;    // PB
  std::string white_player;    // PW
  std::string result;          // RE ("B+R", "W+7.5", "0", "Void", ...)
  std::string date;            // DT
  // nodes[0] is the root (its setup: handicap or problem stones); one node per move
  // after it. Never empty.
  std::vector<RecordNode> nodes{RecordNode{}};

  // The moves of the main line in order (setup stones excluded).
  std::vector<ColoredMove> moves() const;
  // Appends one node holding `move`.
  void add_move(Color color, Move move);

  bool operator==(const GameRecord& o) const;
  bool operator!=(const GameRecord& o) const { return !(*this == o); }
};

}  // namespace traceplay::go
