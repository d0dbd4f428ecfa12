#include "games/go/sgf_values.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace traceplay::go {

namespace {

bool is_line_break(char c) { return c == '\n' || c == '\r'; }

// The length of the line break starting at raw[i] (CRLF and LFCR count as one).
size_t line_break_length(std::string_view raw, size_t i) {
  if (i + 1 < raw.size() && is_line_break(raw[i + 1]) && raw[i + 1] != raw[i]) return 2;
  return 1;
}

bool is_other_space(char c) { return c == '\t' || c == '\v' || c == '\f'; }

int letter_value(char c) { return c >= 'a' && c <= 'z' ? c - 'a' : -1; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Numbers longer than this are not komi, handicaps or sizes: refuse them rather than
// overflow or carry a 100 kB "real" around.
constexpr size_t kMaxNumberChars = 32;

}  // namespace

std::string decode_sgf_text(std::string_view raw, bool simple) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    char c = raw[i];
    if (c == '\\') {
      if (i + 1 >= raw.size()) break;  // a lone trailing '\' escapes nothing
      const char next = raw[i + 1];
      if (is_line_break(next)) {  // soft line break: removed
        i += 1 + line_break_length(raw, i + 1);
        continue;
      }
      out += is_other_space(next) ? ' ' : next;
      i += 2;
      continue;
    }
    if (is_line_break(c)) {
      out += simple ? ' ' : '\n';
      i += line_break_length(raw, i);
      continue;
    }
    out += is_other_space(c) ? ' ' : c;
    ++i;
  }
  return out;
}

std::string encode_sgf_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '\\' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

std::optional<Move> decode_sgf_point(std::string_view raw, int size) {
  if (raw.size() != 2) return std::nullopt;
  const int x = letter_value(raw[0]), y = letter_value(raw[1]);
  if (x < 0 || y < 0 || x >= size || y >= size) return std::nullopt;
  return Move::at(x, y);
}

std::optional<Move> decode_sgf_move(std::string_view raw, int size) {
  if (raw.empty() || (raw == "tt" && size <= 19)) return Move::pass();
  return decode_sgf_point(raw, size);
}

std::string encode_sgf_move(Move move) {
  if (move.is_pass()) return "";
  return {static_cast<char>('a' + move.x), static_cast<char>('a' + move.y)};
}

std::optional<std::vector<Move>> decode_sgf_point_list(std::string_view raw, int size) {
  const size_t colon = raw.find(':');
  if (colon == std::string_view::npos) {
    auto point = decode_sgf_point(raw, size);
    if (!point) return std::nullopt;
    return std::vector<Move>{*point};
  }
  const auto a = decode_sgf_point(raw.substr(0, colon), size);
  const auto b = decode_sgf_point(raw.substr(colon + 1), size);
  if (!a || !b) return std::nullopt;
  // FF[4] writes the upper-left corner first; older writers do not always, so take
  // the rectangle the two corners span either way.
  std::vector<Move> points;
  for (int x = std::min(a->x, b->x); x <= std::max(a->x, b->x); ++x)
    for (int y = std::min(a->y, b->y); y <= std::max(a->y, b->y); ++y) points.push_back(Move::at(x, y));
  return points;
}

std::optional<long long> decode_sgf_number(std::string_view raw) {
  if (raw.size() > kMaxNumberChars) return std::nullopt;
  bool negative = false;
  if (!raw.empty() && (raw[0] == '+' || raw[0] == '-')) {
    negative = raw[0] == '-';
    raw.remove_prefix(1);
  }
  if (!all_digits(raw) || raw.size() > 18) return std::nullopt;
  long long value = 0;
  for (char c : raw) value = value * 10 + (c - '0');
  return negative ? -value : value;
}

std::optional<double> decode_sgf_real(std::string_view raw) {
  if (raw.size() > kMaxNumberChars) return std::nullopt;
  std::string_view digits = raw;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  const size_t dot = digits.find('.');
  if (!all_digits(digits.substr(0, dot))) return std::nullopt;
  if (dot != std::string_view::npos && !all_digits(digits.substr(dot + 1))) return std::nullopt;
  const std::string text(raw);
  return std::strtod(text.c_str(), nullptr);
}

std::string encode_sgf_real(double value) {
  // Up to 32 decimals: whatever decode_sgf_real read (32 characters at most) is found
  // again, never longer than it was.
  char buffer[400];
  for (int decimals = 0; decimals <= 32; ++decimals) {
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

}  // namespace traceplay::go
