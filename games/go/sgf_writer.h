// GameRecord -> SGF FF[4] text: one game tree, the root with FF[4]GM[1]SZ and the game
// information, then one node a line. Within a node AB/AW/AE come before B/W, then C,
// then the properties kept raw. Moves are two-letter points, passes are "B[]"; text is
// escaped (']' and '\'). read_sgf_game(write_sgf(r)) == r for every valid record, and every record
// read_sgf_game returns is valid.
#pragma once

#include <string>

#include "games/go/game_record.h"

namespace traceplay::go {

// Throws std::invalid_argument (a programming error, not bad user input) for a record
// that would not read back the same: a size outside 2..25, a point off the board, a
// komi that SGF's Real cannot write exactly in 32 characters (infinite, 1e-40, 1e40), a handicap
// outside 0..625, line breaks or tabs in single-line text (RU, PB, PW, RE, DT) or carriage
// returns in comments, and `other` properties with a malformed identifier, no value,
// a raw value with an unescaped ']' or a trailing lone '\', or an identifier this
// writer writes itself.
std::string write_sgf(const GameRecord& record);

// write_sgf into `path`, atomically (a temporary and a rename).
void save_sgf_game(const std::string& path, const GameRecord& record);

}  // namespace traceplay::go
