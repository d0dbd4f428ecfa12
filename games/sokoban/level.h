// A Sokoban level: a W x H grid with walls, docks, boxes and one worker. x grows to the
// right and y grows *down* (rows as in an .xsb file), so "up" is y-1. Cells are
// numbered x + W*y; everything that searches works on those indices.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "games/grid.h"

namespace traceplay::sokoban {

// The largest level (DESIGN.md, "Limits on untrusted input"): coordinates are single
// tokens and search states keep cell indices in 16 bits. Real levels are at most ~50
// wide (the reference's and Boxoban's are 10x10).
constexpr int kMaxLevelColumns = 255;
constexpr int kMaxLevelRows = 255;
constexpr int kMaxLevelCells = 65535;

// A malformed level, before the loader adds the file and level to the message: `row`
// is the 0-based row of the level the problem is on, or -1 when it is about the
// whole level (counts, reachability).
class LevelError : public std::runtime_error {
 public:
  LevelError(int row, const std::string& what) : std::runtime_error(what), row_(row) {}
  int row() const { return row_; }

 private:
  int row_;
};

class Level {
 public:
  Level() = default;
  // Rows in .xsb characters: '#' wall, '@' worker, '+' worker on dock, '$' box,
  // '*' box on dock, '.' dock, ' ', '-', '_' floor. Ragged rows are padded with floor
  // to the longest. Throws LevelError for an unknown character, no worker or two,
  // boxes != docks, or a worker that can walk off the grid (an open border).
  static Level from_rows(const std::vector<std::string>& rows);
  // From positions (the generator); validated as from_rows.
  Level(int width, int height, Pos worker, const std::vector<Pos>& boxes, const std::vector<Pos>& docks,
        const std::vector<Pos>& walls);

  int width() const { return width_; }
  int height() const { return height_; }
  int num_cells() const { return width_ * height_; }
  int index(Pos p) const { return p.x + width_ * p.y; }
  Pos pos(int cell) const { return {cell % width_, cell / width_}; }
  bool in_bounds(Pos p) const { return p.x >= 0 && p.y >= 0 && p.x < width_ && p.y < height_; }

  bool is_wall(int cell) const { return cells_[static_cast<size_t>(cell)] & kWall; }
  bool is_dock(int cell) const { return cells_[static_cast<size_t>(cell)] & kDock; }
  bool is_wall(Pos p) const { return is_wall(index(p)); }
  bool is_dock(Pos p) const { return is_dock(index(p)); }

  int worker() const { return worker_; }
  // Cell indices in ascending order.
  const std::vector<int>& boxes() const { return boxes_; }
  const std::vector<int>& docks() const { return docks_; }
  std::vector<int> walls() const;
  int num_boxes() const { return static_cast<int>(boxes_.size()); }

  // The level as .xsb rows, and as the reference's state string (rows joined by '-').
  std::vector<std::string> to_rows() const;
  std::string to_string() const;

 private:
  static constexpr uint8_t kWall = 1, kDock = 2;
  void validate() const;

  int width_ = 0, height_ = 0;
  std::vector<uint8_t> cells_;  // kWall | kDock per cell
  int worker_ = -1;
  std::vector<int> boxes_, docks_;
};

}  // namespace traceplay::sokoban
