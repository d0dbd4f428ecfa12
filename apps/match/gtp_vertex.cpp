#include "apps/match/gtp_vertex.h"

#include <sstream>

#include "apps/gtp/vertex.h"

namespace traceplay::match {

// Single points are the GTP engine's own parser and printer (apps/gtp/vertex.h), so the
// two sides of the protocol cannot drift apart.

std::string gtp_color(go::Color c) { return c == go::Color::kWhite ? "W" : "B"; }

std::string gtp_vertex(go::Move m, int size) { return gtp::format_vertex(m, size); }

std::optional<go::Move> parse_gtp_vertex(std::string_view text, int size) {
  return gtp::parse_vertex(std::string(text), size);
}

std::optional<std::vector<go::Move>> parse_gtp_vertex_list(std::string_view text, int size) {
  std::vector<go::Move> out;
  std::istringstream in{std::string(text)};
  std::string word;
  while (in >> word) {
    const auto m = parse_gtp_vertex(word, size);
    if (!m || m->is_pass()) return std::nullopt;
    out.push_back(*m);
  }
  return out;
}

}  // namespace traceplay::match
