#include "games/go/tactics_solver.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace traceplay::go {

namespace {

// Keys mixed into the transposition key besides the stones and the side to move.
uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
constexpr uint64_t kPassKey = 0x2545f4914f6cdd1dULL;

class TacticsSearch {
 public:
  TacticsSearch(const Position& root, Color defender, int target, const TacticsGoal& goal, uint64_t max_nodes)
      : defender_(defender),
        attacker_(opponent(defender)),
        target_(target),
        goal_(goal),
        max_nodes_(max_nodes),
        stack_(static_cast<size_t>(goal.horizon) + 2, root) {}

  uint64_t nodes() const { return nodes_; }
  Position& at_depth(int d) { return stack_[static_cast<size_t>(d)]; }

  // The value of stack_[d] with c to move and `plies` left; `after_pass`: the move
  // that led here was a pass.
  TacticsValue search(int d, Color c, bool after_pass, int plies) {
    const Position& pos = stack_[static_cast<size_t>(d)];
    if (pos.at(target_) != defender_) return TacticsValue::kAttackerWins;
    const int libs = pos.liberties(target_);
    if (libs >= goal_.safe_liberties || plies <= 0) return TacticsValue::kDefenderWins;
    const int attacker_moves = c == attacker_ ? (plies + 1) / 2 : plies / 2;
    if (attacker_moves < libs) return TacticsValue::kDefenderWins;
    if (++nodes_ > max_nodes_) return TacticsValue::kUnknown;

    const uint64_t key =
        pos.hash() ^ zobrist_to_move(c) ^ (after_pass ? kPassKey : 0) ^
        (pos.ko_point() == Position::kNoPoint
             ? 0
             : mix64(static_cast<uint64_t>(pos.ko_point()) * 4 + static_cast<uint64_t>(pos.ko_color())));
    if (const auto it = table_.find(key); it != table_.end()) {
      if (plies >= it->second.attacker_wins_from) return TacticsValue::kAttackerWins;
      if (plies <= it->second.defender_wins_up_to) return TacticsValue::kDefenderWins;
    }

    // The side to move wins with one winning child; all children must fail otherwise.
    const TacticsValue win = c == attacker_ ? TacticsValue::kAttackerWins : TacticsValue::kDefenderWins;
    const TacticsValue loss = c == attacker_ ? TacticsValue::kDefenderWins : TacticsValue::kAttackerWins;
    TacticsValue result = loss;
    for (const int p : ordered_moves(pos, c)) {
      TacticsValue v;
      if (p == Position::kNoPoint) {
        // Two passes in a row end the line: the target lives.
        if (after_pass) v = TacticsValue::kDefenderWins;
        else {
          Position& child = stack_[static_cast<size_t>(d) + 1];
          child = pos;
          child.pass();
          v = search(d + 1, opponent(c), true, plies - 1);
        }
      } else {
        Position& child = stack_[static_cast<size_t>(d) + 1];
        child = stack_[static_cast<size_t>(d)];
        child.play(c, p);
        v = search(d + 1, opponent(c), false, plies - 1);
      }
      if (v == win) {
        result = win;
        break;
      }
      if (v == TacticsValue::kUnknown) result = TacticsValue::kUnknown;
    }
    if (result == TacticsValue::kUnknown) return result;
    Entry& e = table_[key];
    if (result == TacticsValue::kAttackerWins) e.attacker_wins_from = std::min(e.attacker_wins_from, plies);
    else e.defender_wins_up_to = std::max(e.defender_wins_up_to, plies);
    return result;
  }

 private:
  struct Entry {
    int attacker_wins_from = 1 << 30;  // proven attacker win with at least this many plies left
    int defender_wins_up_to = -1;      // proven defender win with at most this many plies left
  };

