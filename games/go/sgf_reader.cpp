#include "games/go/sgf_reader.h"

#include "core/escape.h"
#include "core/input_file.h"
#include "games/go/rules.h"
#include "games/go/sgf_values.h"

namespace traceplay::go {

namespace {

// A value as an error message shows it: short, one line.
std::string shown(std::string_view raw) { return escaped_excerpt(raw, 24); }

// Numbers may be padded with spaces in hand-edited files ("SZ[ 19 ]"); FF[4]'s types
// do not allow it, but nothing is ambiguous about it.
std::string_view trimmed(std::string_view raw) {
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  return raw;
}

class TreeReader {
 public:
  TreeReader(const SgfTree& tree, const std::string& name) : tree_(tree), name_(name) {}

  GameRecord run() {
    if (tree_.nodes.empty()) throw SgfError(name_, 0, "a game without nodes");
    GameRecord record;
    record.nodes.clear();
    const SgfNode& root = tree_.root();
    read_size(root, record);
    for (const int index : tree_.main_line()) {
      const SgfNode& node = tree_.nodes[static_cast<size_t>(index)];
      record.nodes.push_back(read_node(node, index == 0, record));
    }
    return record;
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& reason) const {
    throw SgfError(name_, offset, reason);
  }

  // Where value i of p starts (trees built in code may carry no offsets).
  static size_t value_offset(const SgfProperty& p, size_t i) {
    return i < p.value_offsets.size() ? p.value_offsets[i] : p.offset;
  }

  // The one value of a property that takes exactly one.
  const std::string& single(const SgfProperty& p) const {
    if (p.values.size() != 1)
      fail(value_offset(p, p.values.empty() ? 0 : 1),
           p.id + " has " + std::to_string(p.values.size()) + " values; it takes one");
    return p.values[0];
  }

  void read_size(const SgfNode& root, GameRecord& record) const {
    const SgfProperty* sz = root.find("SZ");
    if (!sz) return;
    const std::string& raw = single(*sz);
    const std::string_view size = trimmed(raw);
    const size_t colon = size.find(':');
    const auto columns = decode_sgf_number(trimmed(size.substr(0, colon)));
    auto rows = columns;
    if (colon != std::string::npos) rows = decode_sgf_number(trimmed(size.substr(colon + 1)));
    if (!columns || !rows)
      fail(value_offset(*sz, 0), "bad board size SZ[" + shown(raw) + "] (a number such as 19)");
    if (*columns != *rows)
      fail(value_offset(*sz, 0), "board SZ[" + shown(raw) + "] is not square; only square boards are played");
    if (*columns < kMinBoardSize || *columns > kMaxBoardSize)
      fail(value_offset(*sz, 0), "board size " + shown(raw) + " is outside " + std::to_string(kMinBoardSize) +
                                     ".." + std::to_string(kMaxBoardSize));
    record.size = static_cast<int>(*columns);
  }

  RecordNode read_node(const SgfNode& node, bool is_root, GameRecord& record) const {
    RecordNode out;
    for (const SgfProperty& p : node.properties) {
      const std::string& id = p.id;
      if (id == "B" || id == "W") {
        if (out.move)
          fail(p.offset, "a node with two moves (" + id + " after " +
                             (out.move->color == Color::kBlack ? "B" : "W") + ")");
        const std::string& raw = single(p);
        const auto move = decode_sgf_move(raw, record.size);
        if (!move) fail(value_offset(p, 0), "bad move " + id + "[" + shown(raw) + "] on a " + board(record));
        out.move = ColoredMove{id == "B" ? Color::kBlack : Color::kWhite, *move};
      } else if (id == "AB" || id == "AW" || id == "AE") {
        auto& points = id == "AB" ? out.add_black : id == "AW" ? out.add_white : out.add_empty;
        for (size_t i = 0; i < p.values.size(); ++i) {
          const auto list = decode_sgf_point_list(p.values[i], record.size);
          if (!list)
            fail(value_offset(p, i),
                 "bad point " + id + "[" + shown(p.values[i]) + "] on a " + board(record));
          points.insert(points.end(), list->begin(), list->end());
        }
      } else if (id == "C") {
        out.comment = decode_sgf_text(single(p));
      } else if (id == "SZ" || id == "FF" || id == "GM") {
        if (!is_root) fail(p.offset, id + " below the root node (it belongs to the root)");
        if (id == "FF") check_format(p);
        if (id == "GM") check_game(p);
      } else if (is_root && read_game_info(p, record)) {
      } else {
        out.other.push_back(p);
      }
    }
    return out;
  }

