// Level collections in the .xsb text format (Microban, Boxoban, ...): several levels a
// file, each a block of rows, separated by anything that is not a level row
// (blank lines, `;` comments and headers, titles, `Solution:` lines).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "games/sokoban/level.h"

namespace traceplay::sokoban {

// The cells of all levels of one file together (DESIGN.md, "Limits on untrusted
// input"): a level's cells cost memory, and a 255x255 level can be written in under a
// kilobyte of rows, so the input file's size cap alone would allow gigabytes. Real
// collections hold about one cell per byte of file (Boxoban: 1,000 10x10 levels in
// 120 KB), far below this.
constexpr uint64_t kMaxCollectionCells = uint64_t{32} << 20;

struct CollectionLevel {
  Level level;
  int line = 0;  // 1-based line of the level's first row in the file
};

// Every level of the text, in order. `name` (the file) goes into error messages.
// Throws UserError naming the file, the level (1-based, counted from the top of the
// file) and the line for a malformed level, and when there is no level at all.
std::vector<CollectionLevel> parse_collection(std::string_view text, const std::string& name);
std::vector<CollectionLevel> load_collection(const std::string& path);

// Whether a line is a row of a level: its first character that is not floor
// (' ', '-', '_') is a wall. Rows with other characters later on are level rows with
// an unknown character (an error), not titles.
bool is_level_row(std::string_view line);

}  // namespace traceplay::sokoban
