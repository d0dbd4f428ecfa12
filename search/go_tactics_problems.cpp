#include "search/go_tactics_problems.h"

#include "core/error.h"
#include "core/input_file.h"
#include "games/go/sgf_parser.h"
#include "games/go/sgf_reader.h"
#include "games/go/sgf_values.h"

namespace traceplay::search {

namespace {

const go::SgfProperty* find_property(const go::RecordNode& node, const char* id) {
  for (const auto& p : node.other)
    if (p.id == id) return &p;
  return nullptr;
}

GoTacticsTask problem_of(const go::GameRecord& game, int safe_liberties, const std::string& where) {
  if (game.size < kMinTacticsBoardSize || game.size > kMaxTacticsBoardSize)
    throw UserError(where + ": board size " + std::to_string(game.size) +
                    " is outside the go-tactics range " + std::to_string(kMinTacticsBoardSize) + ".." +
                    std::to_string(kMaxTacticsBoardSize));
  const go::RecordNode& root = game.nodes.front();
  std::vector<go::Color> stones(static_cast<size_t>(game.size * game.size), go::Color::kEmpty);
  for (const go::Move m : root.add_black)
    stones[static_cast<size_t>(m.x + game.size * m.y)] = go::Color::kBlack;
  for (const go::Move m : root.add_white)
    stones[static_cast<size_t>(m.x + game.size * m.y)] = go::Color::kWhite;
  GoTacticsTask task{go::Position(game.size), go::Color::kBlack, go::Move::pass()};
  if (!task.position.set_stones(stones)) throw UserError(where + ": a chain of the setup has no liberty");
  if (const go::SgfProperty* pl = find_property(root, "PL")) {
    if (pl->values.size() != 1 || (pl->values[0] != "B" && pl->values[0] != "W"))
      throw UserError(where + ": PL must be B or W");
    task.to_move = pl->values[0] == "B" ? go::Color::kBlack : go::Color::kWhite;
  }
  const go::SgfProperty* tr = find_property(root, "TR");
  if (!tr) throw UserError(where + ": no target (mark the target chain with TR[point] in the root)");
  if (tr->values.size() != 1) throw UserError(where + ": TR must mark exactly one point, the target");
  const std::optional<go::Move> target = go::decode_sgf_point(tr->values[0], game.size);
  if (!target) throw UserError(where + ": TR[" + tr->values[0] + "] is not a point on the board");
  if (task.position.at(target->x, target->y) == go::Color::kEmpty)
    throw UserError(where + ": the target TR[" + tr->values[0] + "] is an empty point");
  if (task.position.liberties(task.position.point(*target)) >= safe_liberties)
    throw UserError(where + ": the target already has " + std::to_string(safe_liberties) +
                    " or more liberties (safe by the goal)");
  task.target = *target;
  return task;
}

}  // namespace

std::vector<GoTacticsTask> load_go_tactics_problems(const std::string& path, int safe_liberties) {
  const std::string text = read_input_file(path);
  const std::vector<go::SgfTree> trees = go::parse_sgf(text, path);
  if (trees.empty()) throw UserError(path + ": no problems (no SGF game in the file)");
  std::vector<GoTacticsTask> out;
  for (size_t k = 0; k < trees.size(); ++k) {
    const std::string where = path + ": problem " + std::to_string(k + 1);
    const go::GameRecord game = go::record_from_sgf_tree(trees[k], path);
    if (!out.empty() && game.size != out.front().position.size())
      throw UserError(where + ": board size " + std::to_string(game.size) + ", the first problem's is " +
                      std::to_string(out.front().position.size()) + " (one size a file)");
    out.push_back(problem_of(game, safe_liberties, where));
  }
  return out;
}

}  // namespace traceplay::search