  // Every legal move of c, then pass: the target's liberties first, then moves that
  // capture, then the rest, each group row by row.
  std::vector<int> ordered_moves(const Position& pos, Color c) const {
    std::vector<int> first, captures, rest;
    const int n = pos.size();
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        const int p = pos.point(x, y);
        if (!pos.is_legal(c, p)) continue;
        if (touches_target(pos, p)) first.push_back(p);
        else if (pos.captures_if_played(c, p) > 0) captures.push_back(p);
        else rest.push_back(p);
      }
    first.insert(first.end(), captures.begin(), captures.end());
    first.insert(first.end(), rest.begin(), rest.end());
    first.push_back(Position::kNoPoint);
    return first;
  }

  bool touches_target(const Position& pos, int p) const {
    const int chain = pos.chain_of(target_);
    const int s = pos.stride();
    for (int q : {p - s, p - 1, p + 1, p + s})
      if (pos.at(q) == defender_ && pos.chain_of(q) == chain) return true;
    return false;
  }

  Color defender_, attacker_;
  int target_;
  TacticsGoal goal_;
  uint64_t max_nodes_;
  uint64_t nodes_ = 0;
  std::vector<Position> stack_;  // stack_[d]: the position d plies below the root
  std::unordered_map<uint64_t, Entry> table_;
};

void check_goal(const TacticsGoal& goal) {
  if (goal.safe_liberties < 2) throw std::invalid_argument("tactics: safe liberties must be at least 2");
  if (goal.horizon < 1) throw std::invalid_argument("tactics: the horizon must be at least 1 ply");
}

}  // namespace

TacticsKind tactics_kind(const Position& position, Color to_move, Move target, const TacticsGoal& goal) {
  check_goal(goal);
  if (to_move != Color::kBlack && to_move != Color::kWhite)
    throw std::invalid_argument("tactics: the side to move must be black or white");
  if (target.is_pass() || !position.on_board(target.x, target.y) ||
      position.at(target.x, target.y) == Color::kEmpty)
    throw std::invalid_argument("tactics: the target must be a stone on the board");
  if (position.liberties(position.point(target)) >= goal.safe_liberties)
    throw std::invalid_argument("tactics: the target already has the safe number of liberties");
  return position.at(target.x, target.y) == to_move ? TacticsKind::kSave : TacticsKind::kCapture;
}

TacticsResult solve_tactics(const Position& position, Color to_move, Move target, const TacticsGoal& goal,
                            uint64_t max_nodes) {
  tactics_kind(position, to_move, target, goal);
  const Color defender = position.at(target.x, target.y);
  TacticsSearch search(position, defender, position.point(target), goal, max_nodes);
  const TacticsValue win = to_move == defender ? TacticsValue::kDefenderWins : TacticsValue::kAttackerWins;
  TacticsResult result;
  result.proven = true;
  const int n = position.size();
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (position.is_legal(to_move, position.point(x, y))) result.moves.push_back(Move::at(x, y));
  result.moves.push_back(Move::pass());
  for (const Move m : result.moves) {
    Position& child = search.at_depth(1);
    child = position;
    if (m.is_pass()) child.pass();
    else child.play(to_move, position.point(m));
    const TacticsValue v = search.search(1, opponent(to_move), m.is_pass(), goal.horizon - 1);
    result.values.push_back(v);
    if (v == TacticsValue::kUnknown) result.proven = false;
    else if (v == win) result.winning.push_back(m);
  }
  result.nodes = search.nodes();
  if (!result.proven) result.winning.clear();
  return result;
}

TacticsValue evaluate_tactics(const Position& position, Color to_move, Move target, const TacticsGoal& goal,
                              uint64_t max_nodes, uint64_t* nodes) {
  tactics_kind(position, to_move, target, goal);
  TacticsSearch search(position, position.at(target.x, target.y), position.point(target), goal, max_nodes);
  const TacticsValue v = search.search(0, to_move, false, goal.horizon);
  if (nodes) *nodes = search.nodes();
  return v;
}

}  // namespace traceplay::go
