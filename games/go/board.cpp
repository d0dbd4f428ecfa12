#include "games/go/board.h"

#include <stdexcept>

namespace traceplay::go {

Board::Board(int size, Rules rules) : rules_(rules), position_(size) { record_current(); }

void Board::clear() {
  position_ = Position(position_.size());
  to_move_ = Color::kBlack;
  captures_[0] = captures_[1] = captures_[2] = 0;
  passes_ = 0;
  history_.clear();
  moves_.clear();
  seen_.clear();
  record_current();
}

void Board::set_rules(const Rules& rules) {
  rules_ = rules;
  seen_.clear();
  for (const Snapshot& s : history_) ++seen_[key(s.hash, s.to_move)];
  record_current();
}

void Board::set_to_move(Color c) {
  if (c != Color::kBlack && c != Color::kWhite)
    throw std::invalid_argument("set_to_move: colour must be black or white");
  forget_current();
  to_move_ = c;
  record_current();
}

void Board::forget_current() {
  auto it = seen_.find(key(position_.hash(), to_move_));
  if (it != seen_.end() && --it->second == 0) seen_.erase(it);
}

Board::Snapshot Board::snapshot(bool left_by_move) const {
  return Snapshot{position_.stones(),
                  position_.ko_point(),
                  position_.ko_color(),
                  {captures_[0], captures_[1], captures_[2]},
                  to_move_,
                  passes_,
                  position_.hash(),
                  left_by_move};
}

MoveLegality Board::check(Color c, Move m) const {
  if (m.is_pass()) return MoveLegality::kLegal;
  if (!position_.on_board(m.x, m.y)) return MoveLegality::kOffBoard;
  const int p = position_.point(m);
  if (!position_.is_empty(p)) return MoveLegality::kOccupied;
  if (position_.is_ko_blocked(c, p)) return MoveLegality::kKo;
  if (!rules_.allow_suicide && position_.is_suicide(c, p)) return MoveLegality::kSuicide;
  if (rules_.superko != Superko::kNone && seen_.count(key(position_.hash_after(c, p), opponent(c))))
    return MoveLegality::kSuperko;
  return MoveLegality::kLegal;
}

MoveLegality Board::play(Color c, Move m) {
  if (c != Color::kBlack && c != Color::kWhite)
    throw std::invalid_argument("play: colour must be black or white");
  const MoveLegality legality = check(c, m);
  if (legality != MoveLegality::kLegal) return legality;
  history_.push_back(snapshot(true));
  if (m.is_pass()) {
    position_.pass();
    ++passes_;
  } else {
    captures_[static_cast<int>(c)] += position_.play(c, position_.point(m));
    passes_ = 0;
  }
  to_move_ = opponent(c);
  moves_.push_back(ColoredMove{c, m});
  record_current();
  return MoveLegality::kLegal;
}

std::vector<Move> Board::legal_moves(Color c) const {
  std::vector<Move> out;
  const int n = size();
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const int p = position_.point(x, y);
      if (!position_.is_legal(c, p, rules_.allow_suicide)) continue;
      if (rules_.superko != Superko::kNone && seen_.count(key(position_.hash_after(c, p), opponent(c))))
        continue;
      out.push_back(Move::at(x, y));
    }
  return out;
}

bool Board::undo() {
  if (history_.empty() || !history_.back().left_by_move) return false;
  forget_current();
  const Snapshot& s = history_.back();
  position_.set_stones(s.stones);  // a recorded state always has liberties
  position_.set_ko(s.ko_point, s.ko_color);
  for (int i = 0; i < 3; ++i) captures_[i] = s.captures[i];
  to_move_ = s.to_move;
  passes_ = s.passes;
  history_.pop_back();
  moves_.pop_back();
  return true;
}

bool Board::setup(const std::vector<SetupStone>& stones) {
  std::vector<Color> next = position_.stones();
  for (const SetupStone& s : stones) {
    if (s.point.is_pass() || !position_.on_board(s.point.x, s.point.y)) return false;
    next[static_cast<size_t>(s.point.x + size() * s.point.y)] = s.color;
  }
  Position candidate = position_;
  if (!candidate.set_stones(next)) return false;
  history_.push_back(snapshot(false));
  position_ = candidate;
  passes_ = 0;
  record_current();
  return true;
}

void Board::set_ko(Move point, Color forbidden) {
  if (point.is_pass()) position_.set_ko(Position::kNoPoint, Color::kEmpty);
  else position_.set_ko(position_.point(point), forbidden);
}

std::vector<Color> Board::stones_ago(int k) const {
  if (k <= 0 || history_.empty()) return position_.stones();
  const int i = static_cast<int>(history_.size()) - k;
  return history_[static_cast<size_t>(i < 0 ? 0 : i)].stones;
}

}  // namespace traceplay::go
