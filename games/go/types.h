// The small value types every Go module shares (rules engine, SGF, GTP, MCTS, self-play
// records): a colour and a move. Plain values, so they cross threads, processes and the
// Python bindings unchanged. Coordinates are those of SGF and of a printed diagram:
// x is the column from the left (0 = GTP's "A"), y the row from the top (0 = SGF's "a";
// GTP's row number is size - y). The engine's internal point numbering is its own.
#pragma once

#include <cstdint>

namespace traceplay::go {

constexpr int kMinBoardSize = 2;
constexpr int kMaxBoardSize = 25;  // GTP's letters (A..Z without I) stop at 25

enum class Color : uint8_t { kEmpty = 0, kBlack = 1, kWhite = 2 };

constexpr Color opponent(Color c) {
  return c == Color::kBlack ? Color::kWhite : c == Color::kWhite ? Color::kBlack : Color::kEmpty;
}

// A point on the board or a pass.
struct Move {
  int8_t x = -1, y = -1;  // both -1 for a pass

  static constexpr Move pass() { return Move{}; }
  static constexpr Move at(int x, int y) { return Move{static_cast<int8_t>(x), static_cast<int8_t>(y)}; }
  constexpr bool is_pass() const { return x < 0; }
  constexpr bool operator==(const Move& o) const { return x == o.x && y == o.y; }
  constexpr bool operator!=(const Move& o) const { return !(*this == o); }
};

// A move together with the side that played it (a game record's entry).
struct ColoredMove {
  Color color = Color::kBlack;
  Move move;

  constexpr bool operator==(const ColoredMove& o) const { return color == o.color && move == o.move; }
  constexpr bool operator!=(const ColoredMove& o) const { return !(*this == o); }
};

}  // namespace traceplay::go
