// traceplay.games: maze tasks and Sokoban levels: make, generate (as `traceplay gen`
// does), load (.json tasks, .xsb/Boxoban collections), step, replay a plan, render as
// text and as a numpy array.
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "core/rng.h"
#include "games/maze/maze_task.h"
#include "games/sokoban/collection.h"
#include "games/sokoban/generator.h"
#include "games/sokoban/level.h"
#include "games/sokoban/simulator.h"
#include "python/bindings.h"
#include "search/maze_source.h"
#include "search/maze_trace.h"

namespace traceplay::python {

namespace {

// Cell codes of the rendered arrays (uint8), documented in the docstrings.
enum MazeCell : uint8_t { kMazeFloor = 0, kMazeWall = 1, kMazeStart = 2, kMazeGoal = 3 };
enum SokobanCell : uint8_t {
  kFloor = 0,
  kWall = 1,
  kDock = 2,
  kBox = 3,
  kBoxOnDock = 4,
  kWorker = 5,
  kWorkerOnDock = 6
};

// Row r of the array is y = r (the task's own coordinates; a maze's y grows *up*, so the
// text rendering prints the rows from y = H-1 down to 0, as the reference draws them).
py::array_t<uint8_t> maze_array(const maze::MazeTask& task) {
  std::vector<uint8_t> cells(static_cast<size_t>(task.num_cells()), kMazeFloor);
  for (Pos w : task.walls()) cells[static_cast<size_t>(task.index(w))] = kMazeWall;
  cells[static_cast<size_t>(task.index(task.start()))] = kMazeStart;
  cells[static_cast<size_t>(task.index(task.goal()))] = kMazeGoal;
  return to_numpy(std::move(cells), {task.height(), task.width()});
}

std::string maze_text(const maze::MazeTask& task) {
  std::string out;
  for (int y = task.height() - 1; y >= 0; --y) {
    for (int x = 0; x < task.width(); ++x) {
      const Pos p{x, y};
      out += p == task.start() ? 'S' : p == task.goal() ? 'G' : task.is_wall(p) ? '#' : '.';
    }
    out += '\n';
  }
  return out;
}

// The tasks that layout `layout` of a `traceplay gen --domain maze` dataset holds, in the
// dataset's order: the generator's own records, read back from their prompts.
std::vector<maze::MazeTask> generate_mazes(int width, int height, uint64_t seed, uint64_t layout,
                                           bool deterministic) {
  search::MazeSourceParams params;
  params.width = width;
  params.height = height;
  params.deterministic = deterministic;
  const auto source = search::make_maze_source(params);
  std::vector<DatasetRecord> records;
  {
    py::gil_scoped_release release;
    records = source->make_worker()->generate(seed, layout);
  }
  std::vector<maze::MazeTask> tasks;
  for (const auto& r : records)
    tasks.push_back(search::maze_task_from_prompt(source->vocabulary().decode(r.prompt), width, height));
  return tasks;
}

// A Sokoban level being played: the level and the simulator's board over it, kept
// together so that the board's reference to its level stays valid.
struct SokobanGame {
  explicit SokobanGame(const sokoban::Level& l) : level(l), board(level) {}
  sokoban::Level level;
  sokoban::Board board;
  std::vector<Pos> path{level.pos(level.worker())};  // the worker's positions so far
};

sokoban::Dir parse_dir(const std::string& word) {
  if (word == "up" || word == "u" || word == "U") return sokoban::Dir::kUp;
  if (word == "down" || word == "d" || word == "D") return sokoban::Dir::kDown;
  if (word == "left" || word == "l" || word == "L") return sokoban::Dir::kLeft;
  if (word == "right" || word == "r" || word == "R") return sokoban::Dir::kRight;
  throw py::value_error("direction must be up, down, left or right (or u, d, l, r), got \"" + word + "\"");
}

// Rows as the level's .xsb characters, with the boxes and worker given.
std::vector<std::string> sokoban_rows(const sokoban::Level& level, int worker,
                                      const std::vector<int>& boxes) {
  std::vector<std::string> rows(static_cast<size_t>(level.height()),
                                std::string(static_cast<size_t>(level.width()), ' '));
  for (int cell = 0; cell < level.num_cells(); ++cell) {
    char& c = rows[static_cast<size_t>(cell / level.width())][static_cast<size_t>(cell % level.width())];
    if (level.is_wall(cell)) c = '#';
    else if (level.is_dock(cell)) c = '.';
  }
  for (int box : boxes) {
    char& c = rows[static_cast<size_t>(box / level.width())][static_cast<size_t>(box % level.width())];
    c = c == '.' ? '*' : '$';
  }
  char& w = rows[static_cast<size_t>(worker / level.width())][static_cast<size_t>(worker % level.width())];
  w = w == '.' ? '+' : '@';
  return rows;
}

py::array_t<uint8_t> sokoban_array(const sokoban::Level& level, int worker, const std::vector<int>& boxes) {
  std::vector<uint8_t> cells(static_cast<size_t>(level.num_cells()), kFloor);
  for (int cell = 0; cell < level.num_cells(); ++cell)
    cells[static_cast<size_t>(cell)] = level.is_wall(cell) ? kWall : level.is_dock(cell) ? kDock : kFloor;
  for (int box : boxes) cells[static_cast<size_t>(box)] = level.is_dock(box) ? kBoxOnDock : kBox;
  cells[static_cast<size_t>(worker)] = level.is_dock(worker) ? kWorkerOnDock : kWorker;
  return to_numpy(std::move(cells), {level.height(), level.width()});
}

std::string join_rows(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& row : rows) out += row + "\n";
  return out;
}

std::vector<py::tuple> positions(const sokoban::Level& level, const std::vector<int>& cells) {
  std::vector<py::tuple> out;
  for (int c : cells) out.push_back(to_py(level.pos(c)));
  return out;
}

py::dict plan_check_dict(const PlanCheck& check) {
  py::dict d;
  d["valid"] = check.valid;
  d["moves"] = check.moves;
  d["reason"] = check.reason;
  return d;
}

const char* kMazeArrayDoc =
    "The task as a numpy uint8 array of shape (height, width), indexed [y, x]:\n"
    "0 floor, 1 wall, 2 start, 3 goal. (y grows up, as in the task's coordinates.)";
const char* kSokobanArrayDoc =
    "The state as a numpy uint8 array of shape (height, width), indexed [y, x] (y grows\n"
    "down, as .xsb rows): 0 floor, 1 wall, 2 dock, 3 box, 4 box on dock, 5 worker,\n"
    "6 worker on dock.";

}  // namespace