  // KM, HA, RU, PB, PW, RE, DT on the root; false for any other property.
  bool read_game_info(const SgfProperty& p, GameRecord& record) const {
    const std::string& id = p.id;
    if (id == "KM") {
      const std::string& raw = single(p);
      if (trimmed(raw).empty()) return true;
      const auto komi = decode_sgf_real(trimmed(raw));
      if (!komi) fail(value_offset(p, 0), "bad komi KM[" + shown(raw) + "] (a number such as 6.5)");
      if (!is_valid_komi(*komi))
        fail(value_offset(p, 0), "komi KM[" + shown(raw) + "] is outside -1000..1000");
      record.komi = *komi;
    } else if (id == "HA") {
      const std::string& raw = single(p);
      if (trimmed(raw).empty()) return true;
      // HA only informs (the stones are AB's); any count a board could hold.
      const auto handicap = decode_sgf_number(trimmed(raw));
      if (!handicap || *handicap < 0 || *handicap > kMaxBoardSize * kMaxBoardSize)
        fail(value_offset(p, 0), "bad handicap HA[" + shown(raw) + "] (a number of stones, 0.." +
                                     std::to_string(kMaxBoardSize * kMaxBoardSize) + ")");
      record.handicap = static_cast<int>(*handicap);
    } else if (id == "RU" || id == "PB" || id == "PW" || id == "RE" || id == "DT") {
      std::string text = decode_sgf_text(single(p), /*simple=*/true);
      (id == "RU"   ? record.rules
       : id == "PB" ? record.black_player
       : id == "PW" ? record.white_player
       : id == "RE" ? record.result
                    : record.date) = std::move(text);
    } else {
      return false;
    }
    return true;
  }

  void check_format(const SgfProperty& p) const {
    const auto ff = decode_sgf_number(trimmed(single(p)));
    if (!ff || *ff < 1 || *ff > 4)
      fail(value_offset(p, 0), "unknown file format FF[" + shown(p.values[0]) + "] (1..4)");
  }

  void check_game(const SgfProperty& p) const {
    if (trimmed(single(p)) != "1")
      fail(value_offset(p, 0), "not a game of Go: GM[" + shown(p.values[0]) + "] (Go is GM[1])");
  }

  static std::string board(const GameRecord& record) {
    return std::to_string(record.size) + "x" + std::to_string(record.size) + " board";
  }

  const SgfTree& tree_;
  const std::string& name_;
};

}  // namespace

GameRecord record_from_sgf_tree(const SgfTree& tree, const std::string& name) {
  return TreeReader(tree, name).run();
}

GameRecord read_sgf_game(std::string_view text, const std::string& name, size_t game,
                         const SgfLimits& limits) {
  const auto trees = parse_sgf(text, name, limits);
  if (game >= trees.size())
    throw UserError(name + ": no game " + std::to_string(game + 1) + " (the file holds " +
                    std::to_string(trees.size()) + ")");
  return record_from_sgf_tree(trees[game], name);
}

GameRecord load_sgf_game(const std::string& path, size_t game, const SgfLimits& limits) {
  return read_sgf_game(read_input_file(path, limits.max_bytes), path, game, limits);
}

}  // namespace traceplay::go
