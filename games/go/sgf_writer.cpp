#include "games/go/sgf_writer.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "core/atomic_file.h"
#include "games/go/sgf_values.h"

namespace traceplay::go {

namespace {

[[noreturn]] void invalid(const std::string& what) { throw std::invalid_argument("write_sgf: " + what); }

const std::set<std::string> kNodeIds = {"B", "W", "AB", "AW", "AE", "C", "SZ", "FF", "GM"};
const std::set<std::string> kRootIds = {"KM", "HA", "RU", "PB", "PW", "RE", "DT"};

void check_point(Move m, int size, const char* what) {
  if (m.is_pass() || m.x >= size || m.y >= size || m.y < 0)
    invalid(std::string(what) + " point (" + std::to_string(m.x) + ", " + std::to_string(m.y) +
            ") is off the " + std::to_string(size) + "x" + std::to_string(size) + " board");
}

void check_text(const std::string& text, bool simple, const char* what) {
  for (char c : text)
    if (c == '\r' || c == '\t' || c == '\v' || c == '\f' || (simple && c == '\n'))
      invalid(std::string(what) +
              " holds a character SGF text cannot keep (line breaks are \"\\n\", no tabs)");
}

// A raw value is written between '[' and ']' as it is: it must not end the value early.
void check_raw(const SgfProperty& p) {
  bool upper = !p.id.empty();
  for (char c : p.id) upper = upper && c >= 'A' && c <= 'Z';
  if (!upper) invalid("property identifier \"" + p.id + "\" is not upper-case letters");
  if (p.values.empty()) invalid("property " + p.id + " has no value");
  for (const auto& value : p.values)
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i] == ']') invalid("a value of " + p.id + " holds an unescaped ']'");
      if (value[i] == '\\' && ++i == value.size()) invalid("a value of " + p.id + " ends in a lone '\\'");
    }
}

void check_node(const RecordNode& node, bool is_root, int size) {
  for (Move m : node.add_black) check_point(m, size, "AB");
  for (Move m : node.add_white) check_point(m, size, "AW");
  for (Move m : node.add_empty) check_point(m, size, "AE");
  if (node.move) {
    const Color c = node.move->color;
    if (c != Color::kBlack && c != Color::kWhite) invalid("a move of no colour");
    if (!node.move->move.is_pass()) check_point(node.move->move, size, "move");
  }
  check_text(node.comment, false, "comment");
  std::set<std::string> seen;
  for (const auto& p : node.other) {
    check_raw(p);
    if (kNodeIds.count(p.id) || (is_root && kRootIds.count(p.id)))
      invalid("property " + p.id + " in `other` is one the record holds itself");
    if (!seen.insert(p.id).second) invalid("property " + p.id + " twice in one node");
  }
}

void check_record(const GameRecord& r) {
  if (r.size < kMinBoardSize || r.size > kMaxBoardSize) invalid("board size " + std::to_string(r.size));
  if (r.komi) {
    const double k = *r.komi;
    const auto back = std::isfinite(k) ? decode_sgf_real(encode_sgf_real(k)) : std::nullopt;
    if (!back || *back != k) invalid("komi is not a number SGF's Real writes exactly in 32 characters");
  }
  if (r.handicap < 0 || r.handicap > kMaxBoardSize * kMaxBoardSize) invalid("handicap outside 0..625");
  check_text(r.rules, true, "RU");
  check_text(r.black_player, true, "PB");
  check_text(r.white_player, true, "PW");
  check_text(r.result, true, "RE");
  check_text(r.date, true, "DT");
  for (size_t i = 0; i < r.nodes.size(); ++i) check_node(r.nodes[i], i == 0, r.size);
}

void put(std::string& out, const char* id, const std::string& escaped) {
  out += id;
  out += '[';
  out += escaped;
  out += ']';
}

void put_text(std::string& out, const char* id, const std::string& text) {
  if (!text.empty()) put(out, id, encode_sgf_text(text));
}

void put_points(std::string& out, const char* id, const std::vector<Move>& points) {
  if (points.empty()) return;
  out += id;
  for (Move m : points) out += "[" + encode_sgf_move(m) + "]";
}

void put_node(std::string& out, const RecordNode& node) {
  put_points(out, "AB", node.add_black);
  put_points(out, "AW", node.add_white);
  put_points(out, "AE", node.add_empty);
  if (node.move) put(out, node.move->color == Color::kBlack ? "B" : "W", encode_sgf_move(node.move->move));
  put_text(out, "C", node.comment);
  for (const auto& p : node.other) {
    out += p.id;
    for (const auto& value : p.values) out += "[" + value + "]";
  }
}

}  // namespace

std::string write_sgf(const GameRecord& record) {
  check_record(record);
  std::string out = "(;FF[4]GM[1]";
  put(out, "SZ", std::to_string(record.size));
  if (record.komi) put(out, "KM", encode_sgf_real(*record.komi));
  if (record.handicap != 0) put(out, "HA", std::to_string(record.handicap));
  put_text(out, "RU", record.rules);
  put_text(out, "PB", record.black_player);
  put_text(out, "PW", record.white_player);
  put_text(out, "DT", record.date);
  put_text(out, "RE", record.result);
  for (size_t i = 0; i < record.nodes.size(); ++i) {
    if (i > 0) out += "\n;";
    put_node(out, record.nodes[i]);
  }
  out += ")\n";
  return out;
}

void save_sgf_game(const std::string& path, const GameRecord& record) {
  write_file_atomic(path, write_sgf(record));
}

}  // namespace traceplay::go
