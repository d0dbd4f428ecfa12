#include "apps/gtp/vertex.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace traceplay::gtp {

namespace {

constexpr const char* kColumns = "ABCDEFGHJKLMNOPQRSTUVWXYZ";  // no I (GTP, section 2.11)

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<go::Color> parse_color(const std::string& word) {
  const std::string w = lower(word);
  if (w == "b" || w == "black") return go::Color::kBlack;
  if (w == "w" || w == "white") return go::Color::kWhite;
  return std::nullopt;
}

std::optional<go::Move> parse_vertex(const std::string& word, int size) {
  const std::string w = lower(word);
  if (w == "pass") return go::Move::pass();
  if (w.size() < 2 || w.size() > 3) return std::nullopt;
  const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
  int x = -1;
  for (int i = 0; i < size && kColumns[i]; ++i)
    if (kColumns[i] == letter) x = i;
  if (x < 0) return std::nullopt;
  const auto row = parse_int(w.substr(1));
  if (!row || w[1] == '0' || *row < 1 || *row > size) return std::nullopt;
  return go::Move::at(x, size - *row);
}

std::string format_vertex(go::Move move, int size) {
  if (move.is_pass()) return "pass";
  return std::string(1, kColumns[move.x]) + std::to_string(size - move.y);
}

std::string format_color(go::Color color) { return color == go::Color::kWhite ? "white" : "black"; }

std::optional<int> parse_int(const std::string& word) {
  if (word.empty() || word.size() > 9 || word.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::atoi(word.c_str());
}

std::optional<double> parse_float(const std::string& word) {
  if (word.empty() || word.size() > 64) return std::nullopt;
  // strtod also reads "inf", "nan" and hex: GTP's float is a plain decimal.
  if (word.find_first_not_of("0123456789+-.eE") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(word.c_str(), &end);
  if (end != word.c_str() + word.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace traceplay::gtp
