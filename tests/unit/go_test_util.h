// Go test helpers: boards from diagrams ("X" black, "O" white, "." empty; row 0 first).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "games/go/board.h"

namespace traceplay::go::testing {

inline Board board_from(const std::vector<std::string>& rows, Rules rules = {},
                        Color to_move = Color::kBlack) {
  Board board(static_cast<int>(rows.size()), rules);
  std::vector<SetupStone> stones;
  for (size_t y = 0; y < rows.size(); ++y) {
    if (rows[y].size() != rows.size()) throw std::invalid_argument("board_from: rows must be square");
    for (size_t x = 0; x < rows[y].size(); ++x) {
      const char ch = rows[y][x];
      if (ch == 'X') stones.push_back({Move::at(static_cast<int>(x), static_cast<int>(y)), Color::kBlack});
      else if (ch == 'O')
        stones.push_back({Move::at(static_cast<int>(x), static_cast<int>(y)), Color::kWhite});
      else if (ch != '.') throw std::invalid_argument("board_from: bad character");
    }
  }
  if (!board.setup(stones)) throw std::invalid_argument("board_from: a chain without liberties");
  board.set_to_move(to_move);
  return board;
}

inline std::vector<std::string> diagram(const Board& board) {
  std::vector<std::string> rows;
  for (int y = 0; y < board.size(); ++y) {
    std::string row;
    for (int x = 0; x < board.size(); ++x) {
      const Color c = board.at(x, y);
      row += c == Color::kBlack ? 'X' : c == Color::kWhite ? 'O' : '.';
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace traceplay::go::testing
