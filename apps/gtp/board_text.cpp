#include "apps/gtp/board_text.h"

#include <algorithm>
#include <cstdio>

#include "apps/gtp/handicap.h"
#include "apps/gtp/vertex.h"

namespace traceplay::gtp {

namespace {

std::string column_letters(int size) {
  std::string line = "   ";
  for (int x = 0; x < size; ++x) line += format_vertex(go::Move::at(x, size - 1), size).substr(0, 1) + " ";
  line.pop_back();
  return line;
}

}  // namespace

std::string board_diagram(const go::Board& board) {
  const int size = board.size();
  // Star points: the corners and the centre, and on large boards the sides too.
  const int max = max_fixed_handicap(size);
  const auto stars = fixed_handicap_points(size, size >= 15 ? max : std::min(max, 5));
  const go::Move last = board.moves().empty() ? go::Move::pass() : board.moves().back().move;
  std::string out = "\n" + column_letters(size) + "\n";
  for (int y = 0; y < size; ++y) {
    char row[16];
    std::snprintf(row, sizeof row, "%2d", size - y);
    std::string line = row;
    for (int x = 0; x < size; ++x) {
      const go::Move m = go::Move::at(x, y);
      const go::Color c = board.at(m);
      char mark = '.';
      if (c == go::Color::kBlack) mark = 'X';
      else if (c == go::Color::kWhite) mark = 'O';
      else if (std::find(stars.begin(), stars.end(), m) != stars.end()) mark = '+';
      // The last move is bracketed, as GNU Go's "(X)".
      line += (m == last ? "(" : (x > 0 && go::Move::at(x - 1, y) == last ? ")" : " "));
      line += mark;
    }
    line += (go::Move::at(size - 1, y) == last ? ")" : " ") + std::to_string(size - y);
    if (y == size - 2)
      line += "     WHITE (O) has captured " + std::to_string(board.captures(go::Color::kWhite)) + " stones";
    if (y == size - 1)
      line += "     BLACK (X) has captured " + std::to_string(board.captures(go::Color::kBlack)) + " stones";
    out += line + "\n";
  }
  out += column_letters(size);
  return out;
}

}  // namespace traceplay::gtp
