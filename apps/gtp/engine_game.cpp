// The game's state: board size, komi, moves given by the controller, undo, handicap.
#include <algorithm>

#include "apps/gtp/engine.h"
#include "apps/gtp/handicap.h"
#include "apps/gtp/vertex.h"

namespace traceplay::gtp {

namespace {

bool board_has_stones(const go::Board& board) {
  const auto& p = board.position();
  return p.stone_count(go::Color::kBlack) + p.stone_count(go::Color::kWhite) > 0;
}

std::string vertex_list(const std::vector<go::Move>& points, int size) {
  std::string text;
  for (go::Move m : points) text += (text.empty() ? "" : " ") + format_vertex(m, size);
  return text;
}

}  // namespace

void Engine::new_game(int size) {
  go::Rules rules = board_.rules();
  board_ = go::Board(size, rules);
  record_ = go::GameRecord{};
  record_.size = size;
  time_.reset();
  player_->new_game();
}

bool Engine::add_setup(const std::vector<go::SetupStone>& stones) {
  if (!board_.setup(stones)) return false;
  // Setup goes into the last node unless that node holds a move (FF[4]: separate nodes).
  if (record_.nodes.back().move) record_.nodes.emplace_back();
  go::RecordNode& node = record_.nodes.back();
  for (const go::SetupStone& s : stones) {
    auto& list = s.color == go::Color::kBlack   ? node.add_black
                 : s.color == go::Color::kWhite ? node.add_white
                                                : node.add_empty;
    list.push_back(s.point);
  }
  return true;
}

bool Engine::play_move(go::Color color, go::Move move) {
  if (board_.play(color, move) != go::MoveLegality::kLegal) return false;
  record_.add_move(color, move);
  return true;
}

Engine::Reply Engine::cmd_boardsize(const Command& c, const Channel&) {
  if (c.args.size() != 1 || c.args[0].find_first_not_of("0123456789") != std::string::npos)
    return fail("syntax error");
  const auto size = parse_int(c.args[0]);
  if (!size || *size < options_.min_board_size || *size > options_.max_board_size)
    return fail("unacceptable size");
  new_game(*size);
  return ok();
}

Engine::Reply Engine::cmd_clear_board(const Command&, const Channel&) {
  new_game(board_.size());
  return ok();
}

Engine::Reply Engine::cmd_komi(const Command& c, const Channel&) {
  if (c.args.size() != 1) return fail("syntax error");
  const auto komi = parse_float(c.args[0]);
  if (!komi) return fail("syntax error");
  if (!go::is_valid_komi(*komi)) return fail("komi must be between -1000 and 1000");
  board_.set_komi(*komi);
  return ok();
}

Engine::Reply Engine::cmd_play(const Command& c, const Channel&) {
  if (c.args.size() != 2) return fail("syntax error");
  const auto color = parse_color(c.args[0]);
  const auto move = parse_vertex(c.args[1], board_.size());
  if (!color || !move) return fail("syntax error");
  if (!play_move(*color, *move)) return fail("illegal move");
  return ok();
}

Engine::Reply Engine::cmd_undo(const Command&, const Channel&) {
  if (!board_.undo()) return fail("cannot undo");
  go::RecordNode& last = record_.nodes.back();
  last.move.reset();
  if (record_.nodes.size() > 1 && !last.has_setup() && last.comment.empty() && last.other.empty())
    record_.nodes.pop_back();
  return ok();
}

// fixed_handicap and place_free_handicap differ only in where the stones go.
Engine::Reply Engine::place_handicap(const Command& c,
                                     std::vector<go::Move> (*points_for)(int size, int stones)) {
  if (c.args.size() != 1) return fail("syntax error");
  const auto stones = parse_int(c.args[0]);
  if (!stones) return fail("syntax error");
  if (board_has_stones(board_)) return fail("board not empty");
  const auto points = points_for(board_.size(), *stones);
  if (points.empty()) return fail("invalid number of stones");
  std::vector<go::SetupStone> setup;
  for (go::Move m : points) setup.push_back({m, go::Color::kBlack});
  if (!add_setup(setup)) return fail("invalid number of stones");
  record_.handicap = *stones;
  board_.set_to_move(go::Color::kWhite);
  return ok(vertex_list(points, board_.size()));
}

Engine::Reply Engine::cmd_fixed_handicap(const Command& c, const Channel&) {
  return place_handicap(c, fixed_handicap_points);
}

Engine::Reply Engine::cmd_place_free_handicap(const Command& c, const Channel&) {
  return place_handicap(c, free_handicap_points);
}

Engine::Reply Engine::cmd_set_free_handicap(const Command& c, const Channel&) {
  std::vector<go::Move> points;
  for (const std::string& word : c.args) {
    const auto m = parse_vertex(word, board_.size());
    if (!m) return fail("syntax error");
    if (m->is_pass() || std::find(points.begin(), points.end(), *m) != points.end())
      return fail("bad vertex list");
    points.push_back(*m);
  }
  if (board_has_stones(board_)) return fail("board not empty");
  const int n = static_cast<int>(points.size());
  if (n < 2 || n > board_.size() * board_.size() - 1) return fail("invalid number of stones");
  std::vector<go::SetupStone> setup;
  for (go::Move m : points) setup.push_back({m, go::Color::kBlack});
  if (!add_setup(setup)) return fail("bad vertex list");
  record_.handicap = n;
  board_.set_to_move(go::Color::kWhite);
  return ok();
}

}  // namespace traceplay::gtp
