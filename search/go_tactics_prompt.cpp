#include "search/go_tactics_prompt.h"

#include <string>

#include "core/error.h"
#include "search/go_tactics_trace.h"

namespace traceplay::search {

namespace {

const char* color_token(go::Color c) { return c == go::Color::kBlack ? "black" : "white"; }

// The first stone, row by row, of the chain through p.
int first_stone(const go::Position& pos, int p) {
  int best = p, s = p;
  do {
    if (s < best) best = s;  // padded points grow row by row, as x + size * y does
    s = pos.next_in_chain(s);
  } while (s != p);
  return best;
}

int coordinate(const std::string& token, int size, const std::string& what) {
  if (token.empty() || token.size() > 2 || token.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(token) >= size)
    throw UserError("go-tactics prompt: " + what + " needs coordinates 0.." + std::to_string(size - 1) +
                    ", got \"" + token + "\"");
  return std::stoi(token);
}

}  // namespace

Vocabulary go_tactics_vocabulary(int size) {
  std::vector<std::string> tokens;
  for (int i = 0; i < size; ++i) tokens.push_back(std::to_string(i));
  for (const char* t : {"black", "white", "ko", "to_move", "capture", "save", "plan", "pass"})
    tokens.push_back(t);
  // The MCTS trace (search/go_tactics_trace.h): `sim` and the value buckets v0..v8.
  tokens.push_back("sim");
  for (int k = 0; k < kValueBuckets; ++k) tokens.push_back(value_bucket_token(k));
  return Vocabulary::from_tokens(std::move(tokens));
}

std::vector<std::string> go_tactics_prompt(const go::Position& pos, go::Color to_move, go::Move target) {
  std::vector<std::string> out;
  const int n = pos.size();
  for (const go::Color c : {go::Color::kBlack, go::Color::kWhite})
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        if (pos.at(x, y) == c) out.insert(out.end(), {color_token(c), std::to_string(x), std::to_string(y)});
  if (pos.ko_point() != go::Position::kNoPoint && pos.ko_color() == to_move) {
    const go::Move ko = pos.move_of(pos.ko_point());
    out.insert(out.end(), {"ko", std::to_string(ko.x), std::to_string(ko.y)});
  }
  out.insert(out.end(), {"to_move", color_token(to_move)});
  const go::Move first = pos.move_of(first_stone(pos, pos.point(target)));
  out.insert(out.end(), {pos.at(target.x, target.y) == to_move ? "save" : "capture", std::to_string(first.x),
                         std::to_string(first.y)});
  return out;
}

std::vector<std::string> go_tactics_layout_tokens(const std::vector<std::string>& prompt) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 2 < prompt.size(); ++i)
    if (prompt[i] == "black" || prompt[i] == "white") {
      if (i > 0 && prompt[i - 1] == "to_move") break;
      out.insert(out.end(), {prompt[i], prompt[i + 1], prompt[i + 2]});
      i += 2;
    }
  return out;
}

std::vector<std::string> go_tactics_plan(go::Move move) {
  if (move.is_pass()) return {"plan", "pass"};
  return {"plan", std::to_string(move.x), std::to_string(move.y)};
}

GoTacticsTask parse_go_tactics_prompt(const std::vector<std::string>& t, int size) {
  if (size < kMinTacticsBoardSize || size > kMaxTacticsBoardSize)
    throw UserError("go-tactics board size must be " + std::to_string(kMinTacticsBoardSize) + ".." +
                    std::to_string(kMaxTacticsBoardSize) + ", got " + std::to_string(size));
  std::vector<go::Color> stones(static_cast<size_t>(size * size), go::Color::kEmpty);
  size_t i = 0;
  auto need = [&](size_t count, const std::string& what) {
    if (i + count > t.size()) throw UserError("go-tactics prompt: it ends inside " + what);
  };
  auto point = [&](const std::string& what) {
    need(3, what);
    const int x = coordinate(t[i + 1], size, what);
    const int y = coordinate(t[i + 2], size, what);
    i += 3;
    return go::Move::at(x, y);
  };
  int last_black = -1, last_white = -1;
  while (i < t.size() && (t[i] == "black" || t[i] == "white")) {
    const go::Color c = t[i] == "black" ? go::Color::kBlack : go::Color::kWhite;
    const go::Move m = point("a stone");
    const int index = m.x + size * m.y;
    if (stones[static_cast<size_t>(index)] != go::Color::kEmpty)
      throw UserError("go-tactics prompt: the point " + std::to_string(m.x) + " " + std::to_string(m.y) +
                      " is given twice");
    int& last = c == go::Color::kBlack ? last_black : last_white;
    if (index < last || (c == go::Color::kBlack && last_white >= 0))
      throw UserError("go-tactics prompt: stones must come row by row, Black's first");
    last = index;
    stones[static_cast<size_t>(index)] = c;
  }
  GoTacticsTask task{go::Position(size), go::Color::kBlack, go::Move::pass()};
  if (!task.position.set_stones(stones)) throw UserError("go-tactics prompt: a chain has no liberty");
  go::Move ko = go::Move::pass();
  if (i < t.size() && t[i] == "ko") {
    ko = point("the ko point");
    if (task.position.at(ko.x, ko.y) != go::Color::kEmpty)
      throw UserError("go-tactics prompt: the ko point is not empty");
  }
  need(2, "to_move");
  if (t[i] != "to_move" || (t[i + 1] != "black" && t[i + 1] != "white"))
    throw UserError("go-tactics prompt: expected \"to_move black|white\" after the stones, got \"" + t[i] +
                    "\"");
  task.to_move = t[i + 1] == "black" ? go::Color::kBlack : go::Color::kWhite;
  i += 2;
  if (!ko.is_pass()) task.position.set_ko(task.position.point(ko), task.to_move);
  if (i >= t.size() || (t[i] != "capture" && t[i] != "save"))
    throw UserError("go-tactics prompt: expected the goal \"capture x y\" or \"save x y\" (the target)");
  const bool save = t[i] == "save";
  task.target = point("the target");
  const go::Color target_color = task.position.at(task.target.x, task.target.y);
  if (target_color == go::Color::kEmpty)
    throw UserError("go-tactics prompt: the target point holds no stone");
  if ((target_color == task.to_move) != save)
    throw UserError(std::string("go-tactics prompt: \"") + (save ? "save" : "capture") +
                    "\" names a stone of the " + (save ? "opponent" : "side to move"));
  if (i != t.size()) throw UserError("go-tactics prompt: unexpected \"" + t[i] + "\" after the target");
  return task;
}

}  // namespace traceplay::search
