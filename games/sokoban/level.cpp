#include "games/sokoban/level.h"

#include <algorithm>

namespace traceplay::sokoban {

namespace {
bool size_allowed(int width, int height) {
  return width <= kMaxLevelColumns && height <= kMaxLevelRows && width * height <= kMaxLevelCells;
}

std::string str(Pos p) { return "(" + std::to_string(p.x) + ", " + std::to_string(p.y) + ")"; }
}  // namespace

Level Level::from_rows(const std::vector<std::string>& rows) {
  Level level;
  level.height_ = static_cast<int>(rows.size());
  for (const auto& row : rows) level.width_ = std::max(level.width_, static_cast<int>(row.size()));
  if (level.width_ == 0 || level.height_ == 0) throw LevelError(-1, "empty level");
  if (!size_allowed(level.width_, level.height_))
    throw LevelError(-1, "level is too large (" + std::to_string(level.width_) + "x" +
                             std::to_string(level.height_) + "; the limit is " +
                             std::to_string(kMaxLevelColumns) + " columns, " + std::to_string(kMaxLevelRows) +
                             " rows, " + std::to_string(kMaxLevelCells) + " cells)");
  level.cells_.assign(static_cast<size_t>(level.num_cells()), 0);
  for (int y = 0; y < level.height_; ++y) {
    const std::string& row = rows[static_cast<size_t>(y)];
    for (int x = 0; x < static_cast<int>(row.size()); ++x) {
      const int cell = level.index({x, y});
      uint8_t& flags = level.cells_[static_cast<size_t>(cell)];
      const char c = row[static_cast<size_t>(x)];
      switch (c) {
        case '#':
          flags = kWall;
          break;
        case ' ':
        case '-':
        case '_':
          break;
        case '.':
          flags = kDock;
          break;
        case '$':
          level.boxes_.push_back(cell);
          break;
        case '*':
          flags = kDock;
          level.boxes_.push_back(cell);
          break;
        case '@':
        case '+':
          if (c == '+') flags = kDock;
          if (level.worker_ >= 0)
            throw LevelError(y, "a second worker at " + str({x, y}) + " (the first is at " +
                                    str(level.pos(level.worker_)) + ")");
          level.worker_ = cell;
          break;
        default: {
          const std::string shown = (c >= 32 && c < 127)
                                        ? std::string("'") + c + "'"
                                        : "byte " + std::to_string(static_cast<unsigned char>(c));
          throw LevelError(y, "unknown character " + shown + " at " + str({x, y}));
        }
      }
      if (flags & kDock) level.docks_.push_back(cell);
    }
  }
  std::sort(level.boxes_.begin(), level.boxes_.end());
  std::sort(level.docks_.begin(), level.docks_.end());
  level.validate();
  return level;
}

Level::Level(int width, int height, Pos worker, const std::vector<Pos>& boxes, const std::vector<Pos>& docks,
             const std::vector<Pos>& walls)
    : width_(width), height_(height) {
  if (width < 1 || height < 1 || !size_allowed(width, height))
    throw LevelError(-1, "bad level size " + std::to_string(width) + "x" + std::to_string(height));
  cells_.assign(static_cast<size_t>(num_cells()), 0);
  auto cell_of = [&](Pos p, const char* what) {
    if (!in_bounds(p)) throw LevelError(-1, std::string(what) + " " + str(p) + " is outside the grid");
    return index(p);
  };
  for (Pos p : walls) cells_[static_cast<size_t>(cell_of(p, "wall"))] |= kWall;
  for (Pos p : docks) {
    const int c = cell_of(p, "dock");
    if (cells_[static_cast<size_t>(c)] & kDock) throw LevelError(-1, "dock " + str(p) + " is listed twice");
    cells_[static_cast<size_t>(c)] |= kDock;
    docks_.push_back(c);
  }
  for (Pos p : boxes) boxes_.push_back(cell_of(p, "box"));
  worker_ = cell_of(worker, "worker");
  std::sort(boxes_.begin(), boxes_.end());
  std::sort(docks_.begin(), docks_.end());
  if (std::adjacent_find(boxes_.begin(), boxes_.end()) != boxes_.end())
    throw LevelError(-1, "two boxes on one cell");
  for (int c : boxes_)
    if (is_wall(c)) throw LevelError(-1, "box " + str(pos(c)) + " is on a wall");
  for (int c : docks_)
    if (is_wall(c)) throw LevelError(-1, "dock " + str(pos(c)) + " is on a wall");
  if (is_wall(worker_)) throw LevelError(-1, "worker " + str(worker) + " is on a wall");
  if (std::binary_search(boxes_.begin(), boxes_.end(), worker_))
    throw LevelError(-1, "worker " + str(worker) + " is on a box");
  validate();
}

// Counts, and closure: the worker, walking through anything but walls (boxes can be
// pushed away), must not reach the edge of the grid, beyond which the level is open.
void Level::validate() const {
  if (worker_ < 0) throw LevelError(-1, "no worker ('@' or '+')");
  if (boxes_.size() != docks_.size())
    throw LevelError(
        -1, std::to_string(boxes_.size()) + " boxes but " + std::to_string(docks_.size()) + " docks");
  std::vector<uint8_t> seen(static_cast<size_t>(num_cells()), 0);
  std::vector<int> stack{worker_};
  seen[static_cast<size_t>(worker_)] = 1;
  while (!stack.empty()) {
    const int c = stack.back();
    stack.pop_back();
    const Pos p = pos(c);
    if (p.x == 0 || p.y == 0 || p.x == width_ - 1 || p.y == height_ - 1)
      throw LevelError(-1, "the worker can walk off the level at " + str(p) + " (the border is open)");
    for (int next : {c - width_, c + width_, c - 1, c + 1}) {
      if (seen[static_cast<size_t>(next)] || is_wall(next)) continue;
      seen[static_cast<size_t>(next)] = 1;
      stack.push_back(next);
    }
  }
}

std::vector<int> Level::walls() const {
  std::vector<int> out;
  for (int c = 0; c < num_cells(); ++c)
    if (is_wall(c)) out.push_back(c);
  return out;
}

std::vector<std::string> Level::to_rows() const {
  std::vector<std::string> rows(static_cast<size_t>(height_), std::string(static_cast<size_t>(width_), ' '));
  for (int c = 0; c < num_cells(); ++c) {
    char& ch = rows[static_cast<size_t>(c / width_)][static_cast<size_t>(c % width_)];
    const bool box = std::binary_search(boxes_.begin(), boxes_.end(), c);
    if (is_wall(c)) ch = '#';
    else if (c == worker_) ch = is_dock(c) ? '+' : '@';
    else if (box) ch = is_dock(c) ? '*' : '$';
    else if (is_dock(c)) ch = '.';
  }
  return rows;
}

std::string Level::to_string() const {
  std::string out;
  for (const auto& row : to_rows()) {
    if (!out.empty()) out += '-';
    out += row;
  }
  return out;
}

}  // namespace traceplay::sokoban
