#include "games/sokoban/generator.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"

namespace traceplay::sokoban {

void validate(const GeneratorParams& p) {
  if (p.width < 5 || p.height < 5 || p.width > 64 || p.height > 64)
    throw UserError("Sokoban size must be between 5x5 and 64x64 (boxes go two cells from the border), got " +
                    std::to_string(p.width) + "x" + std::to_string(p.height));
  if (p.boxes < 1) throw UserError("Sokoban levels need at least one box, got " + std::to_string(p.boxes));
  if (p.walls < 0) throw UserError("the number of interior walls cannot be negative");
  const int interior = (p.width - 2) * (p.height - 2);
  const int central = (p.width - 4) * (p.height - 4);
  if (p.boxes > central)
    throw UserError("at most " + std::to_string(central) + " boxes fit two cells from the border of a " +
                    std::to_string(p.width) + "x" + std::to_string(p.height) + " level");
  if (p.walls + 2 * p.boxes + 1 > interior)
    throw UserError(std::to_string(p.walls) + " walls, " + std::to_string(p.boxes) +
                    " boxes, their docks and a worker" + " do not fit in the " + std::to_string(interior) +
                    " interior cells");
}

namespace {
// The first n of the candidate cells (ascending order) after a shuffle: the
// reference's `random.shuffle(list(set - exclude))[:n]`, with a defined order.
std::vector<int> sample(std::vector<int> candidates, int n, Rng& rng) {
  rng.shuffle(candidates);
  if (static_cast<int>(candidates.size()) > n) candidates.resize(static_cast<size_t>(n));
  return candidates;
}
}  // namespace

std::optional<Level> generate_level(const GeneratorParams& p, Rng& rng) {
  const int w = p.width, h = p.height;
  std::vector<uint8_t> taken(static_cast<size_t>(w * h), 0);
  std::vector<Pos> walls;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
        taken[static_cast<size_t>(x + w * y)] = 1;
        walls.push_back({x, y});
      }
  auto free_cells = [&](int margin) {
    std::vector<int> out;
    for (int y = margin; y < h - margin; ++y)
      for (int x = margin; x < w - margin; ++x)
        if (!taken[static_cast<size_t>(x + w * y)]) out.push_back(x + w * y);
    return out;
  };
  auto take = [&](const std::vector<int>& cells, std::vector<Pos>& into) {
    for (int c : cells) {
      taken[static_cast<size_t>(c)] = 1;
      into.push_back({c % w, c / w});
    }
  };
  take(sample(free_cells(0), p.walls, rng), walls);
  std::vector<Pos> boxes, worker, docks;
  take(sample(free_cells(2), p.boxes, rng), boxes);
  take(sample(free_cells(0), 1, rng), worker);
  take(sample(free_cells(0), p.boxes, rng), docks);
  if (static_cast<int>(boxes.size()) != p.boxes || static_cast<int>(docks.size()) != p.boxes ||
      worker.empty())
    return std::nullopt;
  return Level(w, h, worker[0], boxes, docks, walls);
}

}  // namespace traceplay::sokoban
