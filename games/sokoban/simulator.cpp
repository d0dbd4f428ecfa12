#include "games/sokoban/simulator.h"

#include <stdexcept>

namespace traceplay::sokoban {

namespace {
std::string str(Pos p) { return "(" + std::to_string(p.x) + ", " + std::to_string(p.y) + ")"; }

// The direction of a unit step from a to b; false when they are not neighbours.
bool direction(Pos a, Pos b, Dir& d) {
  if (manhattan(a, b) != 1) return false;
  d = b.y < a.y ? Dir::kUp : b.y > a.y ? Dir::kDown : b.x < a.x ? Dir::kLeft : Dir::kRight;
  return true;
}
}  // namespace

char lurd_letter(Dir d, bool push) {
  static constexpr char kMove[] = {'u', 'd', 'l', 'r'};
  const char c = kMove[static_cast<int>(d)];
  return push ? static_cast<char>(c - 'a' + 'A') : c;
}

Board::Board(const Level& level)
    : level_(level), worker_(level.worker()), box_(static_cast<size_t>(level.num_cells()), 0) {
  for (int c : level.boxes()) {
    box_[static_cast<size_t>(c)] = 1;
    loose_ += !level.is_dock(c);
  }
}

MoveResult Board::move(Dir d) {
  const Pos next = step(level_.pos(worker_), d);
  if (!level_.in_bounds(next) || level_.is_wall(next)) return MoveResult::kIllegal;
  const int next_cell = level_.index(next);
  if (!has_box(next_cell)) {
    worker_ = next_cell;
    return MoveResult::kMoved;
  }
  const Pos beyond = step(next, d);
  if (!level_.in_bounds(beyond) || level_.is_wall(beyond)) return MoveResult::kIllegal;
  const int beyond_cell = level_.index(beyond);
  if (has_box(beyond_cell)) return MoveResult::kIllegal;
  box_[static_cast<size_t>(next_cell)] = 0;
  box_[static_cast<size_t>(beyond_cell)] = 1;
  loose_ += level_.is_dock(next_cell) - level_.is_dock(beyond_cell);
  worker_ = next_cell;
  return MoveResult::kPushed;
}

std::vector<int> Board::boxes() const {
  std::vector<int> out;
  for (int c = 0; c < level_.num_cells(); ++c)
    if (has_box(c)) out.push_back(c);
  return out;
}

PlanCheck check_plan(const Level& level, const std::vector<Pos>& plan) {
  if (plan.empty()) return PlanCheck::fail("empty plan");
  if (plan.front() != level.pos(level.worker()))
    return PlanCheck::fail("plan does not begin at the worker " + str(level.pos(level.worker())));
  Board board(level);
  for (size_t i = 1; i < plan.size(); ++i) {
    Dir d;
    if (!direction(plan[i - 1], plan[i], d))
      return PlanCheck::fail("step " + std::to_string(i) + " " + str(plan[i]) + " is not adjacent to " +
                             str(plan[i - 1]));
    if (board.move(d) == MoveResult::kIllegal)
      return PlanCheck::fail("step " + std::to_string(i) + " to " + str(plan[i]) + " is illegal");
  }
  if (!board.solved()) return PlanCheck::fail("not every box is on a dock at the end");
  return PlanCheck::ok(static_cast<int>(plan.size()) - 1);
}

std::string plan_to_lurd(const Level& level, const std::vector<Pos>& plan) {
  std::string out;
  if (plan.empty()) return out;
  Board board(level);
  for (size_t i = 1; i < plan.size(); ++i) {
    Dir d;
    if (!direction(plan[i - 1], plan[i], d))
      throw std::invalid_argument("plan step " + std::to_string(i) + " is not a unit step");
    const MoveResult r = board.move(d);
    if (r == MoveResult::kIllegal)
      throw std::invalid_argument("plan step " + std::to_string(i) + " is illegal");
    out += lurd_letter(d, r == MoveResult::kPushed);
  }
  return out;
}

std::vector<Pos> lurd_to_plan(const Level& level, std::string_view lurd) {
  Board board(level);
  std::vector<Pos> plan{level.pos(level.worker())};
  for (size_t i = 0; i < lurd.size(); ++i) {
    Dir d;
    switch (lurd[i]) {
      case 'u':
      case 'U':
        d = Dir::kUp;
        break;
      case 'd':
      case 'D':
        d = Dir::kDown;
        break;
      case 'l':
      case 'L':
        d = Dir::kLeft;
        break;
      case 'r':
      case 'R':
        d = Dir::kRight;
        break;
      default:
        throw std::invalid_argument("LURD position " + std::to_string(i) + ": unknown letter");
    }
    if (board.move(d) == MoveResult::kIllegal)
      throw std::invalid_argument("LURD position " + std::to_string(i) + ": illegal move");
    plan.push_back(level.pos(board.worker()));
  }
  return plan;
}

}  // namespace traceplay::sokoban
