// The SGF FF[4] value types, one function each way: text with its escapes and line
// breaks, points and point lists, numbers and reals. Values come in raw (the bytes
// between '[' and ']', escapes still in place) and go out escaped, so the tree keeps
// exactly what the file said and only the record layer interprets it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "games/go/types.h"

namespace traceplay::go {

// FF[4] Text: "\x" becomes x, '\' + line break (a soft break) disappears, hard line
// breaks (LF, CR, CRLF, LFCR) become "\n", other white space becomes ' '. SimpleText
// (`simple`): line breaks become ' ' too.
std::string decode_sgf_text(std::string_view raw, bool simple = false);

// Escapes the two characters FF[4] reserves inside a value ('\' and ']') so that
// decode_sgf_text gives `text` back (for text with "\n" line breaks).
std::string encode_sgf_text(std::string_view text);

// A point "aa".."yy" (x = first letter, y = second, 'a' = 0) on a size x size board.
// nullopt when the value is not two letters inside the board.
std::optional<Move> decode_sgf_point(std::string_view raw, int size);

// A move value: a point, or a pass written "" (FF[4]) or "tt" (FF[3], boards <= 19).
std::optional<Move> decode_sgf_move(std::string_view raw, int size);

// "aa".."yy" for a point; "" for a pass (FF[4]'s pass, valid on every board size).
std::string encode_sgf_move(Move move);

// A point list value: one point or a compressed rectangle "aa:cc" (FF[4]), expanded
// column by column. nullopt when malformed or outside the board.
std::optional<std::vector<Move>> decode_sgf_point_list(std::string_view raw, int size);

// Number ("+"/"-" then digits) and Real (a Number with an optional ".digits"), strict:
// no exponent, no spaces, no trailing characters.
std::optional<long long> decode_sgf_number(std::string_view raw);
std::optional<double> decode_sgf_real(std::string_view raw);

// The shortest fixed-point form of `value` (at most 32 decimals) that reads back to the
// same double (6.5 -> "6.5", 7 -> "7"), never an exponent, as SGF's Real wants.
std::string encode_sgf_real(double value);

}  // namespace traceplay::go
