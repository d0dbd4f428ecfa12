#include "core/escape.h"

#include <cstdint>

namespace traceplay {

namespace {

// The length of the well-formed UTF-8 sequence of 2..4 bytes at the start of `s`
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(0);
  size_t n = 0;
  uint8_t low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < n; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return n;
}

void append_escaped(std::string& out, uint8_t b) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[b >> 4];
  out += kHex[b & 15];
}

// The bytes of `s` that escaping keeps together: one printable or escaped byte, or one
// whole UTF-8 character.
size_t unit_length(std::string_view s) {
  const auto b = static_cast<uint8_t>(s[0]);
  if (b < 0x80) return 1;
  const size_t n = utf8_sequence(s);
  return n == 0 ? 1 : n;
}

}  // namespace

std::string escaped(std::string_view bytes) { return escaped_excerpt(bytes, bytes.size()); }

std::string escaped_excerpt(std::string_view bytes, size_t max_bytes) {
  std::string out;
  size_t i = 0;
  while (i < bytes.size()) {
    const std::string_view rest = bytes.substr(i);
    const size_t n = unit_length(rest);
    if (i + n > max_bytes) break;
    const auto b = static_cast<uint8_t>(rest[0]);
    // C1 controls (U+0080..U+009F) are well-formed but no more printable than C0's.
    const bool c1_control = n == 2 && b == 0xC2 && static_cast<uint8_t>(rest[1]) < 0xA0;
    if ((n > 1 && !c1_control) || (b >= 0x20 && b < 0x7F)) {
      out.append(rest.substr(0, n));
    } else {
      for (size_t k = 0; k < n; ++k) append_escaped(out, static_cast<uint8_t>(rest[k]));
    }
    i += n;
  }
  if (i < bytes.size()) out += "...";
  return out;
}

}  // namespace traceplay
