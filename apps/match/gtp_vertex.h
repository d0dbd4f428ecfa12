// GTP's names for colours and points (GTP v2 section 2.11/2.12), as the match runner
// sends and reads them: "B"/"W", "D4" (column letters A..Z without I, row 1 at the
// bottom), "pass". Case-insensitive on input; "B"/"W", "D4" and "pass" on output.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "games/go/types.h"

namespace traceplay::match {

std::string gtp_color(go::Color c);  // "B" or "W"

// "D4" / "pass" on a board of `size` (x from the left, y from the top, as go::Move).
std::string gtp_vertex(go::Move m, int size);

// A vertex or "pass"; nullopt for anything else, including points off the board.
std::optional<go::Move> parse_gtp_vertex(std::string_view text, int size);

// Whitespace-separated vertices (final_status_list's answer, one or more a line);
// nullopt when any of them is not an on-board point.
std::optional<std::vector<go::Move>> parse_gtp_vertex_list(std::string_view text, int size);

}  // namespace traceplay::match
