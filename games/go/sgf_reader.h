// SGF -> GameRecord: the main line of one game (first child at every branch), its game
// information, setup, moves and comments interpreted; every other property kept raw.
// Errors are SgfErrors naming the byte offset of the offending value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "games/go/game_record.h"
#include "games/go/sgf_parser.h"
#include "games/go/sgf_tree.h"

namespace traceplay::go {

// Interprets the root's SZ (N or N:N, 2..25; 19 when absent), FF (1..4), GM (1 = Go),
// KM, HA, RU, PB, PW, RE, DT, and on every main-line node AB/AW/AE (points or
// compressed rectangles), B/W (a point, "" or on boards <= 19 "tt" for a pass) and C.
// Refused: a value that is not of its type, a point off the board, two moves in one
// node, SZ/FF/GM below the root. Game-information properties below the root are kept raw
// in that node's `other`. An empty KM or HA reads as absent.
GameRecord record_from_sgf_tree(const SgfTree& tree, const std::string& name);

// Game `game` (0-based) of the collection in `text`; an error when there is no such game.
GameRecord read_sgf_game(std::string_view text, const std::string& name, size_t game = 0,
                         const SgfLimits& limits = {});

// The same from a file: a regular file of at most limits.max_bytes, refused before it is
// read otherwise (core/input_file.h: no FIFO, device or directory is waited on or read).
GameRecord load_sgf_game(const std::string& path, size_t game = 0, const SgfLimits& limits = {});

}  // namespace traceplay::go
