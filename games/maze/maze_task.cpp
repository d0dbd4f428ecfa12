#include "games/maze/maze_task.h"

#include "core/input_file.h"
#include "core/error.h"

namespace traceplay::maze {

namespace {
std::string str(Pos p) { return "(" + std::to_string(p.x) + ", " + std::to_string(p.y) + ")"; }
}  // namespace

MazeTask::MazeTask(int width, int height, Pos start, Pos goal, std::vector<Pos> walls)
    : width_(width), height_(height), start_(start), goal_(goal) {
  // Token ids reserve 0..max(W,H)-1 for coordinates and c0..c(W*H-1) for costs; 1000
  // per side is far beyond any trace a model reads and keeps W*H in int range.
  if (width < 1 || height < 1 || width > 1000 || height > 1000)
    throw UserError("maze size must be between 1x1 and 1000x1000, got " + std::to_string(width) + "x" +
                    std::to_string(height));
  if (!in_bounds(start)) throw UserError("maze start " + str(start) + " is outside the grid");
  if (!in_bounds(goal)) throw UserError("maze goal " + str(goal) + " is outside the grid");
  blocked_.assign(static_cast<size_t>(width) * height, 0);
  for (Pos w : walls) {
    if (!in_bounds(w)) throw UserError("maze wall " + str(w) + " is outside the grid");
    uint8_t& cell = blocked_[static_cast<size_t>(index(w))];
    if (cell) throw UserError("maze wall " + str(w) + " is listed twice");
    cell = 1;
  }
  if (is_wall(start)) throw UserError("maze start " + str(start) + " is a wall");
  if (is_wall(goal)) throw UserError("maze goal " + str(goal) + " is a wall");
}

std::vector<Pos> MazeTask::walls() const {
  std::vector<Pos> out;
  for (int i = 0; i < num_cells(); ++i)
    if (blocked_[static_cast<size_t>(i)]) out.push_back(pos(i));
  return out;
}

int MazeTask::num_walls() const {
  int n = 0;
  for (uint8_t b : blocked_) n += b;
  return n;
}

namespace {
int get_int(const nlohmann::json& j, const char* field) {
  if (!j.contains(field)) throw UserError(std::string("maze task: missing field \"") + field + "\"");
  const auto& v = j.at(field);
  if (!v.is_number_integer()) throw UserError(std::string("maze task: \"") + field + "\" must be an integer");
  return v.get<int>();
}
Pos get_pos(const nlohmann::json& v, const std::string& field) {
  if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() || !v[1].is_number_integer())
    throw UserError("maze task: \"" + field + "\" must be [x, y] with integers");
  return {v[0].get<int>(), v[1].get<int>()};
}
}  // namespace

MazeTask MazeTask::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw UserError("maze task: expected a JSON object");
  const int width = get_int(j, "width");
  const int height = get_int(j, "height");
  if (!j.contains("start")) throw UserError("maze task: missing field \"start\"");
  if (!j.contains("goal")) throw UserError("maze task: missing field \"goal\"");
  const Pos start = get_pos(j.at("start"), "start");
  const Pos goal = get_pos(j.at("goal"), "goal");
  std::vector<Pos> walls;
  if (j.contains("walls")) {
    const auto& w = j.at("walls");
    if (!w.is_array()) throw UserError("maze task: \"walls\" must be a list of [x, y]");
    for (size_t i = 0; i < w.size(); ++i) walls.push_back(get_pos(w[i], "walls[" + std::to_string(i) + "]"));
  }
  return MazeTask(width, height, start, goal, std::move(walls));
}

MazeTask MazeTask::load(const std::string& path) {
  const std::string text = read_input_file(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(path + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::out_of_range& e) {  // a number beyond double, such as 1e999
    throw UserError(path + ": not valid JSON (" + e.what() + ")");
  }
  try {
    return from_json(j);
  } catch (const UserError& e) {
    throw UserError(path + ": " + e.what());
  }
}

nlohmann::json MazeTask::to_json() const {
  nlohmann::json walls = nlohmann::json::array();
  for (Pos w : this->walls()) walls.push_back({w.x, w.y});
  return {{"width", width_},
          {"height", height_},
          {"start", {start_.x, start_.y}},
          {"goal", {goal_.x, goal_.y}},
          {"walls", walls}};
}

PlanCheck MazeTask::check_plan(const std::vector<Pos>& plan) const {
  if (plan.empty()) return PlanCheck::fail("empty plan");
  if (plan.front() != start_) return PlanCheck::fail("plan does not begin at the start " + str(start_));
  for (size_t i = 0; i < plan.size(); ++i) {
    const Pos p = plan[i];
    if (!in_bounds(p))
      return PlanCheck::fail("step " + std::to_string(i) + " " + str(p) + " is outside the grid");
    if (is_wall(p)) return PlanCheck::fail("step " + std::to_string(i) + " " + str(p) + " is a wall");
    if (i > 0 && manhattan(plan[i - 1], p) != 1)
      return PlanCheck::fail("step " + std::to_string(i) + " " + str(p) +
                             " is not adjacent to the previous position");
  }
  if (plan.back() != goal_) return PlanCheck::fail("plan does not end at the goal " + str(goal_));
  return PlanCheck::ok(static_cast<int>(plan.size()) - 1);
}

}  // namespace traceplay::maze
