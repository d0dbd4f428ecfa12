// GTP values: colours ("b", "black", "w", "white"), vertices ("D4": a column letter A..Z
// without I, then the row counted from the bottom; "pass"), all case-insensitive, and the
// numbers GTP commands take.
#pragma once

#include <optional>
#include <string>

#include "games/go/types.h"

namespace traceplay::gtp {

std::optional<go::Color> parse_color(const std::string& word);
// A point on a size x size board or a pass; nullopt when malformed or off the board.
std::optional<go::Move> parse_vertex(const std::string& word, int size);
std::string format_vertex(go::Move move, int size);  // "D4", "pass"
std::string format_color(go::Color color);           // "black", "white"

// A non-negative integer in digits (GTP's int), at most 1e9.
std::optional<int> parse_int(const std::string& word);
// A finite decimal number (GTP's float).
std::optional<double> parse_float(const std::string& word);

}  // namespace traceplay::gtp
