// The maze generator of the Searchformer reference (maze.py, `generate`), one layout
// at a time:
//   - shuffle the n = W*H cell indices; the wall count is uniform in
//     [n//10*3, n//10*5]; the first that many shuffled cells are walls;
//   - up to 100 times: shuffle the free cells, take the first two as start and goal,
//     run A*; keep the task when A* solves it and its plan has at least max(W, H)
//     positions; equal tasks of one layout are kept once.
// All tasks of one layout share the layout hash and so land in the same split.
#include "search/maze_source.h"

#include <algorithm>
#include <unordered_set>

#include "core/error.h"
#include "core/hash.h"
#include "core/rng.h"
#include "search/maze_trace.h"

namespace traceplay::search {

namespace {

class MazeWorker final : public LayoutWorker {
 public:
  MazeWorker(const MazeSourceParams& params, const Vocabulary& vocabulary)
      : params_(params), vocabulary_(vocabulary), ids_(vocabulary, params.width, params.height) {}

  std::vector<DatasetRecord> generate(uint64_t seed, uint64_t k) override {
    const int w = params_.width, h = params_.height, n = w * h;
    Rng rng = Rng::stream(seed, k);
    std::vector<int> cells(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) cells[static_cast<size_t>(i)] = i;
    rng.shuffle(cells);
    const int num_walls = static_cast<int>(rng.uniform_int(n / 10 * 3, n / 10 * 5));
    std::vector<int> wall_cells(cells.begin(), cells.begin() + num_walls);
    std::sort(wall_cells.begin(), wall_cells.end());
    std::vector<int> free_cells(cells.begin() + num_walls, cells.end());

    std::vector<DatasetRecord> records;
    if (free_cells.size() < 2) return records;
    std::vector<Pos> walls;
    for (int c : wall_cells) walls.push_back({c % w, c / w});
    const maze::MazeTask layout(w, h, {free_cells[0] % w, free_cells[0] / w},
                                {free_cells[1] % w, free_cells[1] / w}, walls);
    const uint64_t layout_hash = hash_tokens(maze_layout_tokens(layout));
    std::string layout_text = layout_prompt_text(layout);

    std::unordered_set<uint64_t> tasks_seen;
    for (int attempt = 0; attempt < params_.attempts_per_layout; ++attempt) {
      rng.shuffle(free_cells);
      const Pos start{free_cells[0] % w, free_cells[0] / w};
      const Pos goal{free_cells[1] % w, free_cells[1] / w};
      AStarOptions options;
      options.deterministic = params_.deterministic;
      options.seed = rng.next();
      options.stop = stop_;
      DatasetRecord record;
      MazeTokenSink sink(ids_, w, record.trace, record.plan);
      const auto result = astar_.run(MazeDomain(layout, start, goal), options, sink);
      if (!result.solved()) continue;
      if (static_cast<int>(result.plan.size()) < std::max(w, h)) continue;
      if (!tasks_seen.insert(static_cast<uint64_t>(free_cells[0]) * n + free_cells[1]).second) continue;

      record.prompt = {ids_.start, ids_.coordinate[start.x], ids_.coordinate[start.y],
                       ids_.goal,  ids_.coordinate[goal.x],  ids_.coordinate[goal.y]};
      for (Pos wall : walls)
        record.prompt.insert(record.prompt.end(),
                             {ids_.wall, ids_.coordinate[wall.x], ids_.coordinate[wall.y]});
      const std::string prompt_text = "start " + std::to_string(start.x) + " " + std::to_string(start.y) +
                                      " goal " + std::to_string(goal.x) + " " + std::to_string(goal.y) +
                                      layout_text;
      record.id = xxh64(prompt_text);
      record.layout = layout_hash;
      record.meta = {{"width", w}, {"height", h}};
      records.push_back(std::move(record));
    }
    return records;
  }

 private:
  // " wall x y" for each wall: the tail of every prompt of this layout, as text.
  static std::string layout_prompt_text(const maze::MazeTask& layout) {
    std::string text;
    for (const auto& token : maze_layout_tokens(layout)) {
      text += ' ';
      text += token;
    }
    return text;
  }

  MazeSourceParams params_;
  const Vocabulary& vocabulary_;
  MazeTokenIds ids_;
  AStar<MazeDomain> astar_;
};

class MazeSource final : public TraceSource {
 public:
  explicit MazeSource(const MazeSourceParams& params)
      : params_(params), vocabulary_(maze_vocabulary(params.width, params.height)) {}

  std::string domain() const override { return "maze"; }
  nlohmann::json params() const override {
    return {{"width", params_.width},
            {"height", params_.height},
            {"attempts_per_layout", params_.attempts_per_layout}};
  }
  const Vocabulary& vocabulary() const override { return vocabulary_; }
  std::unique_ptr<LayoutWorker> make_worker() const override {
    return std::make_unique<MazeWorker>(params_, vocabulary_);
  }

 private:
  MazeSourceParams params_;
  Vocabulary vocabulary_;
};

}  // namespace

std::unique_ptr<TraceSource> make_maze_source(const MazeSourceParams& params) {
  if (params.width < 2 || params.height < 2 || params.width > 100 || params.height > 100)
    throw UserError("maze size must be between 2x2 and 100x100, got " + std::to_string(params.width) + "x" +
                    std::to_string(params.height));
  if (params.attempts_per_layout < 1) throw UserError("attempts per layout must be at least 1");
  return std::make_unique<MazeSource>(params);
}

}  // namespace traceplay::search
