#include "apps/match/gtp_vertex.h"

#include <cctype>
#include <sstream>

namespace traceplay::match {
namespace {

constexpr std::string_view kColumns = "ABCDEFGHJKLMNOPQRSTUVWXYZ";  // no I

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string gtp_color(go::Color c) { return c == go::Color::kWhite ? "W" : "B"; }

std::string gtp_vertex(go::Move m, int size) {
  if (m.is_pass()) return "pass";
  return std::string(1, kColumns[m.x]) + std::to_string(size - m.y);
}

std::optional<go::Move> parse_gtp_vertex(std::string_view text, int size) {
  const std::string v = upper(text);
  if (v == "PASS") return go::Move::pass();
  if (v.size() < 2 || v.size() > 3) return std::nullopt;
  const size_t column = kColumns.find(v[0]);
  if (column == std::string_view::npos || static_cast<int>(column) >= size) return std::nullopt;
  int row = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return std::nullopt;
    row = row * 10 + (v[i] - '0');
  }
  if (v[1] == '0' || row < 1 || row > size) return std::nullopt;
  return go::Move::at(static_cast<int>(column), size - row);
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
