// A finished self-play game as the learner stores and trains on it (DESIGN.md,
// "Self-play records", pinned): the moves, and for each searched move the root's visit
// distribution (sparse), value, score lead and whether it was a full search (playout-cap
// randomisation: only full searches are policy targets), then the result and the final
// ownership (the value and ownership heads' targets). A plain value: it crosses threads
// now and processes later (the distributed issue sends it as is).
//
// Moves alternate from Black (no handicap in self-play). Points are indexed as the
// networks index them: x + size * y (y = 0 the top row, as go::Move), size * size = pass.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "games/go/types.h"

namespace traceplay::selfplay {

struct SelfPlayMove {
  int move = 0;              // x + size * y, or size * size for a pass
  bool searched = true;      // false: a random opening move (no search, no targets)
  bool full_search = false;  // a full search (policy target); false: a fast one (playout cap)
  int64_t root_visits = 0;
  // Root visits per child, sparse: (move index, visits), visits > 0, sorted by move index.
  std::vector<std::pair<int, int64_t>> policy;
  float root_value = 0;  // the search's value for the side to move, [-1, 1]
  float root_score = 0;  // the search's score lead for the side to move, points
};

enum class GameEnd { kTwoPasses, kResignation, kMoveCap };
const char* to_string(GameEnd end);  // "two_passes", "resignation", "move_cap"

struct SelfPlayGame {
  uint64_t id = 0;        // unique per game: XXH64 of (run seed, actor, game number); "16 hex" on disk
  int model_version = 0;  // the network version that played it (models/vNNNN)
  int size = 9;
  double komi = 7;
  std::vector<SelfPlayMove> moves;
  GameEnd end = GameEnd::kTwoPasses;
  go::Color winner = go::Color::kEmpty;  // kEmpty: a draw
  std::optional<double> score;           // Black's area lead after two passes (komi included)
  bool resign_allowed = true;            // false: a no-resign game (measures false resignations)
  // Final area owner of every point, Black's view: +1 Black, -1 White, 0 neither
  // (size * size entries after two passes or the cap; empty after a resignation).
  std::vector<int8_t> ownership;

  int pass_index() const { return size * size; }
  go::Move move_at(size_t i) const;  // moves[i] as a go::Move
  go::Color color_at(size_t i) const { return i % 2 == 0 ? go::Color::kBlack : go::Color::kWhite; }
};

// The game as one JSON line (no newline), keys in the pinned order.
std::string to_json_line(const SelfPlayGame& game);

// Parses and validates one line: every field present with its type and range, indices
// on the board, policies sorted and positive, ownership of the right size. Throws
// UserError naming `where` and the field.
SelfPlayGame parse_selfplay_game(std::string_view line, const std::string& where);

// Replays the moves on an empty board with the game's komi (area scoring, positional
// superko) and throws UserError naming `where` and the move at the first illegal one,
// or when a recorded policy names an illegal move. Returns the final board's stones
// (Black's view, as ownership) so a caller can check the record's ending.
std::vector<int8_t> replay_selfplay_game(const SelfPlayGame& game, const std::string& where);

}  // namespace traceplay::selfplay