void bind_games(py::module_& m) {
  m.doc() = "Maze tasks and Sokoban levels: make, generate, load, step, replay, render.";

  py::class_<maze::MazeTask>(
      m, "MazeTask",
      "A maze navigation task as the Searchformer reference defines it: a width x height\n"
      "grid, x to the right and y *up*, walls, a start and a goal; 4-neighbourhood, unit\n"
      "step costs. Positions are (x, y) tuples.")
      .def(py::init([](int width, int height, std::pair<int, int> start, std::pair<int, int> goal,
                       const std::vector<std::pair<int, int>>& walls) {
             return maze::MazeTask(width, height, to_pos(start), to_pos(goal), to_pos(walls));
           }),
           py::arg("width"), py::arg("height"), py::arg("start"), py::arg("goal"),
           py::arg("walls") = std::vector<std::pair<int, int>>{},
           "Validates everything (sizes, positions in bounds, start and goal off walls, distinct\n"
           "walls); ValueError names the problem.")
      .def_property_readonly("width", &maze::MazeTask::width)
      .def_property_readonly("height", &maze::MazeTask::height)
      .def_property_readonly("start", [](const maze::MazeTask& t) { return to_py(t.start()); })
      .def_property_readonly("goal", [](const maze::MazeTask& t) { return to_py(t.goal()); })
      .def_property_readonly(
          "walls", [](const maze::MazeTask& t) { return to_py(t.walls()); },
          "Walls as (x, y), in ascending x + width * y (the prompt's order).")
      .def(
          "is_wall",
          [](const maze::MazeTask& t, int x, int y) {
            return t.in_bounds({x, y}) && t.is_wall(Pos{x, y});
          },
          py::arg("x"), py::arg("y"), "True for a wall; False off the grid too.")
      .def(
          "step",
          [](const maze::MazeTask& t, std::pair<int, int> from, const std::string& direction) -> py::object {
            Pos p = to_pos(from);
            if (direction == "up") ++p.y;
            else if (direction == "down") --p.y;
            else if (direction == "left") --p.x;
            else if (direction == "right") ++p.x;
            else
              throw py::value_error("direction must be up, down, left or right, got \"" + direction + "\"");
            if (!t.in_bounds(p) || t.is_wall(p)) return py::none();
            return to_py(p);
          },
          py::arg("position"), py::arg("direction"),
          "The cell one step from `position` ('up' is y + 1), or None when that is a wall\n"
          "or off the grid.")
      .def(
          "check_plan",
          [](const maze::MazeTask& t, const std::vector<std::pair<int, int>>& plan) {
            return plan_check_dict(t.check_plan(to_pos(plan)));
          },
          py::arg("plan"),
          "Replays a plan (positions, start first): {'valid', 'moves', 'reason'}. Valid when\n"
          "it starts at the start, ends at the goal and moves one free cell a step.")
      .def(
          "to_json", [](const maze::MazeTask& t) { return t.to_json().dump(); },
          "The task file of `traceplay solve --task` as a JSON string.")
      .def_static(
          "from_json",
          [](const std::string& text) {
            nlohmann::json j;
            try {
              j = nlohmann::json::parse(text);
            } catch (const nlohmann::json::exception& e) {
              throw py::value_error(std::string("maze task: not valid JSON: ") + e.what());
            }
            return maze::MazeTask::from_json(j);
          },
          py::arg("text"), "A task from the JSON of a task file.")
      .def_static("load", &maze::MazeTask::load, py::arg("path"),
                  "A task file (`traceplay solve --task FILE`); ValueError with the CLI's message\n"
                  "for a missing or malformed file.")
      .def("render", &maze_text, "The task as text, top row y = height - 1: '#' wall, 'S', 'G', '.' floor.")
      .def("to_array", &maze_array, kMazeArrayDoc)
      .def("prompt", &search::maze_prompt, "The prompt tokens (start, goal, walls) of the task.")
      .def("__repr__", [](const maze::MazeTask& t) {
        return "<MazeTask " + std::to_string(t.width()) + "x" + std::to_string(t.height()) + ", " +
               std::to_string(t.num_walls()) + " walls>";
      });

  m.def("generate_mazes", &generate_mazes, py::arg("width"), py::arg("height"), py::arg("seed") = 0,
        py::arg("layout") = 0, py::arg("deterministic") = true,
        "The maze tasks of layout `layout` of the dataset `traceplay gen --domain maze\n"
        "--width W --height H --seed S` makes (before its de-duplication across layouts),\n"
        "in order: a random wall layout and up to 100 start/goal draws that A* solves with a\n"
        "plan of at least max(W, H) positions. May be empty.");

  py::class_<sokoban::Level>(
      m, "SokobanLevel",
      "A Sokoban level: walls, docks, boxes and one worker. x grows right, y grows *down*\n"
      "(rows as in an .xsb file). Positions are (x, y) tuples.")
      .def(py::init([](const std::vector<std::string>& rows) { return sokoban::Level::from_rows(rows); }),
           py::arg("rows"),
           "From .xsb rows: '#' wall, '@' worker, '+' worker on dock, '$' box, '*' box on dock,\n"
           "'.' dock, ' ', '-', '_' floor. ValueError for a malformed level.")
      .def_static(
          "from_text",
          [](const std::string& text, int index) {
            const auto levels = sokoban::parse_collection(text, "<text>");
            if (index < 1 || index > static_cast<int>(levels.size()))
              throw py::value_error("<text> has " + std::to_string(levels.size()) +
                                    " levels; there is no level " + std::to_string(index));
            return levels[static_cast<size_t>(index - 1)].level;
          },
          py::arg("text"), py::arg("index") = 1, "Level `index` (1-based) of .xsb text.")
      .def_property_readonly("width", &sokoban::Level::width)
      .def_property_readonly("height", &sokoban::Level::height)
      .def_property_readonly("worker", [](const sokoban::Level& l) { return to_py(l.pos(l.worker())); })
      .def_property_readonly("boxes", [](const sokoban::Level& l) { return positions(l, l.boxes()); })
      .def_property_readonly("docks", [](const sokoban::Level& l) { return positions(l, l.docks()); })
      .def_property_readonly("walls", [](const sokoban::Level& l) { return positions(l, l.walls()); })
      .def("rows", &sokoban::Level::to_rows, "The level as .xsb rows.")
      .def(
          "render", [](const sokoban::Level& l) { return join_rows(l.to_rows()); }, "The level as .xsb text.")
      .def(
          "to_array", [](const sokoban::Level& l) { return sokoban_array(l, l.worker(), l.boxes()); },
          kSokobanArrayDoc)
      .def(
          "check_plan",
          [](const sokoban::Level& l, const std::vector<std::pair<int, int>>& plan) {
            return plan_check_dict(sokoban::check_plan(l, to_pos(plan)));
          },
          py::arg("plan"),
          "Replays a plan (worker positions, start first) in the simulator: {'valid', 'moves',\n"
          "'reason'}; valid when every step is legal and every box ends on a dock.")
      .def(
          "plan_to_lurd",
          [](const sokoban::Level& l, const std::vector<std::pair<int, int>>& plan) {
            try {
              return sokoban::plan_to_lurd(l, to_pos(plan));
            } catch (const std::invalid_argument& e) {
              throw py::value_error(e.what());
            }
          },
          py::arg("plan"), "The LURD string of a legal plan (lowercase move, uppercase push).")
      .def(
          "lurd_to_plan",
          [](const sokoban::Level& l, const std::string& lurd) {
            try {
              return to_py(sokoban::lurd_to_plan(l, lurd));
            } catch (const std::invalid_argument& e) {
              throw py::value_error(e.what());
            }
          },
          py::arg("lurd"), "The worker positions of a LURD string.")
      .def("__repr__", [](const sokoban::Level& l) {
        return "<SokobanLevel " + std::to_string(l.width()) + "x" + std::to_string(l.height()) + ", " +
               std::to_string(l.num_boxes()) + " boxes>";
      });

  m.def(
      "load_levels",
      [](const std::string& path) {
        std::vector<sokoban::Level> levels;
        for (auto& l : sokoban::load_collection(path)) levels.push_back(std::move(l.level));
        return levels;
      },
      py::arg("path"),
      "Every level of an .xsb/Boxoban collection file, in order. ValueError with the CLI's\n"
      "message for a missing file or a malformed level (naming the file, level and line).");

  m.def(
      "generate_sokoban",
      [](int width, int height, int walls, int boxes, uint64_t seed) -> std::optional<sokoban::Level> {
        sokoban::GeneratorParams params;
        params.width = width;
        params.height = height;
        params.walls = walls;
        params.boxes = boxes;
        sokoban::validate(params);
        Rng rng(seed);
        return sokoban::generate_level(params, rng);
      },
      py::arg("width") = 7, py::arg("height") = 7, py::arg("walls") = 2, py::arg("boxes") = 2,
      py::arg("seed") = 0,
      "One random level as the reference generator draws it (border walls, `walls` interior\n"
      "walls, `boxes` boxes away from the border, the worker, as many docks), or None when the\n"
      "draw has too few free cells. Not necessarily solvable.");

  py::class_<SokobanGame>(m, "SokobanGame",
                          "A Sokoban level being played: step the worker, push boxes, render the state.")
      .def(py::init<const sokoban::Level&>(), py::arg("level"))
      .def(
          "step",
          [](SokobanGame& g, const std::string& direction) {
            const auto result = g.board.move(parse_dir(direction));
            if (result != sokoban::MoveResult::kIllegal) g.path.push_back(g.level.pos(g.board.worker()));
            return std::string(result == sokoban::MoveResult::kIllegal  ? "illegal"
                               : result == sokoban::MoveResult::kPushed ? "pushed"
                                                                        : "moved");
          },
          py::arg("direction"),
          "Moves the worker one cell ('up' is y - 1): 'moved', 'pushed' (a box moved one cell),\n"
          "or 'illegal' (a wall, two boxes, the grid's edge: nothing changes).")
      .def_property_readonly("worker",
                             [](const SokobanGame& g) { return to_py(g.level.pos(g.board.worker())); })
      .def_property_readonly("boxes",
                             [](const SokobanGame& g) { return positions(g.level, g.board.boxes()); })
      .def_property_readonly(
          "solved", [](const SokobanGame& g) { return g.board.solved(); }, "Every box is on a dock.")
      .def_property_readonly(
          "path", [](const SokobanGame& g) { return to_py(g.path); },
          "The worker's positions so far, start first (a plan once solved).")
      .def_property_readonly("level", [](const SokobanGame& g) { return g.level; })
      .def(
          "render",
          [](const SokobanGame& g) {
            return join_rows(sokoban_rows(g.level, g.board.worker(), g.board.boxes()));
          },
          "The state as .xsb text.")
      .def(
          "to_array",
          [](const SokobanGame& g) { return sokoban_array(g.level, g.board.worker(), g.board.boxes()); },
          kSokobanArrayDoc);
}

}  // namespace traceplay::python
