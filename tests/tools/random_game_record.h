// Random GameRecords for the SGF round-trip tests (unit tests and sgf_tool, which the
// @sabaki/sgf integration test drives): every field the writer supports, text with the
// characters SGF escapes (']', '\', ':') and multi-byte UTF-8, passes, setup on later
// nodes, and unknown properties with raw values. Header-only: tests include it.
#pragma once

#include <set>
#include <string>

#include "core/rng.h"
#include "games/go/game_record.h"
#include "games/go/sgf_values.h"

namespace traceplay::go::testing {

inline std::string random_text(Rng& rng, bool multi_line, int max_length = 24) {
  static const char* const kPieces[] = {"a",
                                        "b",
                                        "Z",
                                        "7",
                                        " ",
                                        "]",
                                        "\\",
                                        ":",
                                        "[",
                                        ";",
                                        "(",
                                        ")",
                                        "+",
                                        ".",
                                        "\xC3\xA9" /* é */,
                                        "\xE5\x9B\xB2\xE7\xA2\x81" /* 囲碁 */};
  const int length = static_cast<int>(rng.uniform_int(0, max_length));
  std::string text;
  for (int i = 0; i < length; ++i) {
    if (multi_line && rng.below(8) == 0) text += '\n';
    else text += kPieces[rng.below(sizeof kPieces / sizeof *kPieces)];
  }
  return text;
}

inline Move random_point(Rng& rng, int size) {
  return Move::at(static_cast<int>(rng.below(static_cast<uint64_t>(size))),
                  static_cast<int>(rng.below(static_cast<uint64_t>(size))));
}

inline std::vector<Move> random_points(Rng& rng, int size, int max_count) {
  std::vector<Move> points(rng.below(static_cast<uint64_t>(max_count) + 1));
  for (auto& p : points) p = random_point(rng, size);
  return points;
}

// Unknown properties: upper-case identifiers the record does not interpret, one to three
// raw values each (escaped text, so they read back as written).
inline std::vector<SgfProperty> random_other(Rng& rng, bool is_root) {
  static const char* const kIds[] = {"GN", "EV", "PC", "AP",    "CA",    "TM",        "OT", "BR",
                                     "WR", "BL", "WL", "OB",    "OW",    "LB",        "TR", "MA",
                                     "GC", "SO", "US", "KGSDE", "KGSSC", "MULTIGOGM", "XYZ"};
  static const std::set<std::string> kRootOnly = {"KM", "HA", "RU", "PB", "PW", "RE", "DT"};
  std::vector<SgfProperty> out;
  std::set<std::string> used;
  const int count = static_cast<int>(rng.below(4));
  for (int i = 0; i < count; ++i) {
    std::string id = kIds[rng.below(sizeof kIds / sizeof *kIds)];
    // Below the root, game-information identifiers are kept raw too: exercise that.
    if (!is_root && rng.below(6) == 0)
      id = *std::next(kRootOnly.begin(), static_cast<long>(rng.below(kRootOnly.size())));
    if (!used.insert(id).second) continue;
    SgfProperty p;
    p.id = id;
    const int values = 1 + static_cast<int>(rng.below(3));
    for (int v = 0; v < values; ++v) p.values.push_back(encode_sgf_text(random_text(rng, false, 12)));
    out.push_back(std::move(p));
  }
  return out;
}

inline GameRecord random_game_record(Rng& rng) {
  GameRecord r;
  r.size = static_cast<int>(rng.uniform_int(kMinBoardSize, kMaxBoardSize));
  if (rng.below(2) == 0) r.size = rng.below(2) ? 19 : 9;
  if (rng.below(5) != 0) {
    r.komi = static_cast<double>(rng.uniform_int(-40, 40)) / 2.0;
    if (rng.below(4) == 0) r.komi = static_cast<double>(rng.uniform_int(-4000, 4000)) / 64.0;
  }
  if (rng.below(3) == 0) r.handicap = static_cast<int>(rng.uniform_int(2, 9));
  if (rng.below(2)) r.rules = rng.below(2) ? "Chinese" : random_text(rng, false);
  if (rng.below(2)) r.black_player = random_text(rng, false);
  if (rng.below(2)) r.white_player = random_text(rng, false);
  if (rng.below(2)) r.result = rng.below(2) ? "W+7.5" : random_text(rng, false);
  if (rng.below(2)) r.date = "2024-05-0" + std::to_string(rng.uniform_int(1, 9));

  RecordNode& root = r.nodes.front();
  if (r.handicap) root.add_black = random_points(rng, r.size, r.handicap);
  if (rng.below(4) == 0) root.add_white = random_points(rng, r.size, 4);
  if (rng.below(3) == 0) root.comment = random_text(rng, true, 40);
  root.other = random_other(rng, true);

  Color to_move = r.handicap ? Color::kWhite : Color::kBlack;
  const int length = static_cast<int>(rng.below(80));
  for (int i = 0; i < length; ++i) {
    RecordNode node;
    if (rng.below(12) == 0) {  // a setup node between moves
      node.add_black = random_points(rng, r.size, 3);
      node.add_white = random_points(rng, r.size, 3);
      node.add_empty = random_points(rng, r.size, 3);
      if (!node.has_setup()) node.add_empty.push_back(random_point(rng, r.size));
    } else {
      const Move move = rng.below(10) == 0 ? Move::pass() : random_point(rng, r.size);
      const Color color = rng.below(10) == 0 ? opponent(to_move) : to_move;  // the odd repeated colour
      node.move = ColoredMove{color, move};
      to_move = opponent(color);
    }
    if (rng.below(6) == 0) node.comment = random_text(rng, true, 40);
    if (rng.below(4) == 0) node.other = random_other(rng, false);
    r.nodes.push_back(std::move(node));
  }
  return r;
}

}  // namespace traceplay::go::testing
